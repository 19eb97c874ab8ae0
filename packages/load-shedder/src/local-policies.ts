import type { Deadline } from '@gateproof/core'
import { type AdaptiveLimit, AimdLimit, Gradient2Limit } from './adaptive-limit.js'
import { EventLoopMonitor, perfHooksSource } from './event-loop.js'
import type { Priority, PriorityShares } from './limiter.js'
import type {
  ResolvedAdaptivePolicy,
  ResolvedDeadlinePolicy,
  ResolvedEventLoopPolicy,
} from './options.js'
import { allowance } from './priority.js'
import type { Refusal } from './rejection.js'
import { ServiceTimeEstimator } from './service-time.js'
import { InFlightSlots } from './slots.js'

/** A deadline refusal is about this request's age, not the service's load: retry soon. */
const DEADLINE_RETRY_MS = 1000
/** The wait suggested before any duration has been observed. */
const DEFAULT_RETRY_MS = 1000
const MEAN_SMOOTHING = 0.2

export interface LocalPolicyConfig {
  deadline: ResolvedDeadlinePolicy | undefined
  inFlight: number | undefined
  adaptive: ResolvedAdaptivePolicy | undefined
  eventLoop: ResolvedEventLoopPolicy | undefined
  shares: PriorityShares
}

/**
 * The policies decided in this process, and what they learn from finished requests. One
 * instance per `loadShedder()` call: module scope in a Lambda function, shared by the
 * concurrent requests of a Managed Instances worker thread.
 */
export class LocalPolicies {
  readonly slots = new InFlightSlots()
  readonly #config: LocalPolicyConfig
  readonly #serviceTime: ServiceTimeEstimator | undefined
  readonly #adaptive: AdaptiveLimit | undefined
  readonly #eventLoop: EventLoopMonitor | undefined
  readonly #onReclaim: (reclaimed: number) => void
  /** EWMA of all durations: how long until a concurrency slot frees up. */
  #meanServiceMs: number | undefined
  /** Whether a concurrency limit may refuse, the only reader of `#meanServiceMs`. */
  readonly #limitsConcurrency: boolean

  constructor(config: LocalPolicyConfig, now: number, onReclaim: (reclaimed: number) => void) {
    this.#config = config
    this.#onReclaim = onReclaim
    this.#serviceTime = config.deadline?.predict
      ? new ServiceTimeEstimator(config.deadline)
      : undefined
    this.#adaptive = config.adaptive ? adaptiveLimit(config.adaptive) : undefined
    this.#eventLoop = config.eventLoop
      ? new EventLoopMonitor(config.eventLoop, perfHooksSource(), now)
      : undefined
    this.#limitsConcurrency = config.inFlight !== undefined || this.#adaptive !== undefined
  }

  /**
   * Whether any policy uses what finished requests teach (predicted service time, the
   * adaptive limit, the retry hint of a concurrency refusal); when none does, a finished
   * request need not even be timed.
   */
  get learns(): boolean {
    return (
      this.#serviceTime !== undefined ||
      this.#adaptive !== undefined ||
      this.#config.inFlight !== undefined
    )
  }

  get adaptiveLimit(): number | undefined {
    return this.#adaptive?.limit
  }

  /** The first policy that refuses, cheapest first; `undefined` admits. */
  refuse(now: number, deadline: Deadline, key: string, priority: Priority): Refusal | undefined {
    const { deadline: deadlinePolicy, inFlight, eventLoop } = this.#config
    if (deadlinePolicy) {
      const remaining = deadline.at - now
      if (remaining < deadlinePolicy.minRemainingMs) {
        return {
          reason: 'deadline',
          retryAfterMs: DEADLINE_RETRY_MS,
          limit: deadlinePolicy.minRemainingMs,
        }
      }
      const predicted = this.#serviceTime?.predict(key)
      if (predicted !== undefined && remaining < predicted) {
        return { reason: 'deadline', retryAfterMs: DEADLINE_RETRY_MS, limit: Math.round(predicted) }
      }
    }
    if (inFlight !== undefined) {
      const refusal = this.#concurrency('in-flight', inFlight, priority, now)
      if (refusal) return refusal
    }
    if (this.#adaptive) {
      const refusal = this.#concurrency('adaptive', this.#adaptive.limit, priority, now)
      if (refusal) return refusal
    }
    if (this.#eventLoop && eventLoop) {
      const reading = this.#eventLoop.read(now)
      if (reading.overloaded) {
        return {
          reason: 'event-loop',
          retryAfterMs: Math.max(DEFAULT_RETRY_MS, reading.delayMs),
          limit: eventLoop.maxDelayMs,
        }
      }
    }
    return undefined
  }

  /** Feeds a finished request's duration to the service-time and adaptive estimates. */
  learn(key: string, durationMs: number, inFlight: number, dropped: boolean): void {
    this.#serviceTime?.record(key, durationMs)
    // Kept only where a refusal reads it: it is a new number for V8 each time.
    if (this.#limitsConcurrency) {
      this.#meanServiceMs =
        this.#meanServiceMs === undefined
          ? durationMs
          : this.#meanServiceMs + MEAN_SMOOTHING * (durationMs - this.#meanServiceMs)
    }
    this.#adaptive?.update({ durationMs, inFlight, dropped })
  }

  /** Frees slots past their deadline; returns how many. */
  reclaim(now: number): number {
    const freed = this.slots.reclaimExpired(now)
    if (freed > 0) this.#onReclaim(this.slots.reclaimed)
    return freed
  }

  #concurrency(
    reason: 'in-flight' | 'adaptive',
    limit: number,
    priority: Priority,
    now: number,
  ): Refusal | undefined {
    const cap = allowance(limit, priority, this.#config.shares)
    if (this.slots.count < cap) return undefined
    // Only a request about to be refused pays for looking for slots nobody released.
    this.reclaim(now)
    if (this.slots.count < cap) return undefined
    return { reason, retryAfterMs: this.#meanServiceMs ?? DEFAULT_RETRY_MS, limit: cap }
  }
}

function adaptiveLimit(options: ResolvedAdaptivePolicy): AdaptiveLimit {
  return options.algorithm === 'aimd' ? new AimdLimit(options) : new Gradient2Limit(options)
}
