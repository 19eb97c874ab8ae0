import {
  assertBoolean,
  assertFunction,
  assertKnownOptions,
  assertNumber,
  assertOneOf,
  assertTelemetryOptions,
  type Clock,
  createTelemetry,
  type DeadlineOptions,
  GateproofOptionsError,
  INTEGRATIONS,
  type Integration,
  isObject,
  type ProxyEvent,
  setsNothing,
  systemClock,
  type Telemetry,
  type TelemetryOptions,
} from '@gateproof/core'
import type { Limiter, Priority, PriorityShares } from './limiter.js'
import { resolveShares } from './priority.js'
import { PKG } from './rejection.js'
import { assertNestedOptions, assertShares } from './validate.js'

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
  if (!setsNothing(options, OPTION_KEYS)) assertOptions(options)
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

function assertOptions<TEvent>(options: LoadShedderOptions<TEvent>): void {
  // Passed as `unknown` so the assertion does not narrow the typed options to a record.
  assertKnownOptions(PKG, options as unknown, OPTION_KEYS)
  assertOneOf<string>(PKG, 'integration', options.integration, ['auto', ...INTEGRATIONS])
  assertTelemetryOptions(PKG, options)
  assertStatus(options.status)
  assertBoolean(PKG, 'dryRun', options.dryRun)
  assertNumber(PKG, 'inFlight', options.inFlight, { min: 1, max: 1e6, integer: true })
  assertFunction(PKG, 'priority', options.priority)
  assertFunction(PKG, 'key', options.key)
  assertFunction(PKG, 'cost', options.cost)
  assertShares(PKG, 'shares', options.shares)
  if (options.integrationTimeoutMs !== null) {
    assertNumber(PKG, 'integrationTimeoutMs', options.integrationTimeoutMs, {
      min: 1,
      max: 900_000,
    })
  }
  assertNumber(PKG, 'marginMs', options.marginMs, { min: 0, max: 60_000 })
  assertNumber(PKG, 'jitter', options.jitter, { min: 0, max: 1 })
  assertLimiter(options.limiter)
  if (options.clock !== undefined && typeof options.clock?.now !== 'function') {
    throw new GateproofOptionsError(PKG, 'option "clock" must have a now() method', {
      option: 'clock',
    })
  }
}

function resolveDeadline(
  value: LoadShedderOptions['deadline'],
): ResolvedDeadlinePolicy | undefined {
  if (value === false) return undefined
  if (value === undefined || value === true) return DEADLINE_DEFAULTS
  assertNestedOptions(PKG, 'deadline', value, Object.keys(DEADLINE_DEFAULTS))
  assertNumber(PKG, 'deadline.minRemainingMs', value.minRemainingMs, { min: 0, max: 900_000 })
  assertBoolean(PKG, 'deadline.predict', value.predict)
  assertNumber(PKG, 'deadline.percentile', value.percentile, { min: 0.01, max: 1 })
  assertNumber(PKG, 'deadline.maxKeys', value.maxKeys, { min: 1, max: 100_000, integer: true })
  return { ...DEADLINE_DEFAULTS, ...definedOnly(value) }
}

function resolveAdaptive(
  value: LoadShedderOptions['adaptive'],
): ResolvedAdaptivePolicy | undefined {
  if (value === undefined || value === false) return undefined
  if (value === true) return ADAPTIVE_DEFAULTS
  assertNestedOptions(PKG, 'adaptive', value, Object.keys(ADAPTIVE_DEFAULTS))
  assertOneOf(PKG, 'adaptive.algorithm', value.algorithm, ['gradient2', 'aimd'])
  const limit = { min: 1, max: 1e6, integer: true }
  assertNumber(PKG, 'adaptive.initialLimit', value.initialLimit, limit)
  assertNumber(PKG, 'adaptive.minLimit', value.minLimit, limit)
  assertNumber(PKG, 'adaptive.maxLimit', value.maxLimit, limit)
  assertNumber(PKG, 'adaptive.tolerance', value.tolerance, { min: 1, max: 100 })
  assertNumber(PKG, 'adaptive.smoothing', value.smoothing, { min: 0.001, max: 1 })
  assertNumber(PKG, 'adaptive.backoffRatio', value.backoffRatio, { min: 0.01, max: 0.999 })
  assertNumber(PKG, 'adaptive.latencyThresholdMs', value.latencyThresholdMs, {
    min: 1,
    max: 900_000,
  })
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
  assertNestedOptions(PKG, 'eventLoop', value, Object.keys(EVENT_LOOP_DEFAULTS))
  assertNumber(PKG, 'eventLoop.maxDelayMs', value.maxDelayMs, { min: 1, max: 60_000 })
  assertNumber(PKG, 'eventLoop.maxUtilization', value.maxUtilization, { min: 0.01, max: 1 })
  assertNumber(PKG, 'eventLoop.sampleIntervalMs', value.sampleIntervalMs, { min: 1, max: 60_000 })
  return { ...EVENT_LOOP_DEFAULTS, ...definedOnly(value) }
}

function assertStatus(value: unknown): void {
  if (value === undefined || value === 429 || value === 503) return
  throw new GateproofOptionsError(PKG, `option "status" must be 429 or 503, got ${String(value)}`, {
    option: 'status',
  })
}

function assertLimiter(value: unknown): asserts value is Limiter | undefined {
  if (value === undefined) return
  if (isObject(value) && typeof value.acquire === 'function' && typeof value.name === 'string')
    return
  throw new GateproofOptionsError(
    PKG,
    'option "limiter" must implement Limiter: { name: string, acquire(request) }',
    { option: 'limiter' },
  )
}

const definedOnly = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
