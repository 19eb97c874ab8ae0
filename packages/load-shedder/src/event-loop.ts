import type { EventLoopUtilization } from 'node:perf_hooks'

/** Where the monitor reads event-loop health; tests substitute their own. */
export interface EventLoopSource {
  /** The p99 event-loop delay since the last reset, in ms. */
  delayMs(): number
  /** The share of time the loop was busy since the last reset, 0–1. */
  utilization(): number
  reset(): void
}

export interface EventLoopOptions {
  /** Overloaded when the p99 delay over a sample window exceeds this (ms). */
  maxDelayMs: number
  /** Also overloaded when utilisation over a sample window exceeds this (0–1). */
  maxUtilization: number | undefined
  /** How often the reading is refreshed, at most (ms). */
  sampleIntervalMs: number
}

export interface EventLoopReading {
  overloaded: boolean
  delayMs: number
  utilization: number
}

/**
 * A delay only counts when the loop was also busy for at least this share of the window:
 * an idle loop that was frozen between invocations (standard Lambda) or simply waited
 * shows one huge "delay" on thaw, but a near-zero utilisation.
 */
export const BUSY_UTILIZATION = 0.5

const HISTOGRAM_RESOLUTION_MS = 10

/**
 * A real source: one `monitorEventLoopDelay` histogram (its timer never keeps the process alive).
 *
 * `node:perf_hooks` is loaded here, when an event-loop policy is built, not when the package
 * is imported: it brings eleven internal Node modules (~5 M instructions at cold start) that
 * a shedder without this policy never uses.
 */
export function perfHooksSource(): EventLoopSource {
  const { monitorEventLoopDelay, performance } = process.getBuiltinModule('node:perf_hooks')
  const histogram = monitorEventLoopDelay({ resolution: HISTOGRAM_RESOLUTION_MS })
  histogram.enable()
  let since: EventLoopUtilization = performance.eventLoopUtilization()
  return {
    delayMs: () => (histogram.count === 0 ? 0 : histogram.percentile(99) / 1e6),
    utilization: () => performance.eventLoopUtilization(since).utilization,
    reset() {
      histogram.reset()
      since = performance.eventLoopUtilization()
    },
  }
}

/**
 * Event-loop health, re-read lazily: a request arriving within `sampleIntervalMs` of the
 * last reading reuses it, so the admit decision is a comparison.
 */
export class EventLoopMonitor {
  readonly #options: EventLoopOptions
  readonly #source: EventLoopSource
  #readAt: number
  #reading: EventLoopReading = { overloaded: false, delayMs: 0, utilization: 0 }

  constructor(options: EventLoopOptions, source: EventLoopSource, now: number) {
    this.#options = options
    this.#source = source
    this.#readAt = now
  }

  read(now: number): EventLoopReading {
    if (now - this.#readAt < this.#options.sampleIntervalMs) return this.#reading
    const delayMs = this.#source.delayMs()
    const utilization = this.#source.utilization()
    this.#source.reset()
    this.#readAt = now
    const { maxDelayMs, maxUtilization } = this.#options
    const overloaded =
      (delayMs > maxDelayMs && utilization >= BUSY_UTILIZATION) ||
      (maxUtilization !== undefined && utilization > maxUtilization)
    this.#reading = { overloaded, delayMs, utilization }
    return this.#reading
  }
}
