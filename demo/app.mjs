// The demo's example app: one REST API handler with a route per classic failure. It is
// wrapped twice by run.mjs — in plain Middy with @middy/http-error-handler, and in gateproof().
import { setTimeout as sleep } from 'node:timers/promises'
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb'

export const SCENARIOS = [
  {
    path: '/body-object',
    title: 'handler returns a body object',
  },
  {
    path: '/sdk-throttle',
    title: 'DynamoDB throttles the handler',
  },
  {
    path: '/burst',
    title: 'burst beyond capacity',
  },
  {
    path: '/slow',
    title: 'still working at the 29 s limit',
  },
  {
    path: '/bug',
    title: 'an unknown error',
  },
]

/** Work of the slow route, scaled: the demo's gateway gives up after 290 ms instead of 29 s. */
export const SCALE = 100

/**
 * What became of each invocation of the slow route: how long it ran and whether its
 * AbortSignal stopped it (the demo prints it beside what the client saw).
 */
export const slowRuns = []

export async function app(event, _context, { signal } = {}) {
  switch (event.path) {
    case '/body-object':
      // The number one cause of API Gateway 502s: body must be a string.
      return { statusCode: 200, body: { orderId: 42, status: 'shipped' } }
    case '/sdk-throttle':
      throw new ProvisionedThroughputExceededException({
        message: 'The level of configured provisioned throughput for the table was exceeded.',
        $metadata: {
          httpStatusCode: 400,
          requestId: 'DDB-REQ-1',
          attempts: 3,
          totalRetryDelay: 350,
        },
      })
    case '/burst':
      await sleep(120, undefined, { signal })
      return {
        statusCode: 200,
        headers: { 'content-type': 'application/json' },
        body: '{"ok":true}',
      }
    case '/slow': {
      const run = { startedAt: performance.now(), ms: undefined, aborted: false }
      slowRuns.push(run)
      try {
        await sleep(45_000 / SCALE, undefined, { signal })
        return { statusCode: 200, body: 'finally' }
      } catch (error) {
        run.aborted = signal?.aborted === true
        throw error
      } finally {
        run.ms = Math.round(performance.now() - run.startedAt)
      }
    }
    case '/bug': {
      const order = undefined
      return { statusCode: 200, body: JSON.stringify({ id: order.id }) }
    }
    default:
      return { statusCode: 404, body: 'not found' }
  }
}
