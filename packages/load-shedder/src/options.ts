import {
  assertBoolean,
  assertFunction,
  assertIntegration,
  assertLogger,
  assertMetrics,
  assertOptionTable,
  assertThrottleStatus,
  type Clock,
  createTelemetry,
  type DeadlineOptions,
  GateproofOptionsError,
  type Integration,
  isObject,
  type NumberRange,
  type OptionAssertion,
  type OptionCheck,
  type OptionChecks,
  type ProxyEvent,
  setsNothing,
  systemClock,
  type Telemetry,
  type TelemetryOptions,
} from '@gateproof/core'
import type { Limiter, Priority, PriorityShares } from './limiter.js'
import { resolveShares } from './priority.js'
import { PKG } from './rejection.js'
import { assertShares } from './validate.js'

export interface DeadlinePolicyOptions {
  /** Refuse when less than this is left before the request's deadline (ms). Default 250. */
  minRemainingMs?: number
  /** Also refuse when less is left than the predicted service time of the request's key. Default true. */
  predict?: boolean
  /** Percentile of recent durations the prediction tracks, 0 < p ≤ 1. Default 0.9. */
  percentile?: number
  /** Keys whose service time is tracked at once; the oldest is forgotten past it. Default 100. */
  maxKeys?: number
}

export interface AdaptivePolicyOptions {
  /** `gradient2` (latency gradient, Netflix concurrency-limits) or `aimd`. Default `gradient2`. */
  algorithm?: 'gradient2' | 'aimd'
  /** Default 20. */
  initialLimit?: number
  /** Default 5. */
  minLimit?: number
  /** Default 200. */
  maxLimit?: number
  /** gradient2: latency may exceed its long-term average by this factor before the limit shrinks. Default 1.5. */
  tolerance?: number
  /** gradient2: weight of each new limit in the smoothed limit, 0–1. Default 0.2. */
  smoothing?: number
  /** aimd: multiplier applied after a timeout or slow request, 0–1. Default 0.9. */
  backoffRatio?: number
  /** aimd: a request slower than this counts as a timeout (ms). Default 5000. */
  latencyThresholdMs?: number
}

export interface EventLoopPolicyOptions {
  /** Refuse while the p99 event-loop delay exceeds this (ms) on a busy loop. Default 100. */
  maxDelayMs?: number
  /** Also refuse while event-loop utilisation exceeds this, 0–1. Default: not checked. */
  maxUtilization?: number
  /** How often the reading is refreshed, at most (ms). Default 250. */
  sampleIntervalMs?: number
}

export interface LoadShedderOptions<TEvent = ProxyEvent> extends TelemetryOptions {
  /**
   * The front door; `auto` (default) detects it from each event and steps aside (admits
   * without counting) for an event from none of them (SQS, EventBridge, a warmer…).
   */
  integration?: 'auto' | Integration
  /** Status of a refusal. Default 429. */
  status?: 429 | 503
  /** Decide, log and count, but admit every request. Default false. */
  dryRun?: boolean
  /** Refuse requests that would end past their deadline. Default on; `false` turns it off. */
  deadline?: boolean | DeadlinePolicyOptions
  /** Static cap on requests in flight in this process / worker thread. Default: none. */
  inFlight?: number
  /** A concurrency limit that adapts to latency. Default: off. */
  adaptive?: boolean | AdaptivePolicyOptions
  /** Refuse while the event loop is overloaded. Default: off. */
  eventLoop?: boolean | EventLoopPolicyOptions
  /** A shared or in-memory limit consulted after the local policies. */
  limiter?: Limiter
  /** The request's priority; lower priorities are refused first. Default: every request `normal`. */
  priority?: (event: TEvent) => Priority
  /**
   * Share of each local limit (inFlight, adaptive) per priority. Default critical 1,
   * normal 0.95, sheddable 0.8 when `priority` is set; without it every request is `normal`
   * and may use the whole limit. A limiter applies its own shares.
   */
  shares?: Partial<PriorityShares>
  /** Partition of the limiter and of service-time predictions. Default: the route (see README). */
  key?: (event: TEvent) => string
  /** Units of the limiter's rate this request uses (e.g. a batch of 10 → 10). Default 1. */
  cost?: (event: TEvent) => number
  /** Used only when no timeout guard has set the request's deadline (see `computeDeadline`). */
  integrationTimeoutMs?: number | null
  /** Used only when no timeout guard has set the request's deadline. Default 500. */
  marginMs?: number
  /** `Retry-After` is stretched by a random share of up to this, 0–1. Default 0.5. */
  jitter?: number
  clock?: Clock
}

export interface ResolvedDeadlinePolicy {
  minRemainingMs: number
  predict: boolean
  percentile: number
  maxKeys: number
}

export interface ResolvedAdaptivePolicy {
  algorithm: 'gradient2' | 'aimd'
  initialLimit: number
  minLimit: number
  maxLimit: number
  tolerance: number
  smoothing: number
  backoffRatio: number
  latencyThresholdMs: number
}

export interface ResolvedEventLoopPolicy {
  maxDelayMs: number
  maxUtilization: number | undefined
  sampleIntervalMs: number
}

export interface ResolvedOptions<TEvent> {
  integration: Integration | undefined
  status: 429 | 503
  dryRun: boolean
  deadline: ResolvedDeadlinePolicy | undefined
  inFlight: number | undefined
  adaptive: ResolvedAdaptivePolicy | undefined
  eventLoop: ResolvedEventLoopPolicy | undefined
  limiter: Limiter | undefined
  priority: ((event: TEvent) => Priority) | undefined
  shares: PriorityShares
  key: ((event: TEvent) => string) | undefined
  cost: ((event: TEvent) => number) | undefined
  deadlineOptions: DeadlineOptions
  jitter: number
  clock: Clock
  telemetry: Telemetry
}

// Reserving headroom for priorities nobody assigns would only waste it.
const UNPRIORITISED_SHARES: PriorityShares = { critical: 1, normal: 1, sheddable: 1 }

const DEADLINE_DEFAULTS: ResolvedDeadlinePolicy = {
  minRemainingMs: 250,
  predict: true,
  percentile: 0.9,
  maxKeys: 100,
}

const ADAPTIVE_DEFAULTS: ResolvedAdaptivePolicy = {
  algorithm: 'gradient2',
  initialLimit: 20,
  minLimit: 5,
  maxLimit: 200,
  tolerance: 1.5,
  smoothing: 0.2,
  backoffRatio: 0.9,
  latencyThresholdMs: 5000,
}

const EVENT_LOOP_DEFAULTS: ResolvedEventLoopPolicy = {
  maxDelayMs: 100,
  maxUtilization: undefined,
  sampleIntervalMs: 250,
}

/** Validates every option once, when the middleware is built, and fills in the defaults. */
export function resolveOptions<TEvent>(
  options: LoadShedderOptions<TEvent>,
): ResolvedOptions<TEvent> {
  // Options that set nothing (the preset's default) have nothing to check.
  if (!setsNothing(options, OPTION_KEYS)) {
    assertOptionTable(PKG, options, checks(), undefined, OPTION_KEYS)
  }
  const integration =
    options.integration === undefined || options.integration === 'auto'
      ? undefined
      : options.integration
  const deadlineOptions: DeadlineOptions = { clock: options.clock ?? systemClock }
  if (integration !== undefined) deadlineOptions.integration = integration
  if (options.integrationTimeoutMs !== undefined) {
    deadlineOptions.integrationTimeoutMs = options.integrationTimeoutMs
  }
  if (options.marginMs !== undefined) deadlineOptions.marginMs = options.marginMs

  return {
    integration,
    status: options.status ?? 429,
    dryRun: options.dryRun ?? false,
    deadline:
      options.deadline === undefined ? DEADLINE_DEFAULTS : resolveDeadline(options.deadline),
    inFlight: options.inFlight,
    adaptive: options.adaptive === undefined ? undefined : resolveAdaptive(options.adaptive),
    eventLoop: options.eventLoop === undefined ? undefined : resolveEventLoop(options.eventLoop),
    limiter: options.limiter,
    priority: options.priority,
    shares:
      options.priority === undefined && options.shares === undefined
        ? UNPRIORITISED_SHARES
        : resolveShares(options.shares),
    key: options.key,
    cost: options.cost,
    deadlineOptions,
    jitter: options.jitter ?? 0.5,
    clock: options.clock ?? systemClock,
    telemetry: createTelemetry(PKG, { metrics: options.metrics, logger: options.logger }),
  }
}

function resolveDeadline(
  value: LoadShedderOptions['deadline'],
): ResolvedDeadlinePolicy | undefined {
  if (value === false) return undefined
  if (value === undefined || value === true) return DEADLINE_DEFAULTS
  return { ...DEADLINE_DEFAULTS, ...definedOnly(value) }
}

function resolveAdaptive(
  value: LoadShedderOptions['adaptive'],
): ResolvedAdaptivePolicy | undefined {
  if (value === undefined || value === false) return undefined
  if (value === true) return ADAPTIVE_DEFAULTS
  const resolved: ResolvedAdaptivePolicy = { ...ADAPTIVE_DEFAULTS, ...definedOnly(value) }
  const { minLimit, initialLimit, maxLimit } = resolved
  if (!(minLimit <= initialLimit && initialLimit <= maxLimit)) {
    throw new GateproofOptionsError(
      PKG,
      `option "adaptive" needs minLimit ≤ initialLimit ≤ maxLimit, got ${minLimit}, ${initialLimit}, ${maxLimit}`,
      { option: 'adaptive' },
    )
  }
  return resolved
}

function resolveEventLoop(
  value: LoadShedderOptions['eventLoop'],
): ResolvedEventLoopPolicy | undefined {
  if (value === undefined || value === false) return undefined
  if (value === true) return EVENT_LOOP_DEFAULTS
  return { ...EVENT_LOOP_DEFAULTS, ...definedOnly(value) }
}

/** A policy option: `true`, `false`, or the policy's own options checked by `checks`. */
function policy(checks: OptionChecks): OptionAssertion {
  return (pkg, name, value) => {
    if (value !== undefined && typeof value !== 'boolean')
      assertOptionTable(pkg, value, checks, name)
  }
}

const OPTION_KEYS = [
  'integration',
  'status',
  'dryRun',
  'deadline',
  'inFlight',
  'adaptive',
  'eventLoop',
  'limiter',
  'priority',
  'shares',
  'key',
  'cost',
  'integrationTimeoutMs',
  'marginMs',
  'jitter',
  'clock',
  'metrics',
  'logger',
] as const

/**
 * Every option's check, in the order they were checked before the table (issue 18: with
 * several options wrong, the same one is reported): the top-level options, then the policies,
 * each read only then. Built only when options are checked: built at import, the table would
 * cost a cold start more than its code saves (issue 18).
 */
function checks(): Record<(typeof OPTION_KEYS)[number], OptionCheck> {
  const limit: NumberRange = { min: 1, max: 1e6, integer: true }
  const upToLambdaLimit: NumberRange = { min: 1, max: 900_000 }
  const adaptive = policy({
    algorithm: ['gradient2', 'aimd'],
    initialLimit: limit,
    minLimit: limit,
    maxLimit: limit,
    tolerance: { min: 1, max: 100 },
    smoothing: { min: 0.001, max: 1 },
    backoffRatio: { min: 0.01, max: 0.999 },
    latencyThresholdMs: upToLambdaLimit,
  })
  return {
    integration: assertIntegration,
    metrics: assertMetrics,
    logger: assertLogger,
    status: assertThrottleStatus,
    dryRun: assertBoolean,
    inFlight: limit,
    priority: assertFunction,
    key: assertFunction,
    cost: assertFunction,
    shares: assertShares,
    integrationTimeoutMs: { ...upToLambdaLimit, nullable: true },
    marginMs: { min: 0, max: 60_000 },
    jitter: { min: 0, max: 1 },
    limiter: assertLimiter,
    clock: assertClock,
    deadline: policy({
      minRemainingMs: { min: 0, max: 900_000 },
      predict: assertBoolean,
      percentile: { min: 0.01, max: 1 },
      maxKeys: { min: 1, max: 100_000, integer: true },
    }),
    adaptive: (pkg, name, value) => {
      adaptive(pkg, name, value)
      // Its limits' order before the event-loop policy is checked, as before the table.
      resolveAdaptive(value as LoadShedderOptions['adaptive'])
    },
    eventLoop: policy({
      maxDelayMs: { min: 1, max: 60_000 },
      maxUtilization: { min: 0.01, max: 1 },
      sampleIntervalMs: { min: 1, max: 60_000 },
    }),
  }
}

function assertLimiter(pkg: string, name: string, value: unknown): void {
  if (value === undefined) return
  if (isObject(value) && typeof value.acquire === 'function' && typeof value.name === 'string')
    return
  throw new GateproofOptionsError(
    pkg,
    'option "limiter" must implement Limiter: { name: string, acquire(request) }',
    { option: name },
  )
}

function assertClock(pkg: string, name: string, value: unknown): void {
  if (value !== undefined && typeof (value as Clock | null)?.now !== 'function') {
    throw new GateproofOptionsError(pkg, 'option "clock" must have a now() method', {
      option: name,
    })
  }
}

const definedOnly = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
