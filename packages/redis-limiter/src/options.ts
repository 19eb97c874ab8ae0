import {
  assertKnownOptions,
  assertNumber,
  GateproofOptionsError,
  isObject,
  type TelemetryOptions,
} from '@gateproof/core'
import type { Limiter, Priority } from '@gateproof/load-shedder'
import type { BreakerOptions } from './breaker.js'

export const PACKAGE = '@gateproof/redis-limiter'

/**
 * The commands the limiter sends, in ioredis' shape: an ioredis `Redis` or
 * `Cluster` (or the Valkey fork iovalkey) fits as is. `status` and `once` let the
 * limiter wait for the first connection instead of counting it as a failure.
 */
export interface RedisLimiterClient {
  evalsha(sha: string, numKeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown>
  eval(script: string, numKeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown>
  zrem(key: string, ...members: string[]): Promise<unknown>
  readonly status?: string
  once?(event: 'ready' | 'error', listener: () => void): unknown
}

export interface RateOptions {
  /** Sustained requests (cost units) per second for one key, across the fleet. */
  perSecond: number
  /** Requests that may arrive at once after a quiet spell. Default 1: no burst above the rate. */
  burst?: number
  /** Count and log would-be refusals of this rule, enforce nothing. Default false. */
  shadow?: boolean
}

export interface ConcurrencyOptions {
  /** Requests in flight at once for one key, across the fleet. */
  limit: number
  /** Cap of the retry hint of a concurrency refusal (a slot usually frees sooner than the lease expiry). */
  retryAfterMs?: number
  /** Lease lifetime when a request has no finite deadline (ALB, Function URL without a timeout). */
  maxLeaseMs?: number
  /** Count and log would-be refusals of this rule, enforce nothing. Default false. */
  shadow?: boolean
}

/** The limits of a key: one or more rate windows, a concurrency limit, or both. */
export interface LimitRules {
  rate?: RateOptions | readonly RateOptions[]
  concurrency?: ConcurrencyOptions
}

/**
 * What happens when Redis cannot decide within the budget or the circuit is open:
 * `'local'` enforces this process's share of each limit in memory, `'open'` admits,
 * `'closed'` refuses, `{ fallback }` asks another limiter.
 */
export type FailureMode = 'local' | 'open' | 'closed' | { fallback: Limiter }

export interface RedisLimiterOptions extends TelemetryOptions, LimitRules {
  client: RedisLimiterClient
  /** Other limits for some keys (tenant, API key…): the key's rules replace the defaults. */
  overrides?: Readonly<Record<string, LimitRules>>
  /** Extra share of every limit that only `critical` requests may use, on top of it. Default 0. */
  criticalReserve?: number
  /** Share of every limit `sheddable` requests may use. Default 0.8. */
  sheddableShare?: number
  /** First part of every key; keys of one decision share the hash tag `{prefix:key}`. */
  prefix?: string
  /** Longest a request waits for a Redis reply, in ms from when the command is sent. */
  budgetMs?: number
  failure?: FailureMode
  breaker?: Partial<BreakerOptions>
  /** Refuse a key already refused by a rate rule locally until its retry time. Default true. */
  blockedCache?: boolean
  /** Longest a refused request waits for capacity before it is refused, in ms. Default 0. */
  maxWaitMs?: number
  /** Usage share from which a decision counts as near the limit (metric). Default 0.8; 0 turns it off. */
  nearLimit?: number
  /** A process counts as active for the local share while it decided within this window, in ms. */
  processWindowMs?: number
}

export interface ResolvedRate {
  readonly perSecond: number
  readonly burst: number
  readonly shadow: boolean
  /** Emission interval: ms per cost unit. */
  readonly interval: number
  readonly cells: Readonly<Record<Priority, number>>
  /** `RateLimit-Policy`: the quota and its window. */
  readonly quotaLimit: number
  readonly windowSeconds: number
}

export interface ResolvedConcurrency {
  readonly limit: number
  readonly retryAfterMs: number
  readonly maxLeaseMs: number
  readonly shadow: boolean
  readonly slots: Readonly<Record<Priority, number>>
}

export interface ResolvedRules {
  readonly rates: readonly ResolvedRate[]
  readonly concurrency: ResolvedConcurrency | undefined
}

export interface LimiterConfig {
  client: RedisLimiterClient
  rules: ResolvedRules
  overrides: ReadonlyMap<string, ResolvedRules>
  prefix: string
  budgetMs: number
  failure: FailureMode
  breaker: BreakerOptions
  blockedCache: boolean
  maxWaitMs: number
  nearLimit: number
  processWindowMs: number
}

export const DEFAULTS = {
  prefix: 'gateproof',
  budgetMs: 25,
  failure: 'local',
  breaker: { failureRatio: 0.5, minCalls: 20, windowMs: 10_000, coolDownMs: 2_000, probes: 3 },
  burst: 1,
  criticalReserve: 0,
  sheddableShare: 0.8,
  concurrencyRetryAfterMs: 1_000,
  maxLeaseMs: 900_000,
  blockedCache: true,
  maxWaitMs: 0,
  nearLimit: 0.8,
  processWindowMs: 10_000,
} as const

const OPTION_NAMES = [
  'client',
  'rate',
  'concurrency',
  'overrides',
  'criticalReserve',
  'sheddableShare',
  'prefix',
  'budgetMs',
  'failure',
  'breaker',
  'blockedCache',
  'maxWaitMs',
  'nearLimit',
  'processWindowMs',
  'metrics',
  'logger',
] as const

// Guards `Math.floor` against float products such as 0.95 × 20 = 18.999….
const EPSILON = 1e-9

function fail(message: string, option: string): never {
  throw new GateproofOptionsError(PACKAGE, message, { option })
}

/**
 * What a priority may use of a limit: normal traffic exactly the limit written;
 * critical that plus `⌈limit × criticalReserve⌉`; sheddable `⌊limit × sheddableShare⌋`,
 * at least 1.
 */
export function priorityAllowances(
  limit: number,
  criticalReserve: number,
  sheddableShare: number,
): Record<Priority, number> {
  return {
    critical: limit + Math.ceil(limit * criticalReserve - EPSILON),
    normal: limit,
    sheddable: Math.max(1, Math.floor(limit * sheddableShare + EPSILON)),
  }
}

/** Checks every option once, when the limiter is built, and fills in the defaults. */
export function resolveOptions(options: RedisLimiterOptions): LimiterConfig {
  if (!isObject(options)) fail('options must be an object with a "client"', 'client')
  if (Object.hasOwn(options, 'shares')) {
    fail(
      'option "shares" was replaced: normal traffic now gets the whole limit; use "criticalReserve" for capacity on top for critical and "sheddableShare" for sheddable',
      'shares',
    )
  }
  assertKnownOptions(PACKAGE, options, OPTION_NAMES)
  const { client, prefix = DEFAULTS.prefix } = options
  if (
    !isObject(client) ||
    !['evalsha', 'eval', 'zrem'].every((m) => typeof client[m] === 'function')
  ) {
    fail('option "client" must be a Redis client with evalsha, eval and zrem (ioredis)', 'client')
  }
  if (typeof prefix !== 'string' || prefix === '' || /[{}]/.test(prefix)) {
    fail('option "prefix" must be a non-empty string without "{" or "}"', 'prefix')
  }
  assertNumber(PACKAGE, 'criticalReserve', options.criticalReserve, { min: 0, max: 10 })
  assertNumber(PACKAGE, 'sheddableShare', options.sheddableShare, { min: 0.01, max: 1 })
  assertNumber(PACKAGE, 'budgetMs', options.budgetMs, { min: 1, max: 60_000 })
  assertNumber(PACKAGE, 'maxWaitMs', options.maxWaitMs, { min: 0, max: 60_000 })
  assertNumber(PACKAGE, 'nearLimit', options.nearLimit, { min: 0, max: 1 })
  assertNumber(PACKAGE, 'processWindowMs', options.processWindowMs, {
    min: 1_000,
    max: 3_600_000,
  })
  if (options.blockedCache !== undefined && typeof options.blockedCache !== 'boolean') {
    fail('option "blockedCache" must be a boolean', 'blockedCache')
  }
  const shares = {
    criticalReserve: options.criticalReserve ?? DEFAULTS.criticalReserve,
    sheddableShare: options.sheddableShare ?? DEFAULTS.sheddableShare,
  }
  const rules = resolveRules(options, '', shares)
  return {
    client,
    rules,
    overrides: resolveOverrides(options.overrides, shares),
    prefix,
    budgetMs: options.budgetMs ?? DEFAULTS.budgetMs,
    failure: resolveFailure(options.failure),
    breaker: resolveBreaker(options.breaker),
    blockedCache: options.blockedCache ?? DEFAULTS.blockedCache,
    maxWaitMs: options.maxWaitMs ?? DEFAULTS.maxWaitMs,
    nearLimit: options.nearLimit ?? DEFAULTS.nearLimit,
    processWindowMs: options.processWindowMs ?? DEFAULTS.processWindowMs,
  }
}

interface Shares {
  criticalReserve: number
  sheddableShare: number
}

function resolveRules(rules: LimitRules, path: string, shares: Shares): ResolvedRules {
  const { rate, concurrency } = rules
  if (rate === undefined && concurrency === undefined) {
    fail(
      `set "${path}rate", "${path}concurrency" or both: there is nothing to limit`,
      `${path}rate`,
    )
  }
  let rates: ResolvedRate[] = []
  if (Array.isArray(rate)) {
    if (rate.length === 0 || rate.length > 8) {
      fail(`option "${path}rate" must hold 1 to 8 rate rules`, `${path}rate`)
    }
    rates = rate.map((r, i) => resolveRate(r, `${path}rate[${i}]`, shares))
  } else if (rate !== undefined) {
    rates = [resolveRate(rate as RateOptions, `${path}rate`, shares)]
  }
  return { rates, concurrency: resolveConcurrency(concurrency, `${path}concurrency`, shares) }
}

function assertShadow(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'boolean') {
    fail(`option "${name}.shadow" must be a boolean`, `${name}.shadow`)
  }
}

function resolveRate(rate: RateOptions, name: string, shares: Shares): ResolvedRate {
  if (!isObject(rate)) return fail(`option "${name}" must be { perSecond, burst?, shadow? }`, name)
  assertKnownOptions(PACKAGE, rate, ['perSecond', 'burst', 'shadow'])
  if (rate.perSecond === undefined) fail(`option "${name}.perSecond" is required`, name)
  assertNumber(PACKAGE, `${name}.perSecond`, rate.perSecond, { min: 0.001, max: 1_000_000 })
  assertNumber(PACKAGE, `${name}.burst`, rate.burst, { min: 1, max: 1_000_000, integer: true })
  assertShadow(rate.shadow, name)
  const burst = rate.burst ?? DEFAULTS.burst
  const windowSeconds = Math.max(1, Math.round(burst / rate.perSecond))
  return {
    perSecond: rate.perSecond,
    burst,
    shadow: rate.shadow ?? false,
    interval: 1000 / rate.perSecond,
    cells: priorityAllowances(burst, shares.criticalReserve, shares.sheddableShare),
    quotaLimit: Math.max(1, Math.round(rate.perSecond * windowSeconds)),
    windowSeconds,
  }
}

function resolveConcurrency(
  concurrency: ConcurrencyOptions | undefined,
  name: string,
  shares: Shares,
): ResolvedConcurrency | undefined {
  if (concurrency === undefined) return undefined
  if (!isObject(concurrency)) {
    return fail(`option "${name}" must be { limit, retryAfterMs?, maxLeaseMs?, shadow? }`, name)
  }
  assertKnownOptions(PACKAGE, concurrency, ['limit', 'retryAfterMs', 'maxLeaseMs', 'shadow'])
  if (concurrency.limit === undefined) fail(`option "${name}.limit" is required`, name)
  assertNumber(PACKAGE, `${name}.limit`, concurrency.limit, {
    min: 1,
    max: 1_000_000,
    integer: true,
  })
  assertNumber(PACKAGE, `${name}.retryAfterMs`, concurrency.retryAfterMs, { min: 1 })
  assertNumber(PACKAGE, `${name}.maxLeaseMs`, concurrency.maxLeaseMs, {
    min: 1,
    max: 86_400_000,
  })
  assertShadow(concurrency.shadow, name)
  return {
    limit: concurrency.limit,
    retryAfterMs: concurrency.retryAfterMs ?? DEFAULTS.concurrencyRetryAfterMs,
    maxLeaseMs: concurrency.maxLeaseMs ?? DEFAULTS.maxLeaseMs,
    shadow: concurrency.shadow ?? false,
    slots: priorityAllowances(concurrency.limit, shares.criticalReserve, shares.sheddableShare),
  }
}

function resolveOverrides(
  overrides: RedisLimiterOptions['overrides'],
  shares: Shares,
): ReadonlyMap<string, ResolvedRules> {
  const resolved = new Map<string, ResolvedRules>()
  if (overrides === undefined) return resolved
  if (!isObject(overrides)) return fail('option "overrides" must be an object of keys', 'overrides')
  for (const key of Object.keys(overrides)) {
    const rules = (overrides as Record<string, unknown>)[key]
    const path = `overrides[${JSON.stringify(key)}].`
    if (!isObject(rules))
      fail(`option "${path.slice(0, -1)}" must be { rate?, concurrency? }`, path)
    assertKnownOptions(PACKAGE, rules, ['rate', 'concurrency'])
    resolved.set(key, resolveRules(rules as LimitRules, path, shares))
  }
  return resolved
}

function resolveFailure(failure: FailureMode | undefined): FailureMode {
  if (failure === undefined) return DEFAULTS.failure
  if (failure === 'local' || failure === 'open' || failure === 'closed') return failure
  if (
    isObject(failure) &&
    isObject(failure.fallback) &&
    typeof failure.fallback.acquire === 'function'
  ) {
    assertKnownOptions(PACKAGE, failure, ['fallback'])
    return failure
  }
  return fail(
    'option "failure" must be "local", "open", "closed" or { fallback: Limiter }',
    'failure',
  )
}

function resolveBreaker(breaker: Partial<BreakerOptions> | undefined): BreakerOptions {
  if (breaker === undefined) return DEFAULTS.breaker
  if (!isObject(breaker)) {
    return fail(
      'option "breaker" must be { failureRatio?, minCalls?, windowMs?, coolDownMs?, probes? }',
      'breaker',
    )
  }
  if (Object.hasOwn(breaker, 'failures')) {
    fail(
      'option "breaker.failures" was replaced by "breaker.failureRatio" and "breaker.minCalls"',
      'breaker.failures',
    )
  }
  assertKnownOptions(PACKAGE, breaker, Object.keys(DEFAULTS.breaker))
  assertNumber(PACKAGE, 'breaker.failureRatio', breaker.failureRatio, { min: 0.01, max: 1 })
  assertNumber(PACKAGE, 'breaker.minCalls', breaker.minCalls, { min: 1, integer: true })
  assertNumber(PACKAGE, 'breaker.windowMs', breaker.windowMs, { min: 100, max: 3_600_000 })
  assertNumber(PACKAGE, 'breaker.coolDownMs', breaker.coolDownMs, { min: 0, max: 3_600_000 })
  assertNumber(PACKAGE, 'breaker.probes', breaker.probes, { min: 1, max: 1000, integer: true })
  return { ...DEFAULTS.breaker, ...breaker }
}
