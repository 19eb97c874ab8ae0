#!/usr/bin/env node
// Warm overhead per invocation of the full gateproof() preset beside what people use today,
// on the success path and on the error path, one run, side by side:
//   raw handler · bare Middy · Middy + http-error-handler · Middy + http-error-handler +
//   Powertools logMetrics · gateproof() (proxy shape, timeout guard, load shedder, error mapper)
// Target (issue 8): the preset's success path ≤ 1.25× Middy + http-error-handler.
// Imports the BUILT packages (`pnpm build` first). Writes bench/results/overhead.{json,md}.
import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware'
import middy from '@middy/core'
import httpErrorHandler from '@middy/http-error-handler'
import { gateproof } from '../packages/gateproof/dist/index.js'
import { lambdaContext, restEvent } from '../packages/testing/dist/index.js'
import { compare, machine, quietly, record, sizesFromEnv, table } from './harness.mjs'

const options = sizesFromEnv({ warmup: 5_000, rounds: 10, iterations: 5_000 })

// A typical 1 KB JSON response, made once: building it is the handler's cost either way.
const body = JSON.stringify({
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

const metrics = new Metrics({ namespace: 'bench', serviceName: 'orders' })
const logger = new Logger({ serviceName: 'orders' })

function variants(fn) {
  const raw = async (event, context) => {
    try {
      return await fn(event, context)
    } catch {
      return { statusCode: 500, body: 'Internal Server Error' }
    }
  }
  return {
    'raw handler': raw,
    'bare Middy': middy(raw),
    'Middy + http-error-handler': middy(fn).use(httpErrorHandler({ logger: false })),
    'Middy + http-error-handler + logMetrics': middy(fn)
      .use(logMetrics(metrics))
      .use(httpErrorHandler({ logger: false })),
    'gateproof()': gateproof(fn, { metrics, logger }),
  }
}

// One event and context; the arrival time is refreshed so the guard and the shedder see a
// request that just arrived on every call (as in production), at the cost of one assignment.
const event = restEvent()
const context = lambdaContext({ remainingMs: 900_000 })
const invoke = (handler) => () => {
  event.requestContext.requestTimeEpoch = Date.now()
  return handler(event, context)
}

const results = await quietly(async () => {
  const out = {}
  for (const [path, fn] of [
    ['success', success],
    ['error', failure],
  ]) {
    const handlers = variants(fn)
    out[path] = await compare(
      Object.fromEntries(Object.entries(handlers).map(([name, h]) => [name, invoke(h)])),
      options,
    )
  }
  return out
})

const baseline = results.success['Middy + http-error-handler']
const ratio = results.success['gateproof()'] / baseline
const rows = Object.keys(results.success).map((name) => [
  name,
  `${(results.success[name] / 1000).toFixed(2)} µs`,
  `${(results.error[name] / 1000).toFixed(2)} µs`,
])
const markdown = `# Warm overhead per invocation

${table(['variant', 'success path', 'error path'], rows)}

Preset success path / Middy + http-error-handler: **${ratio.toFixed(2)}×** (target ≤ 1.25×).
Median of ${options.rounds} interleaved rounds × ${options.iterations} invocations with a REST event
whose arrival time is refreshed before each call. The preset's error path also writes
one EMF line and one log line (Powertools, output discarded); http-error-handler writes neither.
Node ${process.version}; ${machine().cpu}.
`
record(
  'overhead',
  { machine: machine(), options, ns: results, presetOverBaseline: ratio },
  markdown,
)
console.log(markdown)
