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
import { type BreakerState, createBreaker, type Transition } from './breaker.js'
import { attempt, BudgetExceededError, createBudget } from './budget.js'
import { watchConnection } from './connection.js'
import { leaseIdSource, limiterKeys, processId } from './keys.js'
import { decideLocally, type LocalKey, newLocalKey } from './local-share.js'
import {
  type LimiterConfig,
  PACKAGE,
  type RedisLimiterOptions,
  type ResolvedRules,
  resolveOptions,
} from './options.js'
import { scriptRunner } from './run-script.js'
import { decodeScriptReply, type ScriptReply } from './script.js'

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
  readonly leases: string
  readonly processesKey: string
  readonly local: LocalKey
  /** When this process next marks itself active for the key (ms, this host's clock). */
  heartbeatAt: number
  shadowMask: number
}

const releaseNothing = (): void => {}
const ignore = (): void => {}
const MAX_PLANS = 10_000
/** How often a process marks itself active for a key, as a share of the window. */
const HEARTBEAT_SHARE = 0.2
/** How long a request waiting for a concurrency slot sleeps between tries, at most. */
const SLOT_POLL_MS = 10
const SHADOW_LOG_EVERY_MS = 60_000

const PRIORITY_IDS: Record<Priority, string> = { critical: 'c', normal: 'n', sheddable: 's' }

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
  const runScript = scriptRunner(client)
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

  function planFor(key: string): KeyPlan {
    const found = plans.get(key)
    if (found !== undefined) return found
    if (plans.size >= MAX_PLANS) plans.clear()
    const rules = config.overrides.get(key) ?? config.rules
    const keys = limiterKeys(config.prefix, key, rules.rates.length)
    let shadowMask = 0
    rules.rates.forEach((rate, i) => {
      if (rate.shadow) shadowMask += 2 ** i
    })
    if (rules.concurrency?.shadow) shadowMask += 2 ** rules.rates.length
    const plan: KeyPlan = {
      rules,
      scriptKeys: rules.concurrency ? [...keys.rates, keys.leases] : keys.rates,
      leases: keys.leases,
      processesKey: keys.processes,
      local: newLocalKey(rules),
      heartbeatAt: 0,
      shadowMask,
    }
    plans.set(key, plan)
    return plan
  }

  function leaseTtlMs(rules: ResolvedRules, deadlineAt: number, now: number): number {
    const maxLeaseMs = rules.concurrency?.maxLeaseMs ?? 0
    if (!Number.isFinite(deadlineAt)) return maxLeaseMs
    return Math.min(maxLeaseMs, Math.max(1, Math.ceil(deadlineAt - now)))
  }

  /** One ZREM, sent at once; the response never waits for it. If it fails, the lease expires at its deadline. */
  function leaseRelease(leases: string, leaseId: string): () => void {
    let released = false
    return function releaseRedisLease() {
      if (released) return
      released = true
      budget.run(attempt(() => client.zrem(leases, leaseId))).then(ignore, ignore)
    }
  }

  /** A lease granted after its request gave up waiting would hold a slot until its deadline. */
  function releaseLateAdmission(reply: Promise<unknown>, leases: string, leaseId: string): void {
    reply
      .then((raw) => {
        if (leaseId !== '' && decodeScriptReply(raw).outcome === 'admitted') {
          return client.zrem(leases, leaseId)
        }
      })
      .catch(ignore)
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

  function observe(plan: KeyPlan, reply: ScriptReply, key: string, now: number): void {
    if (reply.processes > 0) plan.local.processes = reply.processes
    if (config.nearLimit > 0 && reply.usagePermille >= config.nearLimit * 1000) {
      telemetry.count('RedisLimiterNearLimit', {})
    }
    if (reply.wouldRefuse !== 0) shadowRefusals(plan, reply.wouldRefuse, key, now)
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
    now: number,
  ): LimiterDecision {
    observe(plan, reply, request.key, now)
    const quota = quotaOf(plan, reply)
    if (reply.outcome === 'admitted') {
      const release = leaseId !== '' ? leaseRelease(plan.leases, leaseId) : releaseNothing
      return quota ? { admitted: true, release, quota } : { admitted: true, release }
    }
    const concurrency = plan.rules.concurrency
    const hint =
      reply.outcome === 'concurrency'
        ? Math.min(reply.retryAfterMs, concurrency?.retryAfterMs ?? reply.retryAfterMs)
        : reply.retryAfterMs
    const retryAfterMs = Math.max(1, hint)
    if (reply.outcome === 'rate' && config.blockedCache) {
      blocked.block(blockedId(request), cost, now + retryAfterMs)
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
      return decideLocally(plan.local, plan.rules, priorityOf(request), cost, Date.now())
    }
    if (failure === 'open') return { admitted: true, release: releaseNothing }
    if (failure === 'closed') {
      const retryAfterMs = breaker.msUntilProbe() || config.breaker.coolDownMs
      return { admitted: false, retryAfterMs: Math.max(1, retryAfterMs), reason: 'unavailable' }
    }
    return failure.fallback.acquire(request)
  }

  async function decideOnce(
    plan: KeyPlan,
    request: LimiterRequest,
    cost: number,
  ): Promise<LimiterDecision> {
    if (!connection.isReady()) {
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
    }
    if (disconnected) {
      disconnected = false
      telemetry.log('info', 'Redis limiter connected again; Redis decides again', { failureMode })
    }
    const ticket = breaker.pass()
    if (ticket === undefined) return decideWithoutRedis(plan, request, cost, 'circuit-open')
    const now = Date.now()
    const priority = priorityOf(request)
    const concurrency = plan.rules.concurrency
    const leaseId = concurrency && !concurrency.shadow ? nextLeaseId() : ''
    const heartbeat = now >= plan.heartbeatAt
    if (heartbeat) plan.heartbeatAt = now + heartbeatEveryMs
    const args: (string | number)[] = [
      plan.rules.rates.length,
      cost,
      concurrency ? concurrency.slots[priority] : 0,
      leaseId,
      concurrency ? leaseTtlMs(plan.rules, request.deadlineAt, now) : 0,
      plan.shadowMask,
      heartbeat ? instance : '',
      config.processWindowMs,
    ]
    for (const rate of plan.rules.rates) args.push(rate.interval, rate.cells[priority])
    const keys = heartbeat ? [...plan.scriptKeys, plan.processesKey] : plan.scriptKeys
    const reply = runScript(keys, args)
    let decoded: ScriptReply
    try {
      decoded = decodeScriptReply(await budget.run(reply))
    } catch (error) {
      const timedOut = error instanceof BudgetExceededError
      if (timedOut) releaseLateAdmission(reply, plan.leases, leaseId)
      // The process was not counted this time; try again with the next request.
      if (heartbeat) plan.heartbeatAt = 0
      lastFailure = { cause: timedOut ? 'timeout' : 'error', error: String(error) }
      breaker.failed(ticket)
      return decideWithoutRedis(plan, request, cost, lastFailure.cause)
    }
    breaker.succeeded(ticket)
    return decide(plan, decoded, leaseId, request, cost, now)
  }

  async function acquire(request: LimiterRequest): Promise<LimiterDecision> {
    const plan = planFor(request.key)
    const cost = costOf(request)
    const startedAt = Date.now()
    if (config.blockedCache) {
      const blockedMs = blocked.blockedFor(blockedId(request), cost, startedAt)
      if (blockedMs > 0 && !(config.maxWaitMs >= blockedMs)) {
        return { admitted: false, retryAfterMs: blockedMs, reason: 'rate' }
      }
    }
    let decision = await decideOnce(plan, request, cost)
    if (config.maxWaitMs === 0) return decision
    // A short spike waits briefly for capacity instead of being refused, within the deadline.
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

  return {
    name: 'redis',
    get circuit() {
      return breaker.state
    },
    ready: connection.ready,
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

function blockedId(request: LimiterRequest): string {
  return PRIORITY_IDS[priorityOf(request)] + request.key
}

function failureModeName(
  failure: LimiterConfig['failure'],
): 'local' | 'open' | 'closed' | 'fallback' {
  return typeof failure === 'string' ? failure : 'fallback'
}
