/** Samples per window; the window's percentile is folded into the estimate when it fills. */
export const SERVICE_TIME_WINDOW = 20
/** Weight of the newest window's percentile in the estimate. */
export const SERVICE_TIME_SMOOTHING = 0.3

interface KeyEstimate {
  readonly window: Float64Array
  filled: number
  estimateMs: number | undefined
}

export interface ServiceTimeOptions {
  /** Which percentile of handler durations to predict, 0 < p ≤ 1. */
  percentile: number
  /** Keys tracked at once; the oldest key is forgotten when a new one arrives. */
  maxKeys: number
}

/**
 * Predicts how long a request of a key will take: an EWMA of a high percentile of recent
 * durations. Recording is O(1) amortised (a 20-sample sort once per 20 samples) and
 * predicting is one map lookup, so the admit decision stays cheap.
 */
export class ServiceTimeEstimator {
  readonly #keys = new Map<string, KeyEstimate>()
  /**
   * The entry of the key asked last: a function mostly serves one route, and every admitted
   * request asks for its key twice (the prediction, then the duration), so comparing with the
   * last key (the same string, from the memoized route key) saves two map lookups a request.
   */
  #lastKey: string | undefined
  #lastEntry: KeyEstimate | undefined
  readonly #rank: number
  readonly #maxKeys: number

  constructor({ percentile, maxKeys }: ServiceTimeOptions) {
    this.#rank =
      Math.min(SERVICE_TIME_WINDOW, Math.max(1, Math.ceil(percentile * SERVICE_TIME_WINDOW))) - 1
    this.#maxKeys = maxKeys
  }

  /** The predicted duration in ms, or `undefined` until a first window has filled. */
  predict(key: string): number | undefined {
    return this.#entry(key)?.estimateMs
  }

  // The usual answer alone, small enough for V8 to inline where it is asked.
  #entry(key: string): KeyEstimate | undefined {
    return key === this.#lastKey ? this.#lastEntry : this.#lookUp(key)
  }

  #lookUp(key: string): KeyEstimate | undefined {
    const entry = this.#keys.get(key)
    if (entry !== undefined) {
      this.#lastKey = key
      this.#lastEntry = entry
    }
    return entry
  }

  record(key: string, durationMs: number): void {
    let entry = this.#entry(key)
    if (entry === undefined) {
      if (this.#keys.size >= this.#maxKeys) {
        const oldest = this.#keys.keys().next()
        if (!oldest.done) this.#keys.delete(oldest.value)
      }
      entry = { window: new Float64Array(SERVICE_TIME_WINDOW), filled: 0, estimateMs: undefined }
      this.#keys.set(key, entry)
      this.#lastKey = key
      this.#lastEntry = entry
    }
    entry.window[entry.filled++] = durationMs
    if (entry.filled < SERVICE_TIME_WINDOW) return
    entry.window.sort()
    const windowPercentile = entry.window[this.#rank] as number
    entry.estimateMs =
      entry.estimateMs === undefined
        ? windowPercentile
        : entry.estimateMs + SERVICE_TIME_SMOOTHING * (windowPercentile - entry.estimateMs)
    entry.filled = 0
  }

  get size(): number {
    return this.#keys.size
  }
}
