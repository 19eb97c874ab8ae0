// The demo itself, as a function: the same app behind a local REST API gateway twice — plain
// Middy with @middy/http-error-handler, and gateproof() — with the five classic failures fired at
// both. Time is scaled down 100×: the gateway's 29 s integration timeout is 290 ms here.
// `demo/run.mjs` prints it (`pnpm demo`); test/demo.test.ts checks that it shows the README's claims.
import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import { captureOutput, startLocalGateway } from '@gateproof/testing'
import middy from '@middy/core'
import httpErrorHandler from '@middy/http-error-handler'
import { gateproof, memoryLimiter } from 'gateproof'
import { app, SCALE, SCENARIOS, slowRuns } from './app.mjs'

export const INTEGRATION_TIMEOUT_MS = 29_000 / SCALE
export const MARGIN_MS = 40
const RESERVED_CONCURRENCY = 4

function handlers() {
  const plain = middy(app).use(httpErrorHandler({ logger: false }))
  const metrics = new Metrics({ namespace: 'gateproof-demo', serviceName: 'orders' })
  const logger = new Logger({ serviceName: 'orders', logLevel: 'ERROR' })
  const guarded = gateproof(app, {
    metrics,
    logger,
    timeoutGuard: { integrationTimeoutMs: INTEGRATION_TIMEOUT_MS, marginMs: MARGIN_MS },
    // Stands in for the fleet-wide Redis limiter: one process plays the whole fleet here.
    loadShedder: {
      // Normal traffic may use 95 % of a limit (3 of these 4 slots); the rest is kept for
      // critical traffic, so invocations in flight stay below the reserved concurrency.
      limiter: memoryLimiter({ concurrency: RESERVED_CONCURRENCY }),
      // The default floor (250 ms left) is sized for a 29 s budget, not this scaled one.
      deadline: { minRemainingMs: 20 },
    },
  })
  return { plain, guarded }
}

async function request(url) {
  const started = performance.now()
  const response = await fetch(url)
  const body = await response.text()
  return {
    status: response.status,
    ms: Math.round(performance.now() - started),
    errorType: response.headers.get('x-amzn-errortype') ?? '',
    retryAfter: response.headers.get('retry-after') ?? '',
    contentType: response.headers.get('content-type') ?? '',
    body,
  }
}

async function fire(url, scenario) {
  if (scenario.path !== '/burst') return [await request(url + scenario.path)]
  // Open-loop arrivals: 30 requests 15 ms apart at a route that takes 120 ms, against
  // reserved concurrency 4 (capacity ≈ 33 requests/s). Each is due at its own time from the
  // start, so a busy machine whose timers fire late sends the late ones at once and still
  // offers the burst instead of a slower trickle.
  const pending = []
  const start = performance.now()
  for (let i = 0; i < 30; i += 1) {
    const wait = start + i * 15 - performance.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    pending.push(request(url + scenario.path))
  }
  return Promise.all(pending)
}

/** Every scenario against one handler; with a capture, what gateproof emitted during each. */
async function run(handler, capture) {
  const gateway = await startLocalGateway({
    handler,
    integration: 'rest',
    integrationTimeoutMs: INTEGRATION_TIMEOUT_MS,
    functionTimeoutMs: 60_000 / SCALE,
    reservedConcurrency: RESERVED_CONCURRENCY,
  })
  slowRuns.length = 0
  const results = []
  try {
    for (const scenario of SCENARIOS) {
      const metricsBefore = capture?.metrics().length ?? 0
      const logsBefore = capture?.logs().length ?? 0
      const responses = await fire(gateway.url, scenario)
      // Let invocations the gateway stopped waiting for finish, so their fate is known.
      while (gateway.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 10))
      results.push({
        responses,
        metrics: capture?.metrics().slice(metricsBefore) ?? [],
        logs: capture?.logs().slice(logsBefore) ?? [],
        slow: scenario.path === '/slow' ? slowRuns.map((r) => ({ ...r })) : [],
      })
    }
  } finally {
    await gateway.close()
  }
  return results
}

/** Runs the demo: what the client saw of each scenario, plain Middy beside gateproof. */
export async function runDemo() {
  const { plain, guarded } = handlers()
  const before = await run(plain)
  const capture = captureOutput()
  let after
  try {
    after = await run(guarded, capture)
  } finally {
    capture.stop()
  }
  return {
    scenarios: SCENARIOS.map((scenario, i) => ({
      ...scenario,
      plain: before[i],
      gateproof: after[i],
    })),
    metrics: capture.metrics(),
    logs: capture.logs(),
  }
}

function statuses(responses) {
  const counts = new Map()
  for (const r of responses) {
    const key = `${r.status}${r.retryAfter ? ' + Retry-After' : ''}`
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  return [...counts].map(([key, n]) => `${n}× ${key}`).join(', ')
}

const metricLabel = (metric) => {
  const dims = Object.entries(metric.dimensions)
    .filter(([name]) => name !== 'service')
    .map(([name, value]) => `${name}=${value}`)
    .join(' ')
  return `${metric.name} {${dims}}`
}

/** The report as text: every body in full, the timing, the handler's fate and the telemetry. */
export function formatDemo(report) {
  const pad = ''.padEnd(37)
  const lines = ['gateproof demo — a REST API behind a local API Gateway (time scaled 1:100)', '']
  for (const [i, scenario] of report.scenarios.entries()) {
    lines.push(`${i + 1}. ${scenario.title}  (GET ${scenario.path})`)
    const plainMs = scenario.plain.responses[0].ms
    for (const [label, outcome] of [
      ['plain Middy + http-error-handler', scenario.plain],
      ['gateproof()', scenario.gateproof],
    ]) {
      const { responses } = outcome
      const shown = responses.find((r) => r.status >= 400) ?? responses[0]
      const status = responses.length > 1 ? statuses(responses) : String(shown.status)
      lines.push(`   ${label.padEnd(34)} ${status}`)
      if (scenario.path === '/slow') {
        if (outcome === scenario.gateproof) {
          lines.push(
            `${pad}its deadline: ${INTEGRATION_TIMEOUT_MS - MARGIN_MS} ms, ${MARGIN_MS} ms earlier than the gateway's ${INTEGRATION_TIMEOUT_MS} ms`,
            `${pad}answered after ${shown.ms} ms, ${plainMs - shown.ms} ms before plain Middy's client got its 504`,
          )
        } else {
          lines.push(
            `${pad}answered after ${shown.ms} ms, by the gateway (its ${INTEGRATION_TIMEOUT_MS} ms limit)`,
          )
        }
        for (const run of outcome.slow) {
          lines.push(
            run.aborted
              ? `${pad}handler signal aborted: the work stopped after ${run.ms} ms`
              : `${pad}handler not stopped: it ran ${run.ms} ms, its answer thrown away`,
          )
        }
      }
      if (shown.contentType && shown.status >= 400)
        lines.push(`${pad}Content-Type: ${shown.contentType}`)
      if (shown.errorType) lines.push(`${pad}x-amzn-ErrorType: ${shown.errorType}`)
      if (shown.retryAfter) lines.push(`${pad}Retry-After: ${shown.retryAfter}`)
      lines.push(`${pad}body: ${shown.body.replace(/\s+/g, ' ') || '(empty)'}`)
      if (outcome === scenario.gateproof && (outcome.logs.length || outcome.metrics.length)) {
        const names = outcome.metrics.map(metricLabel)
        const unique = [...new Set(names)].map(
          (n) => `${names.filter((x) => x === n).length}× ${n}`,
        )
        lines.push(
          `${pad}${outcome.logs.length} log line(s), ${outcome.metrics.length} metric(s): ${unique.join(', ')}`,
        )
      }
    }
    lines.push('')
  }
  const emitted = new Map()
  for (const metric of report.metrics) {
    const key = metricLabel(metric)
    const value = Array.isArray(metric.value) ? metric.value.length : metric.value
    emitted.set(key, (emitted.get(key) ?? 0) + value)
  }
  lines.push('EMF metrics gateproof emitted (namespace gateproof-demo):')
  for (const [key, count] of emitted) lines.push(`   ${String(count).padStart(3)}  ${key}`)
  lines.push(
    '',
    `${report.logs.length} structured log lines written by gateproof (Powertools Logger).`,
  )
  return lines.join('\n')
}
