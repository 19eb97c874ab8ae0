#!/usr/bin/env node
// The parts of the error path, each timed on its own (CPU time, ns per call), for one or more
// BUILT trees side by side in one process, rounds interleaved: how bench/results/error-mapper.md
// measured what each issue-18 change saved. Pass the roots of other checkouts (each built,
// its node_modules linked) to compare them with this one:
//   node bench/error-path-parts.mjs                       # this tree
//   node bench/error-path-parts.mjs /tmp/before .         # a build of an earlier commit, then this
// Parts: telemetry.count (3 dimensions, Powertools Metrics), renderErrorResponse (a 500),
// mapError (a plain Error through the built-in rules), readThrown and describeThrown (stack
// already formatted), and the whole error-mapper onError (Middy + errorMapper + Powertools
// Metrics and Logger, output discarded).
import { resolve } from 'node:path'
import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import middy from '@middy/core'
import { lambdaContext } from '../packages/testing/dist/context.js'
import { restEvent } from '../packages/testing/dist/events.js'
import { median, table } from './harness.mjs'

const roots = process.argv.length > 2 ? process.argv.slice(2) : ['.']
const ROUNDS = Number(process.env.ROUNDS ?? 11)
const metrics = new Metrics({ namespace: 'bench', serviceName: 'orders' })
const logger = new Logger({ serviceName: 'orders' })
const thrown = new Error('connect ECONNREFUSED 10.0.3.7:5432')
void thrown.stack
const event = restEvent()
const context = lambdaContext({ remainingMs: 900_000 })
const failure = async () => {
  throw new Error('connect ECONNREFUSED 10.0.3.7:5432')
}

async function partsOf(root) {
  const at = (path) => import(resolve(root, path))
  const { createTelemetry } = await at('packages/core/dist/telemetry.js')
  const { renderErrorResponse } = await at('packages/core/dist/error-contract.js')
  const { readThrown, describeThrown } = await at('packages/core/dist/thrown.js')
  const { mapError } = await at('packages/error-mapper/dist/map-error.js')
  const { BUILT_IN_RULES } = await at('packages/error-mapper/dist/built-in-rules.js')
  const { errorMapper } = await at('packages/error-mapper/dist/index.js')
  const telemetry = createTelemetry('@gateproof/error-mapper', { metrics })
  const description = {
    status: 500,
    title: 'Internal Server Error',
    expose: false,
    errorType: 'InternalServerErrorException',
    headers: {},
    requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
  }
  const render = { integration: 'rest', event: {} }
  const rules = { integration: 'rest', throttleStatus: 503, retryAfterSeconds: 1 }
  const handler = middy(failure).use(errorMapper({ metrics, logger }))
  return {
    'telemetry.count': [
      20_000,
      () =>
        telemetry.count('Error', {
          StatusCode: String(500),
          ErrorType: 'InternalServerErrorException',
          Integration: 'rest',
        }),
    ],
    renderErrorResponse: [100_000, () => renderErrorResponse(description, render)],
    mapError: [100_000, () => mapError(thrown, BUILT_IN_RULES, rules)],
    readThrown: [100_000, () => readThrown(thrown)],
    'describeThrown (stack)': [100_000, () => describeThrown(thrown, { stack: true })],
    'error-mapper onError, whole': [5_000, () => handler(event, context)],
  }
}

const trees = []
for (const root of roots) trees.push(await partsOf(root))
const write = process.stdout.write.bind(process.stdout)
process.stdout.write = () => true
process.stderr.write = () => true
const ns = {}
for (const part of Object.keys(trees[0])) {
  const samples = trees.map(() => [])
  for (let round = -1; round < ROUNDS; round += 1) {
    for (const [index, parts] of trees.entries()) {
      const [calls, fn] = parts[part]
      const start = process.cpuUsage()
      for (let i = 0; i < calls; i += 1) {
        // The whole handler answers through a promise: each call settles before the next.
        const result = fn()
        if (result instanceof Promise) await result
      }
      const { user, system } = process.cpuUsage(start)
      // Round -1 warms the code up.
      if (round >= 0) samples[index].push(((user + system) * 1000) / calls)
    }
  }
  ns[part] = samples.map(median)
}
write(
  `${table(
    ['part (CPU ns per call)', ...roots],
    Object.entries(ns).map(([part, values]) => [part, ...values.map((v) => v.toFixed(0))]),
  )}\n`,
)
