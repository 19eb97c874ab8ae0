import type { Logger } from '@aws-lambda-powertools/logger'
import type { Metrics } from '@aws-lambda-powertools/metrics'

export interface TelemetryOptions {
  /** A Powertools `Metrics` instance; gateproof's metrics go out as single-metric EMF lines. */
  metrics?: Metrics
  /** A Powertools `Logger` instance for gateproof's structured log lines. */
  logger?: Logger
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

/** Metric dimensions; numbers (a status code) are written as strings. */
export type Dimensions = Readonly<Record<string, string | number | undefined>>

export interface Telemetry {
  readonly hasMetrics: boolean
  readonly hasLogger: boolean
  /**
   * One EMF line with one `Count` metric; dimensions must be bounded values
   * (status code, error type, reason, integration). Undefined or empty values are left out.
   */
  count(name: string, dimensions: Dimensions, value?: number): void
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void
}

/**
 * gateproof's voice: silent without instances, and never throws into the request
 * path. Metrics go through a single-metric emitter so the user's own buffer is never
 * flushed or polluted by gateproof's.
 *
 * The emitter is made once, at the first metric, and reused: Powertools builds a new
 * `Metrics` and `Console` for every `singleMetric()` call (~50 µs), and a single-metric
 * instance clears its dimensions after each line anyway. It carries the namespace and
 * default dimensions the user's instance has at that first metric.
 */
export function createTelemetry(pkg: string, options: TelemetryOptions = {}): Telemetry {
  const { metrics, logger } = options
  let emitter: Metrics | undefined
  return {
    hasMetrics: metrics !== undefined,
    hasLogger: logger !== undefined,
    count(name, dimensions, value = 1) {
      if (!metrics) return
      try {
        emitter ??= metrics.singleMetric()
        const single = emitter
        for (const [key, dimensionValue] of Object.entries(dimensions)) {
          if (dimensionValue === undefined || dimensionValue === '') continue
          single.addDimension(key, String(dimensionValue))
        }
        single.addMetric(name, 'Count', value)
      } catch (error) {
        // A half-built line must not leak its dimensions into the next one.
        emitter = undefined
        reportTelemetryFailure(logger, pkg, 'metric', error)
      }
    },
    log(level, message, fields) {
      if (!logger) return
      try {
        logger[level](message, { package: pkg, ...fields })
      } catch (error) {
        reportTelemetryFailure(undefined, pkg, 'log', error)
      }
    },
  }
}

function reportTelemetryFailure(
  logger: Logger | undefined,
  pkg: string,
  what: string,
  error: unknown,
): void {
  try {
    if (logger) logger.warn(`gateproof could not emit a ${what}`, { package: pkg, error })
    else process.emitWarning(`gateproof could not emit a ${what}: ${String(error)}`, { code: pkg })
  } catch {
    // Telemetry about telemetry failing must not fail the request either.
  }
}

export const SILENT: Telemetry = createTelemetry('@gateproof/core')
