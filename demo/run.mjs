#!/usr/bin/env node
// `pnpm demo`: the same app behind a local REST API gateway twice — plain Middy with
// @middy/http-error-handler, and gateproof() — with the five classic failures fired at both.
// Time is scaled down 100×: the gateway's 29 s integration timeout is 290 ms here.
import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import { captureOutput, startLocalGateway } from '@gateproof/testing'
import middy from '@middy/core'
import httpErrorHandler from '@middy/http-error-handler'
import { gateproof, memoryLimiter } from 'gateproof'
import { app, SCALE, SCENARIOS } from './app.mjs'

const INTEGRATION_TIMEOUT_MS = 29_000 / SCALE
const RESERVED_CONCURRENCY = 4

const plain = middy(app).use(httpErrorHandler({ logger: false }))

const metrics = new Metrics({ namespace: 'gateproof-demo', serviceName: 'orders' })
const logger = new Logger({ serviceName: 'orders', logLevel: 'ERROR' })
const guarded = gateproof(app, {
  metrics,
  logger,
  timeoutGuard: { integrationTimeoutMs: INTEGRATION_TIMEOUT_MS, marginMs: 40 },
  // Stands in for the fleet-wide Redis limiter: one process plays the whole fleet here.
  loadShedder: {
    // Normal traffic may use 95 % of a limit (3 of these 4 slots); the rest is kept for
    // critical traffic, so invocations in flight stay below the reserved concurrency.
    limiter: memoryLimiter({ concurrency: RESERVED_CONCURRENCY }),
    // The default floor (250 ms left) is sized for a 29 s budget, not this scaled one.
    deadline: { minRemainingMs: 20 },
  },
})

async function fire(url, scenario) {
  if (scenario.path !== '/burst') return [await request(url + scenario.path)]
  // Open-loop arrivals: 30 requests 15 ms apart at a route that takes 120 ms, against
  // reserved concurrency 4 (capacity ≈ 33 requests/s).
  const pending = []
  for (let i = 0; i < 30; i += 1) {
    pending.push(request(url + scenario.path))
    await new Promise((resolve) => setTimeout(resolve, 15))
  }
  return Promise.all(pending)
}

async function request(url) {
  const response = await fetch(url)
  return {
    status: response.status,
    errorType: response.headers.get('x-amzn-errortype') ?? '',
    retryAfter: response.headers.get('retry-after') ?? '',
    body: await response.text(),
  }
}

async function run(handler) {
  const gateway = await startLocalGateway({
    handler,
    integration: 'rest',
    integrationTimeoutMs: INTEGRATION_TIMEOUT_MS,
    functionTimeoutMs: 60_000 / SCALE,
    reservedConcurrency: RESERVED_CONCURRENCY,
  })
  const results = []
  for (const scenario of SCENARIOS) results.push(await fire(gateway.url, scenario))
  // Let invocations the gateway stopped waiting for finish before the next run.
  while (gateway.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 20))
  await gateway.close()
  return results
}

function summarise(responses) {
  if (responses.length === 1) return responses[0]
  const counts = new Map()
  for (const r of responses) {
    const key = `${r.status}${r.retryAfter ? ' +Retry-After' : ''}`
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  const statuses = [...counts].map(([key, n]) => `${n}× ${key}`).join(', ')
  const sample = responses.find((r) => r.status >= 400) ?? responses[0]
  return { ...sample, status: statuses }
}

const clip = (text, width) => {
  const flat = text.replace(/\s+/g, ' ')
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat
}

console.log('gateproof demo — a REST API behind a local API Gateway (time scaled 1:100)\n')
const before = await run(plain)
const capture = captureOutput()
let after
try {
  after = await run(guarded)
} finally {
  capture.stop()
}

for (const [i, scenario] of SCENARIOS.entries()) {
  const a = summarise(before[i])
  const b = summarise(after[i])
  console.log(`${i + 1}. ${scenario.title}  (GET ${scenario.path})`)
  for (const [label, r] of [
    ['plain Middy + http-error-handler', a],
    ['gateproof()', b],
  ]) {
    console.log(`   ${label.padEnd(34)} ${String(r.status).padEnd(28)}`)
    if (r.errorType) console.log(`   ${''.padEnd(34)} x-amzn-ErrorType: ${r.errorType}`)
    if (r.retryAfter) console.log(`   ${''.padEnd(34)} Retry-After: ${r.retryAfter}`)
    console.log(`   ${''.padEnd(34)} body: ${clip(r.body || '(empty)', 90)}`)
  }
  console.log('')
}

const emitted = new Map()
for (const metric of capture.metrics()) {
  const dims = Object.entries(metric.dimensions)
    .filter(([name]) => name !== 'service')
    .map(([name, value]) => `${name}=${value}`)
    .join(' ')
  const key = `${metric.name} {${dims}}`
  emitted.set(
    key,
    (emitted.get(key) ?? 0) + (Array.isArray(metric.value) ? metric.value.length : metric.value),
  )
}
console.log('EMF metrics gateproof emitted (namespace gateproof-demo):')
for (const [key, count] of emitted) console.log(`   ${String(count).padStart(3)}  ${key}`)
console.log(
  `\n${capture.logs().length} structured log lines written by gateproof (Powertools Logger).`,
)
