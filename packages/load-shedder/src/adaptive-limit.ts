/** One finished request, as the adaptive limit learns from it. */
export interface LatencySample {
  /** How long the request held its slot, in ms. */
  durationMs: number
  /** Requests in flight when it was admitted (itself included). */
  inFlight: number
  /** It ended in a timeout (or was otherwise dropped): a sign of overload. */
  dropped: boolean
}

/** A concurrency limit that moves with observed latency. */
export interface AdaptiveLimit {
  /** The current limit, a whole number within the configured bounds. */
  readonly limit: number
  update(sample: LatencySample): void
}

export interface Gradient2Options {
  initialLimit: number
  minLimit: number
  maxLimit: number
  /** How much the short-term latency may exceed the long-term one before the limit shrinks. */
  tolerance: number
  /** Weight of each new limit in the smoothed limit. */
  smoothing: number
}

// Netflix concurrency-limits' Gradient2 constants: a 600-sample long-term average after a
// 10-sample warm-up, and 4 slots of headroom added on every update.
const LONG_WINDOW = 600
const WARMUP_SAMPLES = 10
const QUEUE_SIZE = 4
// Clock readings are whole milliseconds: a floor keeps sub-millisecond handlers from
// producing 0/0 or wild short/long ratios out of rounding noise.
const MIN_DURATION_MS = 1

/**
 * Gradient2 (Netflix concurrency-limits): compares the latest latency with a long-term
 * average; while latency stays within `tolerance` of it the limit grows by the queue
 * allowance, when latency rises the limit shrinks in proportion (at most by half per update).
 */
export class Gradient2Limit implements AdaptiveLimit {
  #estimate: number
  #longTermMs = 0
  #samples = 0
  readonly #options: Gradient2Options

  constructor(options: Gradient2Options) {
    this.#options = options
    this.#estimate = options.initialLimit
  }

  get limit(): number {
    return Math.floor(this.#estimate)
  }

  update({ durationMs, inFlight }: LatencySample): void {
    const shortTerm = Math.max(MIN_DURATION_MS, durationMs)
    const longTerm = this.#addLongTerm(shortTerm)
    // Latency back to normal after a long overload: let the long-term average catch up.
    if (longTerm / shortTerm > 2) this.#longTermMs *= 0.95
    // An under-used limit says nothing about capacity.
    if (inFlight < this.#estimate / 2) return
    const { tolerance, smoothing, minLimit, maxLimit } = this.#options
    const gradient = Math.max(0.5, Math.min(1, (tolerance * longTerm) / shortTerm))
    const target = this.#estimate * gradient + QUEUE_SIZE
    const smoothed = this.#estimate * (1 - smoothing) + target * smoothing
    this.#estimate = Math.max(minLimit, Math.min(maxLimit, smoothed))
  }

  #addLongTerm(sample: number): number {
    if (this.#samples < WARMUP_SAMPLES) {
      this.#samples++
      this.#longTermMs += (sample - this.#longTermMs) / this.#samples
    } else {
      const factor = 2 / (LONG_WINDOW + 1)
      this.#longTermMs = this.#longTermMs * (1 - factor) + sample * factor
    }
    return this.#longTermMs
  }
}

export interface AimdOptions {
  initialLimit: number
  minLimit: number
  maxLimit: number
  /** Multiplier applied on a drop or a slow request. */
  backoffRatio: number
  /** A request slower than this counts as a drop. */
  latencyThresholdMs: number
}

/**
 * Additive increase, multiplicative decrease: +1 after a good request that used at least
 * half the limit, × `backoffRatio` after a timeout or a request over the latency threshold.
 */
export class AimdLimit implements AdaptiveLimit {
  #estimate: number
  readonly #options: AimdOptions

  constructor(options: AimdOptions) {
    this.#options = options
    this.#estimate = options.initialLimit
  }

  get limit(): number {
    return Math.floor(this.#estimate)
  }

  update({ durationMs, inFlight, dropped }: LatencySample): void {
    const { minLimit, maxLimit, backoffRatio, latencyThresholdMs } = this.#options
    if (dropped || durationMs > latencyThresholdMs) {
      this.#estimate = Math.max(minLimit, this.#estimate * backoffRatio)
    } else if (inFlight * 2 >= this.#estimate) {
      this.#estimate = Math.min(maxLimit, this.#estimate + 1)
    }
  }
}
