import {
  assertKnownOptions,
  assertNumber,
  GateproofOptionsError,
  isObject,
  type TelemetryOptions,
} from '@gateproof/core'
import {
  DEFAULT_PRIORITY_SHARES,
  type Limiter,
  PRIORITIES,
  type PriorityShares,
} from '@gateproof/load-shedder'
import type { BreakerOptions } from './breaker.js'

export const PACKAGE = '@gateproof/redis-limiter'

/**
 * The commands the limiter sends, in ioredis' shape: an ioredis `Redis` or
 * `Cluster` (or the Valkey fork iovalkey) fits as is.
 */
export interface RedisLimiterClient {
  evalsha(sha: string, numKeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown>
  eval(script: string, numKeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown>
  zrem(key: string, ...members: string[]): Promise<unknown>
}

export interface RateOptions {
  /** Sustained requests per second for one key, across the fleet. */
  perSecond: number
  /** Requests that may arrive at once after a quiet spell; default one second's worth. */
  burst?: number
}

export interface ConcurrencyOptions {
  /** Requests in flight at once for one key, across the fleet. */
  limit: number
  /** Cap of the retry hint of a concurrency refusal (a slot usually frees sooner than the lease expiry). */
  retryAfterMs?: number
  /** Lease lifetime when a request has no finite deadline (ALB, Function URL without a timeout). */
  maxLeaseMs?: number
}

/** What happens when Redis cannot decide within the budget or the circuit is open. */
export type FailureMode = 'open' | 'closed' | { fallback: Limiter }

export interface RedisLimiterOptions extends TelemetryOptions {
  client: RedisLimiterClient
  rate?: RateOptions
  concurrency?: ConcurrencyOptions
  /** Share of each limit a priority may use; merged over the load shedder's defaults. */
  shares?: Partial<PriorityShares>
  /** First part of every key; keys of one decision share the hash tag `{prefix:key}`. */
  prefix?: string
  /** Longest a request waits for Redis, in ms. */
  budgetMs?: number
  failure?: FailureMode
  breaker?: Partial<BreakerOptions>
}

export interface LimiterConfig {
  client: RedisLimiterClient
  rate: Required<RateOptions> | undefined
  concurrency: Required<ConcurrencyOptions> | undefined
  shares: PriorityShares
  prefix: string
  budgetMs: number
  failure: FailureMode
  breaker: BreakerOptions
}

export const DEFAULTS = {
  prefix: 'gateproof',
  budgetMs: 25,
  failure: 'open',
  breaker: { failures: 3, coolDownMs: 5_000 },
  concurrencyRetryAfterMs: 1_000,
  maxLeaseMs: 900_000,
} as const

const OPTION_NAMES = [
  'client',
  'rate',
  'concurrency',
  'shares',
  'prefix',
  'budgetMs',
  'failure',
  'breaker',
  'metrics',
  'logger',
] as const

function fail(message: string, option: string): never {
  throw new GateproofOptionsError(PACKAGE, message, { option })
}

/** Checks every option once, when the limiter is built, and fills in the defaults. */
export function resolveOptions(options: RedisLimiterOptions): LimiterConfig {
  if (!isObject(options)) fail('options must be an object with a "client"', 'client')
  assertKnownOptions(PACKAGE, options, OPTION_NAMES)
  const { client, rate, concurrency, shares, prefix = DEFAULTS.prefix } = options
  if (
    !isObject(client) ||
    !['evalsha', 'eval', 'zrem'].every((m) => typeof client[m] === 'function')
  ) {
    fail('option "client" must be a Redis client with evalsha, eval and zrem (ioredis)', 'client')
  }
  if (rate === undefined && concurrency === undefined) {
    fail('set "rate", "concurrency" or both: there is nothing to limit', 'rate')
  }
  if (typeof prefix !== 'string' || prefix === '' || /[{}]/.test(prefix)) {
    fail('option "prefix" must be a non-empty string without "{" or "}"', 'prefix')
  }
  assertNumber(PACKAGE, 'budgetMs', options.budgetMs, { min: 1, max: 60_000 })
  return {
    client,
    rate: resolveRate(rate),
    concurrency: resolveConcurrency(concurrency),
    shares: resolveShares(shares),
    prefix,
    budgetMs: options.budgetMs ?? DEFAULTS.budgetMs,
    failure: resolveFailure(options.failure),
    breaker: resolveBreaker(options.breaker),
  }
}

function resolveRate(rate: RateOptions | undefined): Required<RateOptions> | undefined {
  if (rate === undefined) return undefined
  if (!isObject(rate)) return fail('option "rate" must be { perSecond, burst? }', 'rate')
  assertKnownOptions(PACKAGE, rate, ['perSecond', 'burst'])
  if (rate.perSecond === undefined) fail('option "rate.perSecond" is required', 'rate.perSecond')
  assertNumber(PACKAGE, 'rate.perSecond', rate.perSecond, { min: 0.001, max: 1_000_000 })
  assertNumber(PACKAGE, 'rate.burst', rate.burst, { min: 1, max: 1_000_000, integer: true })
  return { perSecond: rate.perSecond, burst: rate.burst ?? Math.max(1, Math.ceil(rate.perSecond)) }
}

function resolveConcurrency(
  concurrency: ConcurrencyOptions | undefined,
): Required<ConcurrencyOptions> | undefined {
  if (concurrency === undefined) return undefined
  if (!isObject(concurrency)) {
    return fail('option "concurrency" must be { limit, retryAfterMs?, maxLeaseMs? }', 'concurrency')
  }
  assertKnownOptions(PACKAGE, concurrency, ['limit', 'retryAfterMs', 'maxLeaseMs'])
  if (concurrency.limit === undefined) {
    fail('option "concurrency.limit" is required', 'concurrency.limit')
  }
  assertNumber(PACKAGE, 'concurrency.limit', concurrency.limit, {
    min: 1,
    max: 1_000_000,
    integer: true,
  })
  assertNumber(PACKAGE, 'concurrency.retryAfterMs', concurrency.retryAfterMs, { min: 1 })
  assertNumber(PACKAGE, 'concurrency.maxLeaseMs', concurrency.maxLeaseMs, {
    min: 1,
    max: 86_400_000,
  })
  return {
    limit: concurrency.limit,
    retryAfterMs: concurrency.retryAfterMs ?? DEFAULTS.concurrencyRetryAfterMs,
    maxLeaseMs: concurrency.maxLeaseMs ?? DEFAULTS.maxLeaseMs,
  }
}

function resolveShares(shares: Partial<PriorityShares> | undefined): PriorityShares {
  if (shares === undefined) return DEFAULT_PRIORITY_SHARES
  if (!isObject(shares)) return fail('option "shares" must be an object', 'shares')
  assertKnownOptions(PACKAGE, shares, PRIORITIES)
  for (const priority of PRIORITIES) {
    const share = shares[priority]
    if (share !== undefined && !(typeof share === 'number' && share > 0 && share <= 1)) {
      fail(`option "shares.${priority}" must be a number above 0 and at most 1`, 'shares')
    }
  }
  const resolved = { ...DEFAULT_PRIORITY_SHARES, ...shares }
  if (!(resolved.critical >= resolved.normal && resolved.normal >= resolved.sheddable)) {
    fail(
      `option "shares" must keep critical ≥ normal ≥ sheddable, got ${JSON.stringify(resolved)}`,
      'shares',
    )
  }
  return resolved
}

function resolveFailure(failure: FailureMode | undefined): FailureMode {
  if (failure === undefined || failure === 'open' || failure === 'closed') {
    return failure ?? DEFAULTS.failure
  }
  if (
    isObject(failure) &&
    isObject(failure.fallback) &&
    typeof failure.fallback.acquire === 'function'
  ) {
    assertKnownOptions(PACKAGE, failure, ['fallback'])
    return failure
  }
  return fail('option "failure" must be "open", "closed" or { fallback: Limiter }', 'failure')
}

function resolveBreaker(breaker: Partial<BreakerOptions> | undefined): BreakerOptions {
  if (breaker === undefined) return DEFAULTS.breaker
  if (!isObject(breaker))
    return fail('option "breaker" must be { failures, coolDownMs }', 'breaker')
  assertKnownOptions(PACKAGE, breaker, ['failures', 'coolDownMs'])
  assertNumber(PACKAGE, 'breaker.failures', breaker.failures, { min: 1, integer: true })
  assertNumber(PACKAGE, 'breaker.coolDownMs', breaker.coolDownMs, { min: 0 })
  return { ...DEFAULTS.breaker, ...breaker }
}
