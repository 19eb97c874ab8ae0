import { Readable } from 'node:stream'
import { gateproof } from 'gateproof'
import createHttpError from 'http-errors'

/** Orders as newline-delimited JSON, one line per order, as they are read. */
async function* orderLines(count: number, signal: AbortSignal): AsyncGenerator<string> {
  for (let id = 1; id <= count; id++) {
    // The stream deadlines abort this signal: stop reading instead of writing into a closed stream.
    if (signal.aborted) return
    await new Promise((resolve) => setTimeout(resolve, 10))
    yield `${JSON.stringify({ id, status: 'shipped' })}\n`
  }
}

/**
 * GET /orders/export?count=N streams N orders. A bad count is a 400 in the error contract
 * (before the first byte, so the status can still say so); a failure while streaming ends
 * the stream cleanly and is counted as a `StreamError`.
 */
export const handler = gateproof(
  async (event, _context, { signal }) => {
    const query =
      'queryStringParameters' in event ? (event.queryStringParameters ?? undefined) : undefined
    const count = Number(query?.count ?? 5)
    if (!Number.isInteger(count) || count < 1 || count > 10_000) {
      throw createHttpError(400, 'count must be an integer from 1 to 10000')
    }
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' },
      body: Readable.from(orderLines(count, signal)),
    }
  },
  // REST STREAM through CloudFront (edge-optimized) idles out after 30 s: stay well inside it.
  { streaming: { idleMs: 25_000 } },
)
