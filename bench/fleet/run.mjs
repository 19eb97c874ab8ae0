// Fleet simulation: what a fleet-wide Redis limit buys a REST API on Lambda under overload.
//   node bench/fleet/run.mjs [--quick] [--from-source] [--modes plain,gateproof,gateproof-redis]
//     [--scenarios cold-burst,redis-slow,redis-paused,retrying-clients] [--levels] [--no-wakeups]
// Default: the load levels for every mode, then every scenario. With --scenarios, only
// those scenarios run (add --levels for the load levels too). First, unless --no-wakeups: the
// same Redis decisions over 1, 4 and 16 sleeping processes (what the fleet's tail is made of).
// This process plays API Gateway (REST) and the load generator; each Lambda execution
// environment is its own process (environment.mjs) running a real Middy handler. Writes
// bench/results/fleet.json, fleet.md and fleet.svg. Loopback only; stops by itself.
import { execSync, fork } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { capacityPerSecond, MODEL, real } from './model.mjs'
import { resolveParts } from './parts.mjs'
import { startRedis } from './redis.mjs'
import {
  renderDecisionParts,
  renderMarkdown,
  renderScenarios,
  renderScenariosSvg,
  renderSvg,
} from './report.mjs'

const args = process.argv.slice(2)
const flag = (name) => args.includes(`--${name}`)
const option = (name) => {
  const inline = args.find((a) => a.startsWith(`--${name}=`))
  if (inline) return inline.slice(name.length + 3)
  const at = args.indexOf(`--${name}`)
  return at >= 0 && args[at + 1] && !args[at + 1].startsWith('--') ? args[at + 1] : undefined
}

const model = {
  ...MODEL,
  ...(flag('quick') && { levels: [1, 3], secondsPerLevel: 4 }),
  ...(option('limit') && { limit: Number(option('limit')) }),
}
const modes = (option('modes') ?? 'plain,gateproof,gateproof-redis').split(',')
const SCENARIOS = [
  'cold-burst',
  'redis-slow',
  'redis-paused',
  'retrying-clients',
  'retrying-clients-wait',
]
/** retrying-clients-wait: a refused request waits this long (modelled) for a slot before its 429. */
const MAX_WAIT_MODELLED_MS = Number(option('max-wait') ?? 1000)
const scenarios = (option('scenarios') ?? SCENARIOS.join(',')).split(',').filter(Boolean)
for (const name of scenarios) {
  if (!SCENARIOS.includes(name)) throw new Error(`unknown scenario ${name}; one of ${SCENARIOS}`)
}
const runLevels = option('scenarios') === undefined || flag('levels')
/** The wake-up experiment: decisions per real second in total, for how long, over how many processes. */
const WAKEUP_RATE = 50
const WAKEUP_SECONDS = 8
const WAKEUP_PROCESSES = [1, 4, 16]
const runWakeups = !flag('no-wakeups')
/** Scenarios offer this multiple of capacity: overload, where the limit has work to do. */
const SCENARIO_LEVEL = 2
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
  constructor(mode, parts, redisPort, admin, { maxWaitMs = 0 } = {}) {
    this.mode = mode
    this.admin = admin
    this.maxWaitMs = maxWaitMs
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
    // Requests past admission (they called the downstream) and not yet answered by their
    // environment: what the fleet-wide limit is meant to bound.
    this.admittedNow = 0
    this.admittedPeak = 0
    this.retriesPending = 0
  }

  resetPeak() {
    this.admittedPeak = this.admittedNow
  }

  /** Before its first 'ready' an environment is initialising (a cold start): invocations wait. */
  send(environment, message) {
    if (environment.ready) environment.child.send(message)
    else environment.backlog.push(message)
  }

  async start({ waitUntilReady = true } = {}) {
    const ready = []
    for (let i = 0; i < model.reservedConcurrency; i += 1) {
      const child = fork(new URL('./environment.mjs', import.meta.url), [], {
        env: {
          ...process.env,
          FLEET_MODE: this.mode,
          FLEET_PARTS: this.parts.path,
          FLEET_REDIS_PORT: String(this.redisPort),
          FLEET_MODEL: JSON.stringify(model),
          FLEET_MAX_WAIT_MS: String(this.maxWaitMs),
        },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      })
      const environment = { child, ready: false, backlog: [], admitted: 0 }
      child.on('message', (message) => this.onMessage(environment, message))
      ready.push(
        new Promise((resolve, reject) => {
          child.once('message', () => {
            environment.ready = true
            for (const message of environment.backlog.splice(0)) child.send(message)
            resolve()
          })
          child.once('exit', (code) => {
            if (!environment.ready) reject(new Error(`environment exited with ${code}`))
          })
        }),
      )
      this.environments.push(environment)
      this.idle.push(environment)
    }
    const allReady = Promise.all(ready)
    if (waitUntilReady) await allReady
    else allReady.catch((error) => console.error(error))
  }

  stop() {
    for (const { child } of this.environments) {
      if (child.connected) child.send({ kind: 'stop' })
      setTimeout(() => child.kill('SIGKILL'), 500).unref()
    }
  }

  /** API Gateway receives a request and invokes the function, or Lambda throttles it. */
  arrive(id, priority, onAnswer) {
    const arrivedAt = performance.now()
    const request = { id, priority, arrivedAt, answered: false, onAnswer }
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
    this.send(environment, { kind: 'invoke', id, event: restEvent(id, priority, Date.now()) })
  }

  answer(request, client, cause, decision, handlerMs) {
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
      decision,
      handlerMs,
    })
    request.onAnswer?.(client)
  }

  onMessage(environment, message) {
    if (message.kind === 'result') {
      const request = this.invocations.get(message.id)
      this.invocations.delete(message.id)
      this.inFlight -= 1
      if (environment.admitted > 0) {
        environment.admitted -= 1
        this.admittedNow -= 1
      }
      this.idle.push(environment)
      if (request?.answered) {
        // A late answer after a 504 still tells how long the Redis decision took.
        if (message.decision !== undefined) this.recordDecision(message.decision)
      } else if (request) {
        const client = this.parts.simulateGateway('rest', message.outcome)
        this.answer(request, client, message.outcome.kind, message.decision, message.handlerMs)
      }
    } else if (message.kind === 'downstream') {
      environment.admitted += 1
      this.admittedNow += 1
      this.admittedPeak = Math.max(this.admittedPeak, this.admittedNow)
      this.downstreamPending += 1
      this.downstreamQueue.push(() =>
        this.send(environment, { kind: 'downstream-done', call: message.call }),
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
    return this.inFlight > 0 || this.downstreamPending > 0 || this.retriesPending > 0
  }
}

/** Open-loop Poisson arrivals at `perSecond` modelled requests per second, for `seconds` real seconds. */
async function offerLoad(fleet, perSecond, seconds, seed, tag, client = plainClient) {
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
    client(fleet, `${tag}-${sequence++}`, pick())
  }
  return { startedAt, endsAt }
}

/** A client that takes the first answer. */
function plainClient(fleet, id, priority) {
  fleet.arrive(id, priority)
}

const GOT_RETRY = {
  limit: 2,
  statusCodes: [408, 413, 429, 500, 502, 503, 504, 521, 522, 524],
  retryAfterStatusCodes: [413, 429, 503],
  noiseMs: 100,
}

/**
 * got's calculateRetryDelay with its default retry options (limit 2, no maxRetryAfter,
 * no request timeout, so any Retry-After is honoured), in modelled milliseconds; 0 = give up.
 * got retries only idempotent methods by default; these clients retry the POST as if it were one.
 */
export function gotRetryDelay(attemptCount, status, headers, noise) {
  if (attemptCount > GOT_RETRY.limit || !GOT_RETRY.statusCodes.includes(status)) return 0
  const name = Object.keys(headers ?? {}).find((h) => h.toLowerCase() === 'retry-after')
  if (name !== undefined && GOT_RETRY.retryAfterStatusCodes.includes(status)) {
    const value = String(headers[name])
    const seconds = Number(value)
    return Number.isNaN(seconds) ? Math.max(0, Date.parse(value) - Date.now()) : seconds * 1000
  }
  if (status === 413) return 0
  return 2 ** (attemptCount - 1) * 1000 + noise() * GOT_RETRY.noiseMs
}

/** A client that retries as got does by default, waiting modelled time (scaled like the rest). */
function retryingClient(seed) {
  const noise = random(seed)
  const client = (fleet, id, priority, attempt = 1) => {
    fleet.arrive(attempt === 1 ? id : `${id}#${attempt}`, priority, (answer) => {
      if (answer.status >= 200 && answer.status < 300) return
      const delay = gotRetryDelay(attempt, answer.status, answer.headers, noise)
      if (delay <= 0) return
      fleet.retriesPending += 1
      setTimeout(
        () => {
          fleet.retriesPending -= 1
          client(fleet, id, priority, attempt + 1)
        },
        real(model, delay),
      )
    })
  }
  return client
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
      p50: round(
        percentile(
          decisions.map((d) => d.ms),
          0.5,
        ),
        3,
      ),
      p99: round(
        percentile(
          decisions.map((d) => d.ms),
          0.99,
        ),
        3,
      ),
      ...decisionParts(decisions),
    },
  }
}

/**
 * What the slow decisions are made of: the p99 of each part (this process before the
 * command is sent, the round trip to the reply being read, this process after it), and how
 * many of the slowest 1 % were a process's first decision.
 */
function decisionParts(decisions) {
  const timed = decisions.filter((d) => d.roundTripMs !== undefined)
  if (decisions.length === 0) return {}
  const sorted = [...decisions].sort((a, b) => b.ms - a.ms)
  const slowest = sorted.slice(0, Math.max(1, Math.ceil(decisions.length / 100)))
  const p99 = (pick) => round(percentile(timed.map(pick), 0.99), 3)
  return {
    beforeSendP99: p99((d) => d.beforeSendMs),
    roundTripP50: round(
      percentile(
        timed.map((d) => d.roundTripMs),
        0.5,
      ),
      3,
    ),
    roundTripP99: p99((d) => d.roundTripMs),
    afterReplyP99: p99((d) => d.afterReplyMs),
    firstDecisions: decisions.filter((d) => d.first).length,
    slowestOnePct: slowest.length,
    slowestThatWereFirst: slowest.filter((d) => d.first).length,
    withoutFirstP99: round(
      percentile(
        decisions.filter((d) => !d.first).map((d) => d.ms),
        0.99,
      ),
      3,
    ),
  }
}

async function runMode(mode, parts, redis) {
  const fleet = new Fleet(mode, parts, redis.port, redis.admin)
  await fleet.start()
  try {
    // Warm-up: JIT, connections, the deadline policy's first service-time samples.
    fleet.record = () => {}
    await offerLoad(fleet, capacity, 3, 7, `${mode}-warm`)
    await drain(fleet)
    const levels = []
    for (const [index, level] of model.levels.entries()) {
      await redis.admin.flushall()
      const summary = await measure(fleet, { level, seed: 1000 + index, tag: `${mode}-${level}` })
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

/** `EVALSHA` as redis-server timed it: calls, µs per call and the percentiles of its histogram. */
async function serverTime(admin) {
  if (admin === undefined) return undefined
  const [commands, latency] = await Promise.all([
    admin.info('commandstats'),
    admin.info('latencystats').catch(() => ''),
  ])
  const stats = /cmdstat_evalsha:calls=(\d+),usec=\d+,usec_per_call=([\d.]+)/.exec(commands)
  const percentiles =
    /latency_percentiles_usec_evalsha:p50=([\d.]+),p99=([\d.]+),p99\.9=([\d.]+)/.exec(latency)
  return {
    calls: Number(stats?.[1] ?? 0),
    perCall: stats ? Number(stats[2]) : null,
    p50: percentiles ? Number(percentiles[1]) : null,
    p99: percentiles ? Number(percentiles[2]) : null,
    p999: percentiles ? Number(percentiles[3]) : null,
  }
}

/** One measured run of offered load on a started fleet; `during` disturbs Redis meanwhile. */
async function measure(fleet, { level, seed, tag, client, during }) {
  const records = []
  const decisions = []
  fleet.record = (r) => {
    records.push(r)
    if (r.decision !== undefined) decisions.push(r.decision)
  }
  fleet.recordDecision = (decision) => decisions.push(decision)
  fleet.resetPeak()
  // Redis's own time per script call over this run (its command stats and latency histogram).
  if (fleet.mode === 'gateproof-redis') await fleet.admin?.config('RESETSTAT')
  const disturbance = during?.()
  let window
  try {
    window = await offerLoad(fleet, level * capacity, model.secondsPerLevel, seed, tag, client)
  } finally {
    await disturbance?.stop()
  }
  await drain(fleet)
  const server = fleet.mode === 'gateproof-redis' ? await serverTime(fleet.admin) : undefined
  return {
    ...summarise(level, records, decisions, window),
    ...(server && { redisServerUs: server }),
    peakAdmitted: fleet.admittedPeak,
    limit: model.limit,
    ...(disturbance?.note && { disturbance: disturbance.note }),
  }
}

/** DEBUG SLEEP 0.05 from a side connection every 500 real ms: Redis stalls 50 ms, 10 % of the time. */
function redisSlow(redis) {
  return () => {
    const side = new Redis({ host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: 1 })
    side.on('error', () => {})
    let sleeps = 0
    const timer = setInterval(() => {
      sleeps += 1
      side.call('DEBUG', 'SLEEP', '0.05').catch((error) => console.error(`DEBUG SLEEP: ${error}`))
    }, 500)
    const disturbance = {
      note: '',
      async stop() {
        clearInterval(timer)
        await side.quit().catch(() => side.disconnect())
        disturbance.note = `DEBUG SLEEP 0.05 every 500 ms real (${sleeps} times)`
      },
    }
    return disturbance
  }
}

/** SIGSTOP the redis-server a third into the run, SIGCONT 2 real seconds later. */
function redisPaused(redis) {
  return () => {
    const pauseMs = 2000
    const startAt = (model.secondsPerLevel * 1000) / 3
    let started = false
    const resumed = sleep(startAt).then(async () => {
      redis.pause()
      started = true
      await sleep(pauseMs)
      redis.resume()
    })
    return {
      note: `SIGSTOP at +${Math.round(startAt)} ms, SIGCONT ${pauseMs} ms later (real time)`,
      async stop() {
        // The window outlasts the pause; should it not, the pause still runs its full 2 s.
        if (started) await resumed
        redis.resume()
      },
    }
  }
}

async function startedFleet(mode, parts, redis, { warm = true, maxWaitMs = 0 } = {}) {
  const fleet = new Fleet(mode, parts, redis.port, redis.admin, { maxWaitMs })
  await fleet.start()
  if (warm) {
    fleet.record = () => {}
    await offerLoad(fleet, capacity, 3, 7, `${mode}-warm`)
    await drain(fleet)
  }
  return fleet
}

function logScenario(name, mode, s) {
  console.log(
    `${name.padEnd(17)} ${mode.padEnd(16)} goodput ${String(s.goodputPctOfCapacity).padStart(6)} %  ` +
      `peak admitted ${s.peakAdmitted}/${s.limit}  2xx ${served(s)}  429 ${s.with429RetryAfter}  ` +
      `500 ${s.throttled500}  504 ${s.gateway504}  429-share ${s.rejectedAs429RetryAfterPct ?? '-'} %  ` +
      `rejection p99 ${s.rejectionRealMs.p99 ?? '-'} ms  redis p99 ${s.redisDecisionRealMs.p99 ?? '-'} ms`,
  )
}

/** Each scenario at SCENARIO_LEVEL × capacity; returns one row per (scenario, mode). */
async function runScenarios(parts, redis) {
  const rows = []
  const level = SCENARIO_LEVEL
  const record = (scenario, mode, summary) => {
    rows.push({ scenario, mode, ...summary })
    logScenario(scenario, mode, summary)
  }
  if (scenarios.includes('cold-burst')) {
    await redis.admin.flushall()
    // All environments fork at once and traffic starts at once: invocations wait for init.
    const fleet = new Fleet('gateproof-redis', parts, redis.port, redis.admin)
    try {
      await fleet.start({ waitUntilReady: false })
      record(
        'cold-burst',
        'gateproof-redis',
        await measure(fleet, { level, seed: 2001, tag: 'cold' }),
      )
    } finally {
      fleet.stop()
    }
  }
  const onWarm = scenarios.filter(
    (name) => name !== 'cold-burst' && name !== 'retrying-clients-wait',
  )
  if (onWarm.length > 0) {
    const fleet = await startedFleet('gateproof-redis', parts, redis)
    try {
      for (const name of onWarm) {
        await redis.admin.flushall()
        const seed = 2000 + SCENARIOS.indexOf(name)
        const options = { level, seed, tag: name }
        if (name === 'redis-slow') options.during = redisSlow(redis)
        if (name === 'redis-paused') options.during = redisPaused(redis)
        if (name === 'retrying-clients') options.client = retryingClient(seed)
        record(name, 'gateproof-redis', await measure(fleet, options))
      }
    } finally {
      fleet.stop()
    }
  }
  if (scenarios.includes('retrying-clients-wait')) {
    // The same retrying clients; a refused request first waits up to maxWaitMs for a slot.
    const maxWaitMs = real(model, MAX_WAIT_MODELLED_MS)
    const fleet = await startedFleet('gateproof-redis', parts, redis, { maxWaitMs })
    try {
      await redis.admin.flushall()
      const seed = 2000 + SCENARIOS.indexOf('retrying-clients')
      record('retrying-clients-wait', 'gateproof-redis', {
        ...(await measure(fleet, { level, seed, tag: 'retry-wait', client: retryingClient(seed) })),
        maxWaitMs,
      })
    } finally {
      fleet.stop()
    }
  }
  if (scenarios.includes('retrying-clients')) {
    // The comparison: the same retrying clients against unprotected Lambda throttling.
    const fleet = await startedFleet('plain', parts, redis)
    try {
      const seed = 2000 + SCENARIOS.indexOf('retrying-clients')
      record(
        'retrying-clients',
        'plain',
        await measure(fleet, { level, seed, tag: 'retry-plain', client: retryingClient(seed) }),
      )
    } finally {
      fleet.stop()
    }
  }
  return rows
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

/**
 * The same decisions, the same total rate, spread over 1, 4 or 16 processes that sleep between
 * them (as Lambda environments do between invocations): if the p99 grows with the number of
 * processes while redis-server's own time stays in microseconds, the tail is the host waking
 * and scheduling processes on its CPUs, not Redis and not the limiter.
 */
async function measureWakeups(parts, redis) {
  const rows = []
  const perSecond = WAKEUP_RATE
  for (const processes of WAKEUP_PROCESSES) {
    const children = []
    for (let i = 0; i < processes; i += 1) {
      const child = fork(new URL('./decider.mjs', import.meta.url), [], {
        env: {
          ...process.env,
          FLEET_PARTS: parts.path,
          FLEET_REDIS_PORT: String(redis.port),
          DECIDER: JSON.stringify({
            meanGapMs: (1000 * processes) / perSecond,
            runMs: WAKEUP_SECONDS * 1000,
            limit: 1000,
            budgetMs: model.budgetMs,
            seed: 7919 * (i + 1),
          }),
        },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      })
      const ready = new Promise((resolve) => child.once('message', resolve))
      const done = new Promise((resolve) =>
        child.on('message', (message) => {
          if (message.kind === 'samples') resolve(message.samples)
        }),
      )
      children.push({ child, ready, done })
    }
    await Promise.all(children.map((c) => c.ready))
    await redis.admin.config('RESETSTAT')
    for (const { child } of children) child.send({ kind: 'go' })
    const samples = (await Promise.all(children.map((c) => c.done))).flat()
    const server = await serverTime(redis.admin)
    rows.push({
      processes,
      decisions: samples.length,
      p50: round(percentile(samples, 0.5), 3),
      p99: round(percentile(samples, 0.99), 3),
      p999: round(percentile(samples, 0.999), 3),
      redisServerUs: server,
      loadAverage: round(loadavg()[0], 2),
    })
    const last = rows.at(-1)
    console.log(
      `wake-ups: ${processes} processes, ${last.decisions} decisions: p50 ${last.p50} ms, p99 ${last.p99} ms; ` +
        `redis-server EVALSHA p99 ${server?.p99 ?? '-'} µs`,
    )
  }
  return { perSecond, seconds: WAKEUP_SECONDS, rows }
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
  let wakeups
  let scenarioRows = []
  try {
    isolated = await measureDecisions(loaded.redisLimiter, redis.port)
    console.log(
      `isolated Redis decision: p50 ${isolated.p50} ms, p99 ${isolated.p99} ms, p99.9 ${isolated.p999} ms`,
    )
    if (runWakeups) wakeups = await measureWakeups(parts, redis)
    const fleetParts = { ...parts, simulateGateway: loaded.simulateGateway }
    if (runLevels) {
      for (const mode of modes) results[mode] = await runMode(mode, fleetParts, redis)
    }
    scenarioRows = scenarios.length > 0 ? await runScenarios(fleetParts, redis) : []
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
    uptimeAfter: execSync('uptime').toString().trim(),
    isolatedDecisionRealMs: isolated,
    wakeups,
    model,
    capacityPerSecond: capacity,
    targets: {
      goodputPctOfCapacityAt3x: 90,
      rejectedAs429RetryAfterPctAt3x: 99,
      rejectionP99RealMs: 10,
      redisDecisionP99RealMs: 1,
    },
    modes: results,
    scenarioLevel: SCENARIO_LEVEL,
    scenarioTargets: {
      peakAdmittedHealthy: '≤ limit (cold-burst, redis-slow, retrying-clients)',
      peakAdmittedRedisPaused: '≤ 2 × limit',
      retryingGoodput: '≥ plain Lambda throttling with the same clients',
      redisDecisionP99RealMs: 1,
    },
    scenarios: scenarioRows,
  }
  writeFileSync(new URL('fleet.json', resultsDir), `${JSON.stringify(report, null, 2)}\n`)
  writeFileSync(
    new URL('fleet.md', resultsDir),
    `${renderMarkdown(report)}\n${renderScenarios(report)}\n${renderDecisionParts(report)}\nMachine load after the run (\`uptime\`): ${report.uptimeAfter}\n`,
  )
  writeFileSync(new URL('fleet.svg', resultsDir), renderSvg(report))
  if (report.scenarios.length > 0) {
    writeFileSync(new URL('fleet-scenarios.svg', resultsDir), renderScenariosSvg(report))
  }
  console.log('wrote bench/results/fleet.json, fleet.md, fleet.svg, fleet-scenarios.svg')
}

await main()
process.exit(0)
