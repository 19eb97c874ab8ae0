import { setTimeout as sleep } from 'node:timers/promises'
import { createTelemetry } from '@gateproof/core'
import type {
  Limiter,
  LimiterDecision,
  LimiterRequest,
  Priority,
  QuotaInfo,
} from '@gateproof/load-shedder'
import { blockedCache } from './blocked-cache.js'
import { type BreakerState, type BreakerTicket, createBreaker, type Transition } from './breaker.js'
import { attempt, BudgetExceededError, createBudget } from './budget.js'
import { watchConnection } from './connection.js'
import { leaseIdSource, limiterKeys, processId } from './keys.js'
import { decideLocally, type LocalKey, newLocalKey } from './local-share.js'
import {
  type LimiterConfig,
  PACKAGE,
  type RedisLimiterOptions,
  type ResolvedRate,
  type ResolvedRules,
  resolveOptions,
} from './options.js'
import { isNoScript } from './run-script.js'
import {
  decodeScriptReplies,
  decodeSingleRateReply,
  decodeUniformReplies,
  type LimiterScript,
  limiterScript,
  type ReplyShape,
  replyShape,
  type ScriptReply,
  singleRateScript,
} from './script.js'

/** Why a decision was made without Redis: a bounded metric dimension. */
export type FallbackCause = 'timeout' | 'error' | 'circuit-open' | 'connecting' | 'disconnected'

export interface RedisLimiter extends Limiter {
  readonly name: 'redis'
  /** The circuit breaker's state: `open` means decisions follow the failure mode. */
  readonly circuit: BreakerState
  /** Resolves once the client is connected; `await` it during init (it never rejects). */
  readonly ready: Promise<void>
  acquire(request: LimiterRequest): Promise<LimiterDecision>
}

/** Everything about one key that does not change between its requests. */
interface KeyPlan {
  readonly rules: ResolvedRules
  /** KEYS of the script: rate keys, then the lease key when concurrency is on. */
  readonly scriptKeys: readonly string[]
  /** The same, then the process key: a call that marks this process active. */
  readonly heartbeatKeys: readonly string[]
  readonly leases: string
  readonly processesKey: string
  readonly local: LocalKey
  readonly script: LimiterScript
  readonly shape: ReplyShape
  /** The cheaper script for one request alone, when the rules have its shape. */
  readonly single: LimiterScript | undefined
  /** Its KEYS and ARGV for a normal request of cost 1: the rate key alone. */
  readonly singleKeys: readonly string[]
  /** When this process next marks itself active for the key (ms, this host's clock). */
  heartbeatAt: number
  /** Gap to the next heartbeat: short at first, so a cold fleet counts itself within ms. */
  heartbeatGapMs: number
  shadowMask: number
  /** Decisions of this key waiting for the end of the tick, to share one round trip. */
  batch: Queued[] | undefined
  /** Leases of this key released in this tick, freed by one ZREM. */
  releases: string[] | undefined
}

/** A decision waiting for its batch's reply. */
interface Queued {
  readonly request: LimiterRequest
  readonly cost: number
  readonly priority: Priority
  readonly leaseId: string
  readonly ttlMs: number
  readonly resolve: (decision: LimiterDecision | Promise<LimiterDecision>) => void
}

const releaseNothing = (): void => {}
const ignore = (): void => {}
const MAX_PLANS = 10_000
/** How often a process marks itself active for a key, as a share of the window. */
const HEARTBEAT_SHARE = 0.2
/** How long a request waiting for a concurrency slot sleeps between tries, at most. */
const SLOT_POLL_MS = 10
/** Heartbeats of a new key at 0, 25, 75, 175 ms… doubling up to a fifth of the process window. */
const FIRST_HEARTBEAT_GAP_MS = 25
const SHADOW_LOG_EVERY_MS = 60_000

/** The warm-up's key: no caller's key function makes it, and nothing is written under it. */
const WARM_UP_KEY = '\u0000warm-up'
const WARM_UP_TICKET: BreakerTicket = Object.freeze({ probe: false })

const PRIORITY_IDS: Record<Priority, string> = { critical: 'c', normal: 'n', sheddable: 's' }
const PRIORITY_INDEX: Record<Priority, number> = { critical: 1, normal: 2, sheddable: 3 }
/** Requests decided by one script call at most; more wait for the next one. */
const MAX_BATCH = 128

/**
 * A fleet-wide `Limiter` for the load shedder: GCRA rate windows and a lease semaphore
 * per key, decided by one script in one round trip, never waiting for a Redis reply
 * longer than the budget, and falling back to this process's share of the limit when
 * Redis cannot answer.
 */
export const redisLimiter = (options: RedisLimiterOptions): RedisLimiter => {
  const config = resolveOptions(options)
  const { client, budgetMs } = config
  const telemetry = createTelemetry(PACKAGE, options)
  const failureMode = failureModeName(config.failure)
  const budget = createBudget(budgetMs)
  const connection = watchConnection(client)
  const scripts = new Map<ResolvedRules, LimiterScript>()
  const singleScripts = new Map<ResolvedRules, LimiterScript | undefined>()
  const instance = processId()
  const nextLeaseId = leaseIdSource(instance)
  const heartbeatEveryMs = Math.max(250, config.processWindowMs * HEARTBEAT_SHARE)
  const plans = new Map<string, KeyPlan>()
  const blocked = blockedCache()
  const shadowLoggedAt: number[] = []
  let lastFailure: { cause: FallbackCause; error: string } | undefined
  let disconnected = false

  const breaker = createBreaker(config.breaker, logCircuitTransition)

  /** Once per transition, never per request: the metric counts the requests. */
  function logCircuitTransition({ from, to, calls, failures }: Transition): void {
    const fields = { from, to, failureMode, budgetMs }
    if (to === 'open') {
      telemetry.log('warn', 'Redis limiter circuit opened; deciding without Redis', {
        ...fields,
        calls,
        failures,
        coolDownMs: config.breaker.coolDownMs,
        cause: lastFailure?.cause,
        error: lastFailure?.error,
      })
    } else if (to === 'closed') {
      telemetry.log('info', 'Redis limiter circuit closed; Redis decides again', fields)
    } else {
      telemetry.log('debug', 'Redis limiter circuit half-open; probing Redis', fields)
    }
  }

  /** One script per rule set (the defaults and each override), generated once. */
  function scriptFor(rules: ResolvedRules): LimiterScript {
    let script = scripts.get(rules)
    if (script === undefined) {
      script = limiterScript(rules, config.processWindowMs)
      scripts.set(rules, script)
    }
    return script
  }

  function singleScriptFor(rules: ResolvedRules): LimiterScript | undefined {
    if (!singleScripts.has(rules)) singleScripts.set(rules, singleRateScript(rules))
    return singleScripts.get(rules)
  }

  function planFor(key: string): KeyPlan {
    const found = plans.get(key)
    if (found !== undefined) return found
    if (plans.size >= MAX_PLANS) plans.clear()
    const plan = newPlan(key, config.overrides.get(key) ?? config.rules)
    plans.set(key, plan)
    return plan
  }

  function newPlan(key: string, rules: ResolvedRules): KeyPlan {
    const keys = limiterKeys(config.prefix, key, rules.rates.length)
    let shadowMask = 0
    rules.rates.forEach((rate, i) => {
      if (rate.shadow) shadowMask += 2 ** i
    })
    if (rules.concurrency?.shadow) shadowMask += 2 ** rules.rates.length
    const scriptKeys = rules.concurrency ? [...keys.rates, keys.leases] : keys.rates
    const plan: KeyPlan = {
      rules,
      scriptKeys,
      heartbeatKeys: [...scriptKeys, keys.processes],
      leases: keys.leases,
      processesKey: keys.processes,
      local: newLocalKey(rules),
      script: scriptFor(rules),
      shape: replyShape(rules),
      single: singleScriptFor(rules),
      singleKeys: keys.rates.slice(0, 1),
      heartbeatAt: 0,
      heartbeatGapMs: FIRST_HEARTBEAT_GAP_MS,
      shadowMask,
      batch: undefined,
      releases: undefined,
    }
    return plan
  }

  function leaseTtlMs(rules: ResolvedRules, deadlineAt: number, now: number): number {
    const maxLeaseMs = rules.concurrency?.maxLeaseMs ?? 0
    if (!Number.isFinite(deadlineAt)) return maxLeaseMs
    return Math.min(maxLeaseMs, Math.max(1, Math.ceil(deadlineAt - now)))
  }

  /**
   * Idempotent, returns nothing to wait for: the response never waits on Redis. The
   * leases of one key released in the same tick leave in one ZREM, sent at the end of
   * the tick. If it fails, the lease expires at its request's deadline.
   */
  function leaseRelease(plan: KeyPlan, leaseId: string): () => void {
    let released = false
    // Counted here too: while Redis cannot decide, this process's share includes what Redis
    // already admitted in it, so the fleet stays within the limit (see local-share.ts).
    plan.local.inFlight += 1
    return function releaseRedisLease() {
      if (released) return
      released = true
      plan.local.inFlight -= 1
      if (plan.releases === undefined) {
        plan.releases = [leaseId]
        process.nextTick(flushReleases, plan)
      } else plan.releases.push(leaseId)
    }
  }

  function flushReleases(plan: KeyPlan): void {
    const members = plan.releases ?? []
    plan.releases = undefined
    budget.run(attempt(() => client.zrem(plan.leases, ...members))).then(ignore, ignore)
  }

  /** Leases granted after their requests gave up waiting would hold slots until their deadlines. */
  function releaseLateAdmissions(plan: KeyPlan, batch: Queued[], raw: unknown): void {
    if (plan.rules.concurrency === undefined) return
    let replies: ScriptReply[]
    try {
      replies = decodeScriptReplies(raw, batch.length, plan.shape)
    } catch {
      return
    }
    const late = batch
      .filter((queued, j) => queued.leaseId !== '' && replies[j]?.outcome === 'admitted')
      .map((queued) => queued.leaseId)
    if (late.length > 0) attempt(() => client.zrem(plan.leases, ...late)).then(ignore, ignore)
  }

  function quotaOf(plan: KeyPlan, reply: ScriptReply): QuotaInfo | undefined {
    const rate = plan.rules.rates[reply.rule]
    if (rate === undefined) return undefined
    return {
      limit: rate.quotaLimit,
      remaining: Math.max(0, reply.remaining),
      resetSeconds: Math.ceil(reply.resetMs / 1000),
      windowSeconds: rate.windowSeconds,
    }
  }

  function observe(plan: KeyPlan, reply: ScriptReply, key: string): void {
    if (reply.processes > 0) plan.local.processes = reply.processes
    if (config.nearLimit > 0 && reply.usagePermille >= config.nearLimit * 1000) {
      telemetry.count('RedisLimiterNearLimit', {})
    }
    if (reply.wouldRefuse !== 0) shadowRefusals(plan, reply.wouldRefuse, key, Date.now())
  }

  function shadowRefusals(plan: KeyPlan, mask: number, key: string, now: number): void {
    const rates = plan.rules.rates.length
    for (let rule = 0; rule <= rates; rule += 1) {
      if ((mask & (2 ** rule)) === 0) continue
      const kind = rule === rates ? 'concurrency' : 'rate'
      telemetry.count('RedisLimiterShadowRefusal', { Rule: kind })
      // A log line per rule at most once a minute: the metric counts every refusal.
      if (now - (shadowLoggedAt[rule] ?? Number.NEGATIVE_INFINITY) >= SHADOW_LOG_EVERY_MS) {
        shadowLoggedAt[rule] = now
        telemetry.log('info', 'Redis limiter shadow rule would refuse; enforcing nothing', {
          rule: kind,
          ruleIndex: kind === 'rate' ? rule : undefined,
          key,
        })
      }
    }
  }

  function decide(
    plan: KeyPlan,
    reply: ScriptReply,
    leaseId: string,
    request: LimiterRequest,
    cost: number,
  ): LimiterDecision {
    observe(plan, reply, request.key)
    const quota = quotaOf(plan, reply)
    if (reply.outcome === 'admitted') {
      const release = leaseId !== '' ? leaseRelease(plan, leaseId) : releaseNothing
      return quota ? { admitted: true, release, quota } : { admitted: true, release }
    }
    const concurrency = plan.rules.concurrency
    const hint =
      reply.outcome === 'concurrency'
        ? Math.min(reply.retryAfterMs, concurrency?.retryAfterMs ?? reply.retryAfterMs)
        : reply.retryAfterMs
    const retryAfterMs = Math.max(1, hint)
    if (reply.outcome === 'rate' && config.blockedCache) {
      blocked.block(blockedId(request), cost, Date.now() + retryAfterMs)
    }
    const rejected = { admitted: false as const, retryAfterMs }
    return quota
      ? { ...rejected, reason: reply.outcome, quota }
      : { ...rejected, reason: reply.outcome }
  }

  function decideWithoutRedis(
    plan: KeyPlan,
    request: LimiterRequest,
    cost: number,
    cause: FallbackCause,
  ): LimiterDecision | Promise<LimiterDecision> {
    telemetry.count('RedisLimiterFallback', { Mode: failureMode, Cause: cause })
    const failure = config.failure
    if (failure === 'local') {
      // A timeout or error with the circuit closed is a slow moment, not a lost Redis: the
      // rest of the fleet is still admitted by Redis, so a concurrency slot is not guessed at.
      const slow = cause === 'timeout' || cause === 'error'
      return decideLocally(plan.local, plan.rules, priorityOf(request), cost, Date.now(), slow)
    }
    if (failure === 'open') return { admitted: true, release: releaseNothing }
    if (failure === 'closed') {
      const retryAfterMs = breaker.msUntilProbe() || config.breaker.coolDownMs
      return { admitted: false, retryAfterMs: Math.max(1, retryAfterMs), reason: 'unavailable' }
    }
    return failure.fallback.acquire(request)
  }

  function decideOnce(
    plan: KeyPlan,
    request: LimiterRequest,
    cost: number,
  ): Promise<LimiterDecision> {
    if (!connection.isReady()) return decideUnconnected(plan, request, cost)
    if (disconnected) {
      disconnected = false
      telemetry.log('info', 'Redis limiter connected again; Redis decides again', { failureMode })
    }
    return enqueue(plan, request, cost)
  }

  async function decideUnconnected(
    plan: KeyPlan,
    request: LimiterRequest,
    cost: number,
  ): Promise<LimiterDecision> {
    if (connection.everReady) {
      if (!disconnected) {
        disconnected = true
        telemetry.log('warn', 'Redis limiter lost its connection; deciding without Redis', {
          failureMode,
          status: client.status,
        })
      }
      return decideWithoutRedis(plan, request, cost, 'disconnected')
    }
    // Cold: the first connection is not a Redis failure; wait for it within the budget.
    try {
      await budget.run(connection.ready)
    } catch {
      return decideWithoutRedis(plan, request, cost, 'connecting')
    }
    // `ready` also settles on a connection error: never connected means no Redis to ask.
    if (!connection.isReady()) return decideWithoutRedis(plan, request, cost, 'connecting')
    return decideOnce(plan, request, cost)
  }

  /** Joins the key's batch for this tick; resolves when its reply (or the failure mode) decides. */
  function enqueue(plan: KeyPlan, request: LimiterRequest, cost: number): Promise<LimiterDecision> {
    const priority = priorityOf(request)
    const concurrency = plan.rules.concurrency
    return new Promise<LimiterDecision>((resolve) => {
      const queued: Queued = {
        request,
        cost,
        priority,
        leaseId: concurrency ? nextLeaseId() : '',
        ttlMs: concurrency ? leaseTtlMs(plan.rules, request.deadlineAt, Date.now()) : 0,
        resolve,
      }
      if (plan.batch === undefined) {
        plan.batch = [queued]
        // Every decision of this key made in this tick of the event loop joins it.
        process.nextTick(flushBatch, plan)
      } else {
        plan.batch.push(queued)
        if (plan.batch.length >= MAX_BATCH) {
          const full = plan.batch
          plan.batch = undefined
          sendBatch(plan, full)
        }
      }
    })
  }

  function flushBatch(plan: KeyPlan): void {
    const batch = plan.batch
    plan.batch = undefined
    if (batch !== undefined) sendBatch(plan, batch)
  }

  /** One script call, one budget and one breaker outcome for the whole batch. */
  function sendBatch(plan: KeyPlan, all: Queued[], warmedUp?: () => void): void {
    // The warm-up's ticket is none the breaker handed out: it counts neither way.
    const passed = warmedUp ? WARM_UP_TICKET : breaker.pass()
    // A probe risks one request's wait on a Redis that may still be down, not a batch's.
    const batch = passed?.probe ? all.slice(0, 1) : all
    if (passed === undefined || batch !== all) {
      for (let j = batch === all ? 0 : 1; j < all.length; j += 1) {
        const queued = all[j] as Queued
        queued.resolve(decideWithoutRedis(plan, queued.request, queued.cost, 'circuit-open'))
      }
      if (passed === undefined) return
    }
    const ticket: BreakerTicket = passed
    const now = Date.now()
    const heartbeat = now >= plan.heartbeatAt && warmedUp === undefined
    if (heartbeat) {
      plan.heartbeatAt = now + plan.heartbeatGapMs
      plan.heartbeatGapMs = Math.min(heartbeatEveryMs, plan.heartbeatGapMs * 2)
    }
    // One request alone (every request at concurrency 1) with no heartbeat due: the cheaper
    // script, when the key's rules have its shape.
    const single = batch.length === 1 && !heartbeat ? plan.single : undefined
    const script = single ?? plan.script
    // A batch of normal requests of cost 1 (the usual one) leaves as its count.
    const uniform = single === undefined && script.uniform && isUniform(batch)
    let numKeys: number
    // KEYS and ARGV in one array, spread once into the client call.
    let keysAndArgs: readonly (string | number)[]
    if (single !== undefined) {
      const only = batch[0] as Queued
      numKeys = 1
      keysAndArgs =
        only.priority === 'normal' && only.cost === 1
          ? plan.singleKeys
          : [plan.singleKeys[0] as string, PRIORITY_INDEX[only.priority], only.cost]
    } else {
      const keys = heartbeat ? plan.heartbeatKeys : plan.scriptKeys
      numKeys = keys.length
      const all: (string | number)[] = keys.slice()
      all.push(heartbeat ? instance : '')
      if (uniform) all.push(String(batch.length))
      else if (plan.rules.concurrency) {
        for (const queued of batch) {
          all.push(PRIORITY_INDEX[queued.priority], queued.cost, queued.leaseId, queued.ttlMs)
        }
      } else {
        for (const queued of batch) all.push(PRIORITY_INDEX[queued.priority], queued.cost)
      }
      keysAndArgs = all
    }
    let reloaded = false
    const tracked = budget.track(function budgetExpired(lateMs) {
      // A verdict more than a budget late means this process stalled (CPU starved), not
      // Redis: the request still falls back, but the breaker does not blame Redis.
      const stalled = lateMs > budgetMs && !ticket.probe
      warmedUp?.()
      failBatch(
        plan,
        batch,
        stalled ? undefined : ticket,
        heartbeat,
        'timeout',
        new BudgetExceededError(budgetMs),
      )
    })
    // The reply and error handlers are attached to the client's own promise: no promise in
    // between, so a decision costs one promise of the client's and the caller's own.
    function onReply(raw: unknown): void {
      if (!tracked.settle()) {
        releaseLateAdmissions(plan, batch, raw)
        return
      }
      warmedUp?.()
      if (single !== undefined) {
        const only = batch[0] as Queued
        let reply: ScriptReply
        try {
          reply = decodeSingleRateReply(raw, plan.rules.rates[0] as ResolvedRate, only.priority)
        } catch (error) {
          failBatch(plan, batch, ticket, heartbeat, 'error', error)
          return
        }
        breaker.succeeded(ticket)
        only.resolve(decide(plan, reply, only.leaseId, only.request, only.cost))
        return
      }
      let replies: ScriptReply[]
      try {
        replies = uniform
          ? decodeUniformReplies(raw, batch.length, plan.rules.rates[0] as ResolvedRate)
          : decodeScriptReplies(raw, batch.length, plan.shape)
      } catch (error) {
        failBatch(plan, batch, ticket, heartbeat, 'error', error)
        return
      }
      breaker.succeeded(ticket)
      for (let j = 0; j < batch.length; j += 1) {
        const queued = batch[j] as Queued
        queued.resolve(
          decide(plan, replies[j] as ScriptReply, queued.leaseId, queued.request, queued.cost),
        )
      }
    }
    function onError(error: unknown): void {
      // NOSCRIPT (after a restart, a failover or SCRIPT FLUSH): one EVAL, which also loads
      // the script for the next call — sent even when the budget has run out, for that.
      if (!reloaded && isNoScript(error)) {
        reloaded = true
        attempt(() => client.eval(script.body, numKeys, ...keysAndArgs)).then(onReply, onError)
        return
      }
      if (!tracked.settle()) return
      warmedUp?.()
      failBatch(plan, batch, ticket, heartbeat, 'error', error)
    }
    let sent: Promise<unknown>
    try {
      sent = client.evalsha(script.sha, numKeys, ...keysAndArgs)
    } catch (error) {
      sent = Promise.reject(error)
    }
    sent.then(onReply, onError)
  }

  function failBatch(
    plan: KeyPlan,
    batch: Queued[],
    ticket: BreakerTicket | undefined,
    heartbeat: boolean,
    cause: 'timeout' | 'error',
    error: unknown,
  ): void {
    // The process was not counted this time; try again with the next request.
    if (heartbeat) plan.heartbeatAt = 0
    lastFailure = { cause, error: String(error) }
    if (ticket !== undefined) breaker.failed(ticket)
    for (const queued of batch) {
      queued.resolve(decideWithoutRedis(plan, queued.request, queued.cost, cause))
    }
  }

  function acquire(request: LimiterRequest): Promise<LimiterDecision> {
    const plan = planFor(request.key)
    const cost = costOf(request)
    // Most of the time nothing is blocked and nothing waits: no clock read, no key id built.
    const anyBlocked = blocked.size() > 0
    const startedAt = config.maxWaitMs > 0 || anyBlocked ? Date.now() : 0
    if (config.blockedCache && anyBlocked) {
      const blockedMs = blocked.blockedFor(blockedId(request), cost, startedAt)
      if (blockedMs > 0 && !(config.maxWaitMs >= blockedMs)) {
        return Promise.resolve({ admitted: false, retryAfterMs: blockedMs, reason: 'rate' })
      }
    }
    const decision = decideOnce(plan, request, cost)
    if (config.maxWaitMs === 0) return decision
    return waitForCapacity(plan, request, cost, decision, startedAt)
  }

  /** A short spike waits briefly for capacity instead of being refused, within the deadline. */
  async function waitForCapacity(
    plan: KeyPlan,
    request: LimiterRequest,
    cost: number,
    first: Promise<LimiterDecision>,
    startedAt: number,
  ): Promise<LimiterDecision> {
    let decision = await first
    const waitUntil = Math.min(startedAt + config.maxWaitMs, request.deadlineAt)
    while (
      !decision.admitted &&
      (decision.reason === 'rate' || decision.reason === 'concurrency')
    ) {
      const pause =
        decision.reason === 'rate'
          ? decision.retryAfterMs
          : Math.min(decision.retryAfterMs, SLOT_POLL_MS * (0.5 + Math.random()))
      if (Date.now() + pause > waitUntil) break
      await sleep(pause)
      decision = await decideOnce(plan, request, cost)
    }
    return decision
  }

  /**
   * Once connected, one script call through the decision path for no request: it reads
   * and writes nothing, loads the script in Redis (no NOSCRIPT round trip for the first
   * request after a restart) and runs this process's decision code once, so the first
   * request of a cold process does not pay for compiling it (measured: 2–4 ms → 0.5 ms on
   * a busy 2-core host). When the rules have the single-rate shape, a second call loads
   * that script too, in parallel. Bounded by the budget; never counted by the breaker or
   * metrics.
   */
  function warmUp(): Promise<void> {
    return connection.ready.then(() => {
      if (!connection.isReady()) return
      const plan = newPlan(WARM_UP_KEY, config.rules)
      const general = new Promise<void>((resolve) => {
        sendBatch(plan, [], resolve)
      })
      if (plan.single === undefined) return general
      return Promise.all([general, loadScript(plan.single)]).then(ignore)
    })
  }

  /** A call of the script with no KEYS, which it answers at once: loaded for the first request. */
  function loadScript(script: LimiterScript): Promise<void> {
    const loaded = attempt(() => client.evalsha(script.sha, 0)).catch((error: unknown) => {
      if (isNoScript(error)) return client.eval(script.body, 0)
    })
    return budget.run(loaded).then(ignore, ignore)
  }

  let ready: Promise<void> | undefined
  return {
    name: 'redis',
    get circuit() {
      return breaker.state
    },
    // Started by the first `await limiter.ready` (during init), not by building the limiter.
    get ready() {
      ready ??= warmUp()
      return ready
    },
    acquire,
  }
}

function priorityOf(request: LimiterRequest): Priority {
  const { priority } = request
  return priority === 'critical' || priority === 'sheddable' ? priority : 'normal'
}

/** A positive finite cost, 1 otherwise: a cost is a caller's number, not trusted blindly. */
function costOf(request: LimiterRequest): number {
  const cost = request.cost
  return typeof cost === 'number' && cost > 0 && Number.isFinite(cost) ? cost : 1
}

/** Every request normal and of cost 1, and at least one (the warm-up sends none). */
function isUniform(batch: readonly Queued[]): boolean {
  for (const queued of batch) {
    if (queued.priority !== 'normal' || queued.cost !== 1) return false
  }
  return batch.length > 0
}

function blockedId(request: LimiterRequest): string {
  return PRIORITY_IDS[priorityOf(request)] + request.key
}

function failureModeName(
  failure: LimiterConfig['failure'],
): 'local' | 'open' | 'closed' | 'fallback' {
  return typeof failure === 'string' ? failure : 'fallback'
}
