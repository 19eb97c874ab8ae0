import type { Logger } from '@aws-lambda-powertools/logger'
import type { Metrics } from '@aws-lambda-powertools/metrics'
import { markSteppedAside } from './front-door.js'
import { GateproofOptionsError } from './options.js'
import { type RequestLike, requestState } from './request-state.js'

export interface TelemetryOptions {
  /** A Powertools `Metrics` instance; gateproof's metrics go out as single-metric EMF lines. */
  metrics?: Metrics
  /**
   * A Powertools `Logger` instance for gateproof's structured log lines. Without one, each
   * 5xx still writes one JSON line to `console.error` (H6); `false` silences even that.
   */
  logger?: Logger | false
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
  /**
   * The one log line of a failed request (H7): written by the first part that reports the
   * failure, skipped by every later one. Without a Logger a 5xx (`status` ≥ 500) goes to
   * `console.error` as one JSON line (H6), unless `logger: false`. Fields must be plain
   * data (describe thrown values with `describeThrown`).
   */
  logFailure(
    request: RequestLike,
    level: LogLevel,
    message: string,
    fields: Record<string, unknown> & { statusCode: number },
  ): void
  /** H2: notes once per request, at debug, that gateproof stepped aside for its event. */
  stepAside(request: RequestLike): void
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
 *
 * Each set of dimension values seen gets its own emitter (derived from that first one, up
 * to `MAX_EMITTERS`) holding them as default dimensions, so a metric is one `addMetric`:
 * the dimensions are bounded by design (status, error type, reason, integration), and
 * Powertools' `addDimension` costs ~0.6 µs each (two invocation-store reads of
 * `process.env` and two copies of the dimension maps per call). The line is the same:
 * Powertools writes default dimensions first, in the order given, and ours come after
 * the user's own defaults either way. (One difference: a user default dimension with the
 * same name as one of ours draws Powertools' "already added" warning once per emitter
 * rather than once per metric; the line itself is the same.)
 */
export function createTelemetry(pkg: string, options: TelemetryOptions = {}): Telemetry {
  const { metrics } = options
  const logger = options.logger === false ? undefined : options.logger
  const consoleFallback = options.logger !== false
  let emitter: Metrics | undefined
  // The emitters made so far, found by walking the dimension names and values in order.
  let emitters = new DimensionNode()
  let emitterCount = 0
  /** The emitter for one set of dimensions: cached, or (past the cap) the first one with them added. */
  function emitterFor(first: Metrics, dimensions: Dimensions): Metrics {
    // Nodes are only added while emitters may still be: past the cap a new set is a miss.
    const growing = emitterCount < MAX_EMITTERS
    let node: DimensionNode | undefined = emitters
    let empty = true
    for (const name of Object.keys(dimensions)) {
      const value = dimensions[name]
      if (value === undefined || value === '') continue
      empty = false
      if (node === undefined) continue
      node = node.child(name, typeof value === 'string' ? value : String(value), growing)
    }
    if (empty) return first
    if (node?.emitter !== undefined) return node.emitter
    const kept = keptDimensions(dimensions)
    if (node === undefined) {
      first.addDimensions(kept)
      return first
    }
    // Not chained: any 2.x Metrics (the peer range) will do.
    const made = first.singleMetric()
    made.setDefaultDimensions(kept)
    node.emitter = made
    emitterCount += 1
    return made
  }
  function log(level: LogLevel, message: string, fields?: Record<string, unknown>): void {
    if (!logger) return
    try {
      logger[level](message, { package: pkg, ...fields })
    } catch (error) {
      reportTelemetryFailure(undefined, pkg, 'log', error)
    }
  }
  return {
    hasMetrics: metrics !== undefined,
    hasLogger: logger !== undefined,
    count(name, dimensions, value = 1) {
      if (!metrics) return
      try {
        emitter ??= metrics.singleMetric()
        emitterFor(emitter, dimensions).addMetric(name, 'Count', value)
      } catch (error) {
        // A half-built line must not leak its dimensions into the next one.
        emitter = undefined
        emitters = new DimensionNode()
        emitterCount = 0
        reportTelemetryFailure(logger, pkg, 'metric', error)
      }
    },
    log,
    logFailure(request, level, message, fields) {
      const state = requestState(request)
      if (state.failureLogged) return
      // H7: later parts see it and stay quiet.
      state.failureLogged = true
      if (logger) log(level, message, fields)
      else if (consoleFallback && fields.statusCode >= 500) consoleLine(pkg, message, fields)
    },
    stepAside(request) {
      if (!markSteppedAside(request) || !logger) return
      log('debug', 'gateproof stepped aside: the event is not from an HTTP front door', {
        eventSource: eventSourceOf(request.event),
      })
    },
  }
}

/** Emitters kept per telemetry instance, one per set of dimension values (see `createTelemetry`). */
const MAX_EMITTERS = 32

/**
 * One step of a walk through dimension names and values, in order: a tree rather than one
 * map keyed by a joined string, which would be built and hashed anew on every metric.
 */
class DimensionNode {
  emitter: Metrics | undefined = undefined
  readonly #byName = new Map<string, Map<string, DimensionNode>>()

  /** The node after `name = value`; made when `make`, else `undefined` if not seen yet. */
  child(name: string, value: string, make: boolean): DimensionNode | undefined {
    let byValue = this.#byName.get(name)
    if (byValue === undefined) {
      if (!make) return undefined
      byValue = new Map()
      this.#byName.set(name, byValue)
    }
    let next = byValue.get(value)
    if (next === undefined && make) {
      next = new DimensionNode()
      byValue.set(value, next)
    }
    return next
  }
}

/** The dimensions that go on the line: as strings, undefined and empty ones left out. */
function keptDimensions(dimensions: Dimensions): Record<string, string> {
  const kept: Record<string, string> = {}
  for (const name of Object.keys(dimensions)) {
    const value = dimensions[name]
    if (value === undefined || value === '') continue
    kept[name] = String(value)
  }
  return kept
}

/**
 * H6: with no Logger, a 5xx still leaves one structured line, as Middy's
 * http-error-handler does by default; `console.error` is what Lambda ships to CloudWatch.
 */
function consoleLine(pkg: string, message: string, fields: Record<string, unknown>): void {
  try {
    let line: string
    try {
      line = JSON.stringify({ level: 'ERROR', message, package: pkg, ...fields })
    } catch {
      line = JSON.stringify({
        level: 'ERROR',
        message,
        package: pkg,
        statusCode: fields.statusCode,
      })
    }
    console.error(line)
  } catch {
    // The log line must never fail the request.
  }
}

/** A bounded word for the log line: `aws:sqs`, `aws.events`, `unknown`; never event data. */
function eventSourceOf(event: unknown): string {
  try {
    if (typeof event !== 'object' || event === null) return event === null ? 'null' : typeof event
    const record = (event as { Records?: unknown }).Records
    const first = Array.isArray(record)
      ? (record[0] as Record<string, unknown> | undefined)
      : undefined
    const source =
      first?.eventSource ?? first?.EventSource ?? (event as { source?: unknown }).source
    return typeof source === 'string' && /^[\w.:-]{1,64}$/.test(source) ? source : 'unknown'
  } catch {
    return 'unknown'
  }
}

const METRICS_METHODS = ['singleMetric', 'addMetric', 'addDimension'] as const
const LOGGER_METHODS = ['debug', 'info', 'warn', 'error'] as const

/**
 * Telemetry instances are checked when a part is built: a wrong object (a Logger class
 * instead of an instance, a plain config) fails the first cold start, not the first error.
 */
export function assertTelemetryOptions(pkg: string, options: TelemetryOptions): void {
  assertMetrics(pkg, 'metrics', options.metrics)
  assertLogger(pkg, 'logger', options.logger)
}

function hasMethods(value: unknown, methods: readonly string[]): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    methods.every((method) => typeof (value as Record<string, unknown>)[method] === 'function')
  )
}

/** `value` is undefined or a Powertools Metrics instance (an option table's check). */
export function assertMetrics(pkg: string, name: string, value: unknown): void {
  if (value !== undefined && !hasMethods(value, METRICS_METHODS)) {
    throw new GateproofOptionsError(pkg, `option "${name}" must be a Powertools Metrics instance`, {
      option: name,
    })
  }
}

/** `value` is undefined, `false` or a Powertools Logger instance (an option table's check). */
export function assertLogger(pkg: string, name: string, value: unknown): void {
  if (value !== undefined && value !== false && !hasMethods(value, LOGGER_METHODS)) {
    throw new GateproofOptionsError(
      pkg,
      `option "${name}" must be a Powertools Logger instance or false`,
      { option: name },
    )
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
