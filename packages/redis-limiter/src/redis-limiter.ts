import { createTelemetry, systemClock } from '@gateproof/core'
import {
  allowance,
  type Limiter,
  type LimiterDecision,
  type LimiterRequest,
  PRIORITIES,
  type Priority,
  type QuotaInfo,
} from '@gateproof/load-shedder'
import { type BreakerState, createBreaker, type Transition } from './breaker.js'
import { attempt, BudgetExceededError, withinBudget } from './budget.js'
import { type LimiterKeys, leaseIdSource, limiterKeys } from './keys.js'
import { type LimiterConfig, PACKAGE, type RedisLimiterOptions, resolveOptions } from './options.js'
import { scriptRunner } from './run-script.js'
import { decodeScriptReply, type ScriptReply } from './script.js'

/** Why a decision was made without Redis: a bounded metric dimension. */
export type FallbackCause = 'timeout' | 'error' | 'circuit-open'

export interface RedisLimiter extends Limiter {
  readonly name: 'redis'
  /** The circuit breaker's state: `open` means decisions follow the failure mode. */
  readonly circuit: BreakerState
  acquire(request: LimiterRequest): Promise<LimiterDecision>
}

const releaseNothing = (): void => {}
const ignore = (): void => {}

/**
 * A fleet-wide `Limiter` for the load shedder: a GCRA rate and a lease semaphore
 * per key, decided by one script in one round trip, never waiting for Redis longer
 * than the budget.
 */
export const redisLimiter = (options: RedisLimiterOptions): RedisLimiter => {
  const config = resolveOptions(options)
  const { client, budgetMs, rate, concurrency } = config
  const telemetry = createTelemetry(PACKAGE, options)
  const failureMode = failureModeName(config.failure)
  const runScript = scriptRunner(client)
  const nextLeaseId = leaseIdSource()
  const interval = rate ? 1000 / rate.perSecond : 0
  const rateCells = perPriority((priority) =>
    rate ? allowance(rate.burst, priority, config.shares) : 0,
  )
  const leaseSlots = perPriority((priority) =>
    concurrency ? allowance(concurrency.limit, priority, config.shares) : 0,
  )
  // The policy clients see in `RateLimit-Policy`, the same as the in-memory limiter's.
  const windowSeconds = rate ? Math.max(1, Math.round(rate.burst / rate.perSecond)) : 0
  const quotaLimit = rate ? Math.round(rate.perSecond * windowSeconds) : 0
  let lastFailure: { cause: FallbackCause; error: string } | undefined

  const breaker = createBreaker(config.breaker, logCircuitTransition)

  /** Once per transition, never per request: the metric counts the requests. */
  function logCircuitTransition({ from, to, consecutiveFailures }: Transition): void {
    const fields = { from, to, failureMode, budgetMs }
    if (to === 'open') {
      telemetry.log('warn', 'Redis limiter circuit opened; deciding without Redis', {
        ...fields,
        consecutiveFailures,
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

  function leaseTtlMs(deadlineAt: number): number {
    const maxLeaseMs = concurrency?.maxLeaseMs ?? 0
    if (!Number.isFinite(deadlineAt)) return maxLeaseMs
    return Math.min(maxLeaseMs, Math.max(1, Math.ceil(deadlineAt - systemClock.now())))
  }

  function leaseRelease(keys: LimiterKeys, leaseId: string): () => Promise<void> {
    let released: Promise<void> | undefined
    return function releaseRedisLease() {
      released ??= withinBudget(
        attempt(() => client.zrem(keys.leases, leaseId)),
        budgetMs,
      ).then(ignore, ignore)
      return released
    }
  }

  /** A lease granted after its request gave up waiting would hold a slot until its deadline. */
  function releaseLateAdmission(reply: Promise<unknown>, keys: LimiterKeys, leaseId: string): void {
    reply
      .then((raw) => {
        if (decodeScriptReply(raw).outcome === 'admitted' && leaseId !== '') {
          return client.zrem(keys.leases, leaseId)
        }
      })
      .catch(ignore)
  }

  function quotaOf(reply: ScriptReply): QuotaInfo | undefined {
    if (!rate) return undefined
    return {
      limit: quotaLimit,
      remaining: Math.max(0, reply.remaining),
      resetSeconds: Math.ceil(reply.resetMs / 1000),
      windowSeconds,
    }
  }

  function decide(reply: ScriptReply, keys: LimiterKeys, leaseId: string): LimiterDecision {
    const quota = quotaOf(reply)
    if (reply.outcome === 'admitted') {
      const release = concurrency ? leaseRelease(keys, leaseId) : releaseNothing
      return quota ? { admitted: true, release, quota } : { admitted: true, release }
    }
    const hint =
      reply.outcome === 'concurrency'
        ? Math.min(reply.retryAfterMs, concurrency?.retryAfterMs ?? reply.retryAfterMs)
        : reply.retryAfterMs
    const rejected = { admitted: false as const, retryAfterMs: Math.max(1, hint) }
    return quota
      ? { ...rejected, reason: reply.outcome, quota }
      : { ...rejected, reason: reply.outcome }
  }

  function decideWithoutRedis(
    request: LimiterRequest,
    cause: FallbackCause,
  ): LimiterDecision | Promise<LimiterDecision> {
    telemetry.count('RedisLimiterFallback', { Mode: failureMode, Cause: cause })
    const failure = config.failure
    if (failure === 'open') return { admitted: true, release: releaseNothing }
    if (failure === 'closed') {
      const retryAfterMs = breaker.msUntilProbe() || config.breaker.coolDownMs
      return { admitted: false, retryAfterMs: Math.max(1, retryAfterMs), reason: 'unavailable' }
    }
    return failure.fallback.acquire(request)
  }

  return {
    name: 'redis',
    get circuit() {
      return breaker.state
    },
    async acquire(request) {
      const ticket = breaker.pass()
      if (ticket === undefined) return decideWithoutRedis(request, 'circuit-open')
      const priority = Object.hasOwn(rateCells, request.priority) ? request.priority : 'normal'
      const keys = limiterKeys(config.prefix, request.key)
      const leaseId = concurrency ? nextLeaseId() : ''
      const reply = runScript(
        [keys.rate, keys.leases],
        [
          interval,
          rateCells[priority],
          leaseSlots[priority],
          leaseId,
          concurrency ? leaseTtlMs(request.deadlineAt) : 0,
        ],
      )
      let decoded: ScriptReply
      try {
        decoded = decodeScriptReply(await withinBudget(reply, budgetMs))
      } catch (error) {
        const timedOut = error instanceof BudgetExceededError
        if (timedOut) releaseLateAdmission(reply, keys, leaseId)
        lastFailure = { cause: timedOut ? 'timeout' : 'error', error: String(error) }
        breaker.failed(ticket)
        return decideWithoutRedis(request, lastFailure.cause)
      }
      breaker.succeeded(ticket)
      return decide(decoded, keys, leaseId)
    },
  }
}

function failureModeName(failure: LimiterConfig['failure']): 'open' | 'closed' | 'fallback' {
  return typeof failure === 'string' ? failure : 'fallback'
}

function perPriority(limitFor: (priority: Priority) => number): Record<Priority, number> {
  return Object.fromEntries(PRIORITIES.map((p) => [p, limitFor(p)])) as Record<Priority, number>
}
