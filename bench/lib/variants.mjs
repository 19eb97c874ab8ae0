// The handlers the overhead, instruction-count and cold-start benchmarks compare, defined once
// so every benchmark measures the same work: a REST request answered with a 1 KB JSON body
// (success) or a thrown `Error` answered with a 500 (error), by gateproof and by what people
// use today. Imports the BUILT packages (`pnpm build` first).
import middy from '@middy/core'
import httpErrorHandler from '@middy/http-error-handler'
// Straight from their modules: the package index also loads the local gateway (node:http).
import { lambdaContext } from '../../packages/testing/dist/context.js'
import { restEvent } from '../../packages/testing/dist/events.js'

// A typical 1 KB JSON response, made once: building it is the handler's cost either way.
export const body = JSON.stringify({
  id: 'order-42',
  items: Array.from({ length: 12 }, (_, i) => ({ sku: `sku-${i}`, quantity: i + 1, price: 9.99 })),
})
const success = async () => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body,
})
const failure = async () => {
  throw new Error('connect ECONNREFUSED 10.0.3.7:5432')
}
export const WORK = { success, error: failure }

// Powertools, the peers and gateproof are imported by the variants that use them only, so a
// process measuring one variant (bench/instructions.mjs) loads nothing else.
const powertools = async () => {
  const [{ Logger }, { Metrics }] = await Promise.all([
    import('@aws-lambda-powertools/logger'),
    import('@aws-lambda-powertools/metrics'),
  ])
  powertools.instances ??= {
    metrics: new Metrics({ namespace: 'bench', serviceName: 'orders' }),
    logger: new Logger({ serviceName: 'orders' }),
  }
  return powertools.instances
}

/**
 * What people write by hand with Powertools: log, one metric, a JSON 500. Shared with
 * bench/error-mapper.mjs so both benches measure the same hand-written baseline.
 */
export const handWrittenPowertools = ({ metrics, logger }) => ({
  onError: (request) => {
    if (request.response !== undefined) return
    const error = request.error
    const statusCode = error?.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500
    logger.error('Request failed', { error })
    metrics.addDimension('StatusCode', String(statusCode))
    metrics.addMetric('Error', 'Count', 1)
    metrics.publishStoredMetrics()
    request.response = {
      statusCode,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ message: statusCode < 500 ? error.message : 'Internal Server Error' }),
    }
  },
})

const gateproofPreset = async () =>
  (await import('../../packages/gateproof/dist/index.js')).gateproof

/**
 * Every variant of one piece of work `fn` (`WORK.success` or `WORK.error`), by name: an async
 * factory of the handler. The routers get one route for the event's path that calls `fn` and
 * hand its result back the way each expects; a thrown error goes to each one's own default
 * error answer.
 */
export const VARIANTS = {
  'raw handler': async (fn) => async (event, context) => {
    try {
      return await fn(event, context)
    } catch {
      return { statusCode: 500, body: 'Internal Server Error' }
    }
  },
  'bare Middy': async (fn) =>
    middy(async (event, context) => {
      try {
        return await fn(event, context)
      } catch {
        return { statusCode: 500, body: 'Internal Server Error' }
      }
    }),
  'Middy + http-error-handler': async (fn) => middy(fn).use(httpErrorHandler({ logger: false })),
  'Middy + http-error-handler + logMetrics': async (fn) => {
    const { metrics } = await powertools()
    const { logMetrics } = await import('@aws-lambda-powertools/metrics/middleware')
    return middy(fn)
      .use(logMetrics(metrics))
      .use(httpErrorHandler({ logger: false }))
  },
  'Middy + hand-written Powertools onError': async (fn) =>
    middy(fn).use(handWrittenPowertools(await powertools())),
  'Powertools stack (injectLambdaContext + logMetrics + http-error-handler)': async (fn) => {
    const { metrics, logger } = await powertools()
    const { logMetrics } = await import('@aws-lambda-powertools/metrics/middleware')
    const { injectLambdaContext } = await import('@aws-lambda-powertools/logger/middleware')
    return middy(fn)
      .use(injectLambdaContext(logger))
      .use(logMetrics(metrics))
      .use(httpErrorHandler({ logger: false }))
  },
  'Powertools Router': async (fn) => {
    const { Router } = await import('@aws-lambda-powertools/event-handler/http')
    const app = new Router()
    app.get('/orders/:id', ({ event, context }) => fn(event, context))
    return (event, context) => app.resolve(event, context)
  },
  'hono handle()': async (fn) => {
    const [{ Hono }, { handle }] = await Promise.all([import('hono'), import('hono/aws-lambda')])
    const app = new Hono()
    app.get('/orders/:id', async (c) => {
      const result = await fn(c.env.event, c.env.lambdaContext)
      return c.body(result.body, result.statusCode, result.headers)
    })
    return handle(app)
  },
  'lambda-api': async (fn) => {
    const { default: createAPI } = await import('lambda-api')
    const api = createAPI({ logger: false })
    api.get('/orders/:id', async (req, res) => {
      const result = await fn(req.rawEvent, req.context)
      res.status(result.statusCode).header('content-type', 'application/json').send(result.body)
    })
    return (event, context) => api.run(event, context)
  },
  'gateproof()': async (fn) => (await gateproofPreset())(fn, await powertools()),
  'gateproof() without telemetry': async (fn) => (await gateproofPreset())(fn),
}

/** The variants whose figures the targets compare. */
export const BASELINE = 'Middy + http-error-handler'
export const PRESET = 'gateproof()'

/**
 * A call of `handler` on one REST event and context; the arrival time is refreshed so the
 * guard and the shedder see a request that just arrived on every call (as in production),
 * at the cost of one assignment.
 */
export function invoker(handler) {
  const event = restEvent()
  const context = lambdaContext({ remainingMs: 900_000 })
  return () => {
    event.requestContext.requestTimeEpoch = Date.now()
    return handler(event, context)
  }
}
