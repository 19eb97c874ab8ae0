// Cost of @gateproof/load-shedder per request: the admit decision of each local policy, the
// release, and a refusal end to end through Middy. Run after `pnpm build` with node 22:
//   node bench/load-shedder.mjs
// Writes bench/results/load-shedder.json and bench/results/load-shedder.md.
import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import middy from '@middy/core'
import {
  computeDeadline,
  detectIntegration,
  gateproofPlugin,
  renderErrorResponse,
  requestIdOf,
  setRequestDeadline,
} from '../packages/core/dist/index.js'
import { loadShedder, memoryLimiter } from '../packages/load-shedder/dist/index.js'
import { compare, machine, median, quietly, record, round1, table } from './harness.mjs'

const BATCH = 1000
const ROUNDS = 200
const WARMUP_ROUNDS = 50
const E2E_ITERATIONS = 5_000

const arrivedAt = Date.now()
const event = {
  resource: '/orders/{id}',
  path: '/orders/42',
  httpMethod: 'GET',
  headers: { accept: 'application/json' },
  multiValueHeaders: {},
  queryStringParameters: null,
  multiValueQueryStringParameters: null,
  pathParameters: { id: '42' },
  stageVariables: null,
  requestContext: {
    accountId: '123456789012',
    apiId: 'abc123',
    httpMethod: 'GET',
    requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
    requestTimeEpoch: arrivedAt,
    resourcePath: '/orders/{id}',
    stage: 'prod',
  },
  body: null,
  isBase64Encoded: false,
}
const contextStart = Date.now()
const context = {
  awsRequestId: 'bench',
  getRemainingTimeInMillis: () => 900_000 - (Date.now() - contextStart),
}
// The timeout guard computes the deadline once per request in `requestStart`; the shedder
// reads it (measurePolicy arms it for each round's requests).

// Each invocation gets a freshly parsed event, as in Lambda: strings read from it have not
// been hashed yet, which is what a per-route lookup pays for.
// It arrives now: on a slow or busy machine the run outlasts REST's 29-second limit, and a
// request that arrived at the start would by then be refused as past its deadline.
const eventJson = JSON.stringify(event)
const freshEvent = () => {
  const fresh = JSON.parse(eventJson)
  fresh.requestContext.requestTimeEpoch = Date.now()
  return fresh
}

/**
 * ns per request for `requestStart` + `before` (the admit decision) and for the release.
 * `guard: false` leaves the deadline for the shedder to compute, as without a timeout guard.
 */
function measurePolicy(options, { guard = true } = {}) {
  const shedder = loadShedder(options)
  const requests = Array.from({ length: BATCH }, () => ({
    event,
    context,
    response: undefined,
    error: undefined,
    internal: {},
  }))
  const admitRounds = []
  const releaseRounds = []
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
    // What the timeout guard would arm for requests arriving now (outside the timed part).
    const deadline = computeDeadline(freshEvent(), context)
    for (const request of requests) {
      request.event = freshEvent()
      request.response = undefined
      request.internal = Object.create(null)
      if (guard) setRequestDeadline(request, deadline)
    }
    const admitStart = process.hrtime.bigint()
    for (const request of requests) {
      shedder.plugin.requestStart(request)
      shedder.before(request)
    }
    const admitEnd = process.hrtime.bigint()
    for (const request of requests) {
      request.response = OK
      shedder.after(request)
      shedder.plugin.requestEnd(request)
    }
    const releaseEnd = process.hrtime.bigint()
    if (round >= WARMUP_ROUNDS) {
      admitRounds.push(Number(admitEnd - admitStart) / BATCH)
      releaseRounds.push(Number(releaseEnd - admitEnd) / BATCH)
    }
  }
  if (shedder.stats().inFlight !== 0) throw new Error('bench leaked in-flight slots')
  return { admitNs: median(admitRounds), releaseNs: median(releaseRounds) }
}

const OK = { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' }

const renderer = {
  onError(request) {
    if (request.response !== undefined) return
    const error = request.error
    request.response = renderErrorResponse(
      {
        status: error.statusCode ?? 500,
        detail: error.message,
        expose: error.expose,
        errorType: error.errorType,
        retryAfterSeconds: error.retryAfterSeconds,
        headers: error.headers,
        requestId: requestIdOf(request.event, request.context),
      },
      { integration: detectIntegration(request.event), event: request.event },
    )
  },
}

const withShedder = (options) => () => {
  const shedder = loadShedder(options)
  return middy(async () => OK, gateproofPlugin(shedder))
    .use(renderer)
    .use(shedder)
}

const lateJson = JSON.stringify({
  ...event,
  requestContext: { ...event.requestContext, requestTimeEpoch: Date.now() - 60_000 },
})
const lateEvent = () => JSON.parse(lateJson)

// Prediction needs a filled window: the deadline row measures the warm path.
const policies = [
  ['none (state, key, slot only)', { deadline: false }],
  ['deadline', {}],
  ['inFlight', { deadline: false, inFlight: 1_000_000 }],
  [
    'adaptive (gradient2)',
    { deadline: false, adaptive: { maxLimit: 1_000_000, initialLimit: 100_000 } },
  ],
  ['eventLoop', { deadline: false, eventLoop: true }],
  [
    'memoryLimiter (rate + concurrency)',
    {
      deadline: false,
      limiter: memoryLimiter({ rate: { perSecond: 1e9, burst: 1e9 }, concurrency: 1_000_000 }),
    },
  ],
  [
    'all local policies',
    {
      inFlight: 1_000_000,
      adaptive: { maxLimit: 1_000_000, initialLimit: 100_000 },
      eventLoop: true,
    },
  ],
]

const policyResults = policies.map(([name, options]) => ({
  policy: name,
  ...measurePolicy(options),
}))
policyResults.push({
  policy: 'deadline, computed by the shedder (no timeout guard)',
  ...measurePolicy({}, { guard: false }),
})

/** What one clock reading costs here: the admit decision takes one, the release another. */
function measureDateNow() {
  let sink = 0
  const rounds = []
  for (let round = 0; round < 20; round++) {
    const start = process.hrtime.bigint()
    for (let i = 0; i < 100_000; i++) sink += Date.now()
    rounds.push(Number(process.hrtime.bigint() - start) / 100_000)
  }
  if (sink === 0) throw new Error('unreachable')
  return median(rounds)
}
const dateNowNs = measureDateNow()

const plain = middy(async () => OK).use(renderer)
const admitted = withShedder({ inFlight: 1_000_000 })()
const refusedDeadline = withShedder({ inFlight: 1_000_000 })()
const rateLimited = () => {
  const limiter = memoryLimiter({ rate: { perSecond: 0.001, burst: 1 } })
  // Spend the only token up front: every measured invocation is refused.
  limiter.acquire({ key: 'GET /orders/{id}', priority: 'normal', deadlineAt: Date.now() + 1000 })
  return limiter
}
const refusedRate = withShedder({ deadline: false, limiter: rateLimited() })()
const refusedWithTelemetry = withShedder({
  inFlight: 1_000_000,
  metrics: new Metrics({ namespace: 'bench', serviceName: 'orders' }),
  logger: new Logger({ serviceName: 'orders' }),
})()

const expect = async (promise, status) => {
  const response = await promise
  if (response.statusCode !== status)
    throw new Error(`expected ${status}, got ${response.statusCode}`)
}
const cases = {
  'plain Middy handler, no shedder': () => expect(plain(freshEvent(), context), 200),
  'admitted through the shedder (deadline + inFlight)': () =>
    expect(admitted(freshEvent(), context), 200),
  'refused (deadline) and rendered as a 429': () =>
    expect(refusedDeadline(lateEvent(), context), 429),
  'refused (memoryLimiter rate) and rendered as a 429': () =>
    expect(refusedRate(freshEvent(), context), 429),
  'refused (deadline), with the LoadShed EMF line and the log line': () =>
    expect(refusedWithTelemetry(lateEvent(), context), 429),
}
// Output is dropped while measuring: the telemetry case formats its EMF and log lines, no terminal I/O.
const e2eNs = await quietly(() =>
  compare(cases, { warmup: 2_000, rounds: 10, iterations: E2E_ITERATIONS }),
)
const e2e = Object.entries(e2eNs).map(([name, ns]) => ({ case: name, ns }))

const environment = {
  ...machine(),
  batch: BATCH,
  rounds: ROUNDS,
  e2eIterations: E2E_ITERATIONS,
  telemetry: 'none, except in the end-to-end case that says so',
  dateNowNs,
}

console.log(`Date.now(): ${round1(dateNowNs)} ns per call on this machine`)
console.table(
  policyResults.map((r) => ({
    policy: r.policy,
    'admit ns': round1(r.admitNs),
    'release ns': round1(r.releaseNs),
  })),
)
console.table(e2e.map((r) => ({ case: r.case, 'µs/invocation': round1(r.ns / 1000) })))

const target = (r) =>
  r.policy === 'deadline' || r.policy === 'inFlight'
    ? r.admitNs < 200
      ? ' ✓ < 200 ns'
      : ' ✗ ≥ 200 ns'
    : ''
const markdown = `
# @gateproof/load-shedder benchmark

node ${environment.node}, ${environment.platform}, ${environment.cpu} (${environment.cores} cores), ${environment.date}.

## Admit decision per policy (median of ${ROUNDS} rounds of ${BATCH} requests)

\`admit\` = \`requestStart\` + \`before\` on a freshly parsed REST event, with the deadline already
set by the timeout guard (except where noted); \`release\` = \`after\` + \`requestEnd\`, including
what the policies learn. No telemetry. Target: < 200 ns for inFlight and deadline.
Each includes one \`Date.now()\`, which costs ${round1(dateNowNs)} ns here.

${table(
  ['policy', 'admit (ns)', 'release (ns)'],
  policyResults.map((r) => [r.policy, `${round1(r.admitNs)}${target(r)}`, round1(r.releaseNs)]),
)}

## End to end through Middy (median of interleaved rounds, µs per invocation)

Each invocation parses a fresh event; refusals are rendered by a minimal contract renderer
(\`renderErrorResponse\` from \`@gateproof/core\`).

${table(
  ['case', 'µs'],
  e2e.map((r) => [r.case, round1(r.ns / 1000)]),
)}
`
record('load-shedder', { environment, policies: policyResults, endToEnd: e2e }, markdown)
