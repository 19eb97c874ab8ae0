#!/usr/bin/env node
// Cost of the error path: a handler that throws, answered by
//   - a bare Middy onError that sets a 500 (the floor: Middy's own error path),
//   - @middy/http-error-handler alone (render only, its logger off),
//   - a hand-written onError with Powertools (logger.error + addMetric + publishStoredMetrics
//     + a JSON 500), what people write without gateproof,
//   - @gateproof/error-mapper without telemetry (map + render),
//   - @gateproof/error-mapper with Powertools Metrics and Logger (map + render + EMF + log).
// Powertools output goes to a no-op `write` on stdout/stderr while measuring, so the
// formatting and serialisation are paid but no terminal I/O. Imports the BUILT packages:
// run `pnpm build` first. Writes bench/results/error-mapper.json and .md.
//
//   node bench/error-mapper.mjs            # defaults: 10 000 warm-up, 10 rounds × 10 000
//   ROUNDS=5 ITERATIONS=5000 node bench/error-mapper.mjs

import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb'
import middy from '@middy/core'
import httpErrorHandler from '@middy/http-error-handler'
import createError from 'http-errors'
import { errorMapper } from '../packages/error-mapper/dist/index.js'
import { lambdaContext, restEvent } from '../packages/testing/dist/index.js'
import { compare, quietly, record, round1, runSummary, sizesFromEnv, table } from './harness.mjs'
import { handWrittenPowertools } from './lib/variants.mjs'

const sizes = sizesFromEnv({ warmup: 10_000, rounds: 10, iterations: 10_000 })

// One instance per kind, made once: the cost of creating the error (its stack) is the
// handler's, the same with or without any error handling.
const errors = {
  'SDK throttle': new ProvisionedThroughputExceededException({
    message: 'The level of configured provisioned throughput for the table was exceeded',
    $metadata: { httpStatusCode: 400, requestId: 'R3Q5…', attempts: 3 },
  }),
  'http-errors 404': createError(404, 'Order 42 does not exist'),
  'plain Error': new Error('connect ECONNREFUSED 10.0.3.7:5432'),
}

const metrics = new Metrics({ namespace: 'bench', serviceName: 'orders' })
const logger = new Logger({ serviceName: 'orders' })

function handlers(thrown) {
  const handler = () => {
    throw thrown
  }
  return {
    floor: middy(handler).onError((request) => {
      request.response = { statusCode: 500, body: '' }
    }),
    httpErrorHandler: middy(handler).use(httpErrorHandler({ logger: false })),
    handWrittenPowertools: middy(handler).use(handWrittenPowertools({ metrics, logger })),
    errorMapperSilent: middy(handler).use(errorMapper()),
    errorMapper: middy(handler).use(errorMapper({ metrics, logger })),
  }
}

const event = restEvent()
const context = lambdaContext({ remainingMs: 900_000 })
const invoke = (handler) => () => handler(event, context)
const results = []
const statuses = {}

await quietly(async () => {
  for (const [errorName, thrown] of Object.entries(errors)) {
    const variants = handlers(thrown)
    statuses[errorName] = Object.fromEntries(
      await Promise.all(
        Object.entries(variants).map(async ([name, fn]) => [
          name,
          (await fn(event, context)).statusCode,
        ]),
      ),
    )
    const ns = await compare(
      Object.fromEntries(Object.entries(variants).map(([name, fn]) => [name, invoke(fn)])),
      sizes,
    )
    results.push({
      error: errorName,
      floorNs: round1(ns.floor),
      httpErrorHandlerNs: round1(ns.httpErrorHandler),
      handWrittenPowertoolsNs: round1(ns.handWrittenPowertools),
      errorMapperSilentNs: round1(ns.errorMapperSilent),
      errorMapperNs: round1(ns.errorMapper),
      errorMapperAddedNs: round1(ns.errorMapper - ns.floor),
      handWrittenAddedNs: round1(ns.handWrittenPowertools - ns.floor),
    })
  }
})

const summary = {
  ...runSummary('error-mapper: the error path (map + render + EMF + log)', sizes),
  statistic: 'median of per-round mean ns/invocation, through await handler(event, context)',
  statuses,
  results,
}

console.table(results)
console.table(statuses)

const markdown = `# error-mapper benchmark

A REST handler that throws, answered five ways. ns per invocation, ${summary.statistic}
(${sizes.rounds} rounds × ${sizes.iterations} invocations after ${sizes.warmup} warm-up, variants interleaved).

- ${summary.date}, Node ${summary.node}, ${summary.platform}, ${summary.cpu} × ${summary.cpuCount}
- floor: a bare \`onError\` that sets \`{ statusCode: 500 }\` (Middy's own error path).
- http-error-handler: \`@middy/http-error-handler\` with \`logger: false\` (render only; no log, no metric).
- hand-written: \`logger.error\` + \`addDimension\` + \`addMetric\` + \`publishStoredMetrics\` + a JSON body.
- mapper, silent: \`errorMapper()\` (map + render, no telemetry instances).
- mapper: \`errorMapper({ metrics, logger })\` (map + render + one EMF line + one log line).
- Powertools output goes to a no-op stream \`write\`: JSON formatting is paid, terminal I/O is not.
  In Lambda, stdout writes add to every variant that logs or emits EMF alike.

${table(
  [
    'error',
    'floor (ns)',
    'http-error-handler (ns)',
    'hand-written Powertools (ns)',
    'mapper, silent (ns)',
    'mapper (ns)',
    'mapper − floor (ns)',
    'hand-written − floor (ns)',
  ],
  results.map((r) => [
    r.error,
    r.floorNs,
    r.httpErrorHandlerNs,
    r.handWrittenPowertoolsNs,
    r.errorMapperSilentNs,
    r.errorMapperNs,
    r.errorMapperAddedNs,
    r.handWrittenAddedNs,
  ]),
)}

What the client gets:

${table(
  ['error', 'http-error-handler', 'hand-written', 'error-mapper'],
  Object.entries(statuses).map(([error, s]) => [
    error,
    s.httpErrorHandler,
    s.handWrittenPowertools,
    s.errorMapper,
  ]),
)}
`
record('error-mapper', summary, markdown)
console.log('wrote bench/results/error-mapper.json and error-mapper.md')
