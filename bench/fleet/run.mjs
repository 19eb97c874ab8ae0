// Fleet simulation: what a fleet-wide Redis limit buys a REST API on Lambda under overload.
//   node bench/fleet/run.mjs [--quick] [--from-source] [--modes plain,gateproof,gateproof-redis]
// This process plays API Gateway (REST) and the load generator; each Lambda execution
// environment is its own process (environment.mjs) running a real Middy handler. Writes
// bench/results/fleet.json, fleet.md and fleet.svg. Loopback only; stops by itself.
import { fork } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { capacityPerSecond, MODEL, real } from './model.mjs'
import { resolveParts } from './parts.mjs'
import { startRedis } from './redis.mjs'
import { renderMarkdown, renderSvg } from './report.mjs'

const args = process.argv.slice(2)
const flag = (name) => args.includes(`--${name}`)
const option = (name) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1]

const model = {
  ...MODEL,
  ...(flag('quick') && { levels: [1, 3], secondsPerLevel: 4 }),
  ...(option('limit') && { limit: Number(option('limit')) }),
}
const modes = (option('modes') ?? 'plain,gateproof,gateproof-redis').split(',')
const capacity = capacityPerSecond(model)
const resultsDir = new URL('../results/', import.meta.url)

/** Seeded, so every run offers the same arrivals and priorities. */
function random(seed) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function restEvent(id, priority, arrivedAt) {
  return {
    resource: '/reports',
    path: '/reports',
    httpMethod: 'POST',
    headers: { 'content-type': 'application/json', 'x-priority': priority },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'fleet',
      httpMethod: 'POST',
      requestId: id,
      requestTimeEpoch: arrivedAt,
      resourcePath: '/reports',
      stage: 'prod',
    },
    body: '{}',
    isBase64Encoded: false,
  }
}

const percentile = (values, p) => {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]
}
const round = (value, digits = 2) => (value === null ? null : Number(value.toFixed(digits)))
const hasRetryAfter = (headers = {}) =>
  Object.keys(headers).some((name) => name.toLowerCase() === 'retry-after')

/** The front door and everything behind it that is not the function: one mode, one fleet. */
class Fleet {
  constructor(mode, parts, redisPort) {
    this.mode = mode
    this.parts = parts
    this.redisPort = redisPort
    this.environments = []
    this.idle = []
    this.inFlight = 0
    this.invocations = new Map()
    this.downstreamQueue = []
    this.downstreamActive = 0
    this.downstreamPending = 0
    this.record = () => {}
    this.recordDecision = () => {}
  }

  async start() {
    const ready = []
    for (let i = 0; i < model.reservedConcurrency; i += 1) {
      const child = fork(new URL('./environment.mjs', import.meta.url), [], {
        env: {
          ...process.env,
          FLEET_MODE: this.mode,
          FLEET_PARTS: this.parts.path,
          FLEET_REDIS_PORT: String(this.redisPort),
          FLEET_MODEL: JSON.stringify(model),
        },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      })
      const environment = { child }
      child.on('message', (message) => this.onMessage(environment, message))
      ready.push(
        new Promise((resolve, reject) => {
          child.once('message', resolve)
          child.once('exit', (code) => reject(new Error(`environment exited with ${code}`)))
        }),
      )
      this.environments.push(environment)
      this.idle.push(environment)
    }
    await Promise.all(ready)
  }

  stop() {
    for (const { child } of this.environments) {
      if (child.connected) child.send({ kind: 'stop' })
      setTimeout(() => child.kill('SIGKILL'), 500).unref()
    }
  }

  /** API Gateway receives a request and invokes the function, or Lambda throttles it. */
  arrive(id, priority) {
    const arrivedAt = performance.now()
    const request = { id, priority, arrivedAt, answered: false }
    if (this.inFlight >= model.reservedConcurrency) {
      this.answer(request, this.parts.simulateGateway('rest', { kind: 'throttled' }), 'throttle')
      return
    }
    // The environment idle longest takes the next invocation, so every one stays warm.
    const environment = this.idle.shift()
    this.inFlight += 1
    request.environment = environment
    request.timer = setTimeout(
      () => {
        const client = this.parts.simulateGateway('rest', { kind: 'integration-timeout' })
        this.answer(request, client, 'integration-timeout')
      },
      real(model, model.integrationTimeoutMs),
    )
    this.invocations.set(id, request)
    environment.child.send({ kind: 'invoke', id, event: restEvent(id, priority, Date.now()) })
  }

  answer(request, client, cause, decisionMs, handlerMs) {
    if (request.answered) return
    request.answered = true
    clearTimeout(request.timer)
    this.record({
      priority: request.priority,
      status: client.status,
      retryAfter: hasRetryAfter(client.headers),
      cause,
      realMs: performance.now() - request.arrivedAt,
      answeredAt: performance.now(),
      decisionMs,
      handlerMs,
    })
  }

  onMessage(environment, message) {
    if (message.kind === 'result') {
      const request = this.invocations.get(message.id)
      this.invocations.delete(message.id)
      this.inFlight -= 1
      this.idle.push(environment)
      if (request?.answered) {
        // A late answer after a 504 still tells how long the Redis decision took.
        if (message.decisionMs !== undefined) this.recordDecision(message.decisionMs)
      } else if (request) {
        const client = this.parts.simulateGateway('rest', message.outcome)
        this.answer(request, client, message.outcome.kind, message.decisionMs, message.handlerMs)
      }
    } else if (message.kind === 'downstream') {
      this.downstreamPending += 1
      this.downstreamQueue.push(() =>
        environment.child.send({ kind: 'downstream-done', call: message.call }),
      )
      this.pumpDownstream()
    }
  }

  pumpDownstream() {
    while (this.downstreamActive < model.downstreamSlots && this.downstreamQueue.length > 0) {
      const done = this.downstreamQueue.shift()
      this.downstreamActive += 1
      setTimeout(
        () => {
          this.downstreamActive -= 1
          this.downstreamPending -= 1
          done()
          this.pumpDownstream()
        },
        real(model, model.downstreamMs),
      )
    }
  }

  get busy() {
    return this.inFlight > 0 || this.downstreamPending > 0
  }
}

/** Open-loop Poisson arrivals at `perSecond` modelled requests per second, for `seconds` real seconds. */
async function offerLoad(fleet, perSecond, seconds, seed, tag) {
  const next = random(seed)
  const realRate = (perSecond * model.scale) / 1000 // arrivals per real ms
  const startedAt = performance.now()
  const endsAt = startedAt + seconds * 1000
  let at = startedAt
  let sequence = 0
  const pick = () => {
    let roll = next()
    for (const [priority, share] of Object.entries(model.priorities)) {
      roll -= share
      if (roll < 0) return priority
    }
    return 'normal'
  }
  for (;;) {
    at += -Math.log(1 - next()) / realRate
    if (at >= endsAt) break
    const wait = at - performance.now()
    if (wait > 1) await sleep(wait)
    fleet.arrive(`${tag}-${sequence++}`, pick())
  }
  return { startedAt, endsAt }
}

async function drain(fleet) {
  const giveUpAt = performance.now() + real(model, model.functionTimeoutMs) * 3 + 2000
  while (fleet.busy && performance.now() < giveUpAt) await sleep(20)
}

function summarise(level, records, decisions, window) {
  const offered = level * capacity
  const count = (predicate) => records.filter(predicate).length
  const served = records.filter((r) => r.status >= 200 && r.status < 300)
  const servedInWindow = served.filter((r) => r.answeredAt <= window.endsAt)
  const windowSeconds = ((window.endsAt - window.startedAt) / 1000) * model.scale
  const rejected = records.filter((r) => !(r.status >= 200 && r.status < 300))
  const with429 = rejected.filter((r) => r.status === 429 && r.retryAfter)
  const statuses = {}
  for (const r of records) statuses[r.status] = (statuses[r.status] ?? 0) + 1
  const goodput = servedInWindow.length / windowSeconds
  const critical = records.filter((r) => r.priority === 'critical')
  return {
    level,
    offeredPerSecond: round(offered, 3),
    requests: records.length,
    goodputPerSecond: round(goodput, 3),
    goodputPctOfCapacity: round((goodput / capacity) * 100, 1),
    statuses,
    throttled500: count((r) => r.cause === 'throttle'),
    gateway504: count((r) => r.status === 504),
    with429RetryAfter: with429.length,
    rejected: rejected.length,
    rejectedAs429RetryAfterPct:
      rejected.length === 0 ? null : round((with429.length / rejected.length) * 100, 2),
    criticalServedPct:
      critical.length === 0
        ? null
        : round((critical.filter((r) => r.status < 300).length / critical.length) * 100, 1),
    admittedModelledMs: {
      p50: round(
        percentile(
          served.map((r) => r.realMs * model.scale),
          0.5,
        ),
        0,
      ),
      p99: round(
        percentile(
          served.map((r) => r.realMs * model.scale),
          0.99,
        ),
        0,
      ),
    },
    rejectionRealMs: {
      p50: round(
        percentile(
          with429.map((r) => r.realMs),
          0.5,
        ),
        3,
      ),
      p99: round(
        percentile(
          with429.map((r) => r.realMs),
          0.99,
        ),
        3,
      ),
    },
    rejectionHandlerRealMs: {
      p50: round(
        percentile(
          with429.map((r) => r.handlerMs),
          0.5,
        ),
        3,
      ),
      p99: round(
        percentile(
          with429.map((r) => r.handlerMs),
          0.99,
        ),
        3,
      ),
    },
    redisDecisionRealMs: {
      count: decisions.length,
      p50: round(percentile(decisions, 0.5), 3),
      p99: round(percentile(decisions, 0.99), 3),
    },
  }
}

async function runMode(mode, parts, redis) {
  const fleet = new Fleet(mode, parts, redis.port)
  await fleet.start()
  try {
    // Warm-up: JIT, connections, the deadline policy's first service-time samples.
    fleet.record = () => {}
    await offerLoad(fleet, capacity, 3, 7, `${mode}-warm`)
    await drain(fleet)
    const levels = []
    for (const [index, level] of model.levels.entries()) {
      await redis.admin.flushall()
      const records = []
      const decisions = []
      fleet.record = (r) => {
        records.push(r)
        if (r.decisionMs !== undefined) decisions.push(r.decisionMs)
      }
      fleet.recordDecision = (ms) => decisions.push(ms)
      const window = await offerLoad(
        fleet,
        level * capacity,
        model.secondsPerLevel,
        1000 + index,
        `${mode}-${level}`,
      )
      await drain(fleet)
      const summary = summarise(level, records, decisions, window)
      levels.push(summary)
      console.log(
        `${mode.padEnd(16)} ${String(level).padStart(4)}× goodput ${String(summary.goodputPctOfCapacity).padStart(6)} %  ` +
          `2xx ${served(summary)}  429 ${summary.with429RetryAfter}  500 ${summary.throttled500}  504 ${summary.gateway504}  ` +
          `429-share ${summary.rejectedAs429RetryAfterPct ?? '-'} %  rejection p99 ${summary.rejectionRealMs.p99 ?? '-'} ms  ` +
          `(in function ${summary.rejectionHandlerRealMs.p99 ?? '-'} ms)  redis p99 ${summary.redisDecisionRealMs.p99 ?? '-'} ms`,
      )
    }
    return levels
  } finally {
    fleet.stop()
  }
}

const served = (summary) =>
  Object.entries(summary.statuses)
    .filter(([status]) => Number(status) < 300)
    .reduce((sum, [, n]) => sum + n, 0)

/**
 * The limiter alone: one process, sequential decisions (admit + release) on an idle
 * loopback Redis, without 16 environments competing for the same CPUs.
 */
async function measureDecisions(redisLimiter, port) {
  const client = new Redis({ host: '127.0.0.1', port })
  await client.ping()
  const limiter = redisLimiter({ client, concurrency: { limit: model.limit } })
  const samples = []
  for (let i = 0; i < 22_000; i += 1) {
    const started = performance.now()
    const decision = await limiter.acquire({
      key: 'isolated',
      priority: 'critical',
      deadlineAt: Date.now() + 1000,
    })
    if (i >= 2000) samples.push(performance.now() - started)
    if (decision.admitted) await decision.release()
  }
  client.disconnect()
  return {
    decisions: samples.length,
    p50: round(percentile(samples, 0.5), 3),
    p99: round(percentile(samples, 0.99), 3),
    p999: round(percentile(samples, 0.999), 3),
  }
}

async function main() {
  const parts = await resolveParts({ fromSource: flag('from-source') })
  const loaded = await import(parts.path)
  const redis = await startRedis()
  process.on('exit', () => redis.stop())
  console.log(
    `fleet: R=${model.reservedConcurrency}, downstream ${model.downstreamSlots} × ${model.downstreamMs} ms ` +
      `(capacity ${capacity}/s), limit ${model.limit}, scale ×${model.scale}, gateproof from ${parts.source}`,
  )
  const results = {}
  const loadBefore = loadavg()[0]
  let isolated
  try {
    isolated = await measureDecisions(loaded.redisLimiter, redis.port)
    console.log(
      `isolated Redis decision: p50 ${isolated.p50} ms, p99 ${isolated.p99} ms, p99.9 ${isolated.p999} ms`,
    )
    for (const mode of modes) {
      results[mode] = await runMode(
        mode,
        { ...parts, simulateGateway: loaded.simulateGateway },
        redis,
      )
    }
  } finally {
    redis.stop()
  }
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    redis: redis.version,
    gateproofFrom: parts.source,
    // Other work on the machine competes with the 16 environments for the CPUs.
    loadAverage: { before: round(loadBefore, 2), after: round(loadavg()[0], 2) },
    isolatedDecisionRealMs: isolated,
    model,
    capacityPerSecond: capacity,
    targets: {
      goodputPctOfCapacityAt3x: 90,
      rejectedAs429RetryAfterPctAt3x: 99,
      rejectionP99RealMs: 10,
      redisDecisionP99RealMs: 1,
    },
    modes: results,
  }
  writeFileSync(new URL('fleet.json', resultsDir), `${JSON.stringify(report, null, 2)}\n`)
  writeFileSync(new URL('fleet.md', resultsDir), renderMarkdown(report))
  writeFileSync(new URL('fleet.svg', resultsDir), renderSvg(report))
  console.log('wrote bench/results/fleet.json, fleet.md, fleet.svg')
}

await main()
process.exit(0)
