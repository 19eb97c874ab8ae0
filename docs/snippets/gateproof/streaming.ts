import { Readable } from 'node:stream'
import { gateproof } from 'gateproof'

// Your data source; a stand-in here, so the sample runs as written.
async function* ordersSince(since: string, signal: AbortSignal) {
  for (let id = 1; id <= 3 && !signal.aborted; id++) {
    yield `${JSON.stringify({ id, since, status: 'shipped' })}\n`
  }
}

// Configured as the function's handler (e.g. `Handler: handler.exportOrders`) behind a REST API
// route in STREAM mode or a Function URL in RESPONSE_STREAM mode.
export const exportOrders = gateproof(
  async (event, _context, { signal }) => {
    const since = event.queryStringParameters?.since ?? '1970-01-01'
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/x-ndjson' },
      // Text, bytes, a Node or web stream, or an async iterable.
      body: Readable.from(ordersSince(since, signal)),
    }
  },
  // Or { idleMs, totalMs, marginMs } for the stream deadlines.
  { streaming: true },
)
