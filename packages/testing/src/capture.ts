import assert from 'node:assert/strict'

/** One metric out of an EMF line: its name, value, unit, dimensions and namespace. */
export interface CapturedMetric {
  name: string
  value: number | number[]
  unit: string | undefined
  namespace: string
  dimensions: Record<string, string>
  line: Record<string, unknown>
}

export interface CapturedLog {
  level: string
  message: string
  line: Record<string, unknown>
}

export interface Capture {
  /** Every line written to stdout and stderr while capturing. */
  readonly lines: string[]
  /** Metrics parsed from EMF lines (`_aws.CloudWatchMetrics`). */
  metrics(): CapturedMetric[]
  /** Structured JSON log lines that are not EMF. */
  logs(): CapturedLog[]
  /** Restores stdout and stderr; safe to call twice. */
  stop(): void
}

/**
 * Captures what Powertools Metrics and Logger print. They write through their own
 * `Console` bound to `process.stdout`/`process.stderr`, so the stream `write` is
 * what is intercepted. Nothing reaches the terminal while capturing.
 */
export function captureOutput(): Capture {
  const lines: string[] = []
  // What each write call printed, up to a line end: Powertools prints one record per
  // call, pretty-printed over several lines when POWERTOOLS_DEV is set.
  const writes: string[] = []
  const streams = [process.stdout, process.stderr] as const
  const originals = streams.map((stream) => stream.write)
  const pending = new Map<NodeJS.WriteStream, { line: string; write: string }>()
  for (const stream of streams) {
    pending.set(stream, { line: '', write: '' })
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString()
      const buffer = pending.get(stream) ?? { line: '', write: '' }
      const parts = (buffer.line + text).split('\n')
      buffer.line = parts.pop() ?? ''
      lines.push(...parts.filter((part) => part.trim() !== ''))
      buffer.write += text
      if (buffer.write.endsWith('\n')) {
        writes.push(buffer.write)
        buffer.write = ''
      }
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined
      callback?.()
      return true
    }) as typeof stream.write
  }
  let stopped = false
  const parsed = () => writes.flatMap(recordsOfWrite)
  return {
    lines,
    metrics: () => parsed().flatMap(metricsOfEmfLine),
    logs: () =>
      parsed()
        .filter((line) => !('_aws' in line))
        .map((line) => ({
          level: String(line.level ?? ''),
          message: String(line.message ?? ''),
          line,
        })),
    stop() {
      if (stopped) return
      stopped = true
      streams.forEach((stream, index) => {
        stream.write = originals[index] as typeof stream.write
      })
    },
  }
}

const asRecord = (text: string): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

/** The JSON records in one write: the whole text as one record, else one per line. */
function recordsOfWrite(text: string): Array<Record<string, unknown>> {
  const whole = asRecord(text)
  if (whole) return [whole]
  return text.split('\n').flatMap((line) => {
    const record = line.trim() === '' ? undefined : asRecord(line)
    return record ? [record] : []
  })
}

interface EmfDirective {
  Namespace: string
  Dimensions: string[][]
  Metrics: Array<{ Name: string; Unit?: string }>
}

/** The metrics one EMF line carries. */
export function metricsOfEmfLine(line: Record<string, unknown>): CapturedMetric[] {
  const aws = line._aws as { CloudWatchMetrics?: EmfDirective[] } | undefined
  if (!aws?.CloudWatchMetrics) return []
  return aws.CloudWatchMetrics.flatMap((directive) => {
    const dimensions: Record<string, string> = {}
    for (const name of directive.Dimensions.flat()) dimensions[name] = String(line[name])
    return directive.Metrics.map((metric) => ({
      name: metric.Name,
      value: line[metric.Name] as number | number[],
      unit: metric.Unit,
      namespace: directive.Namespace,
      dimensions,
      line,
    }))
  })
}

export interface MetricExpectation {
  name: string
  /** Every listed dimension must be present with this value (others may exist). */
  dimensions?: Record<string, string>
  value?: number
}

/** The captured metrics that match; throws an assertion error when none does. */
export function expectMetric(capture: Pick<Capture, 'metrics'>, expected: MetricExpectation) {
  const matches = findMetrics(capture, expected)
  assert.ok(
    matches.length > 0,
    `no metric ${JSON.stringify(expected)} among ${JSON.stringify(capture.metrics().map(({ line: _line, ...m }) => m))}`,
  )
  return matches
}

export function findMetrics(
  capture: Pick<Capture, 'metrics'>,
  expected: MetricExpectation,
): CapturedMetric[] {
  return capture
    .metrics()
    .filter(
      (metric) =>
        metric.name === expected.name &&
        (expected.value === undefined || metric.value === expected.value) &&
        Object.entries(expected.dimensions ?? {}).every(
          ([key, value]) => metric.dimensions[key] === value,
        ),
    )
}

export interface LogExpectation {
  level?: string
  message?: string | RegExp
  /** Keys that must be present with these values (deep-equal). */
  fields?: Record<string, unknown>
}

export function findLogs(capture: Pick<Capture, 'logs'>, expected: LogExpectation): CapturedLog[] {
  return capture.logs().filter((log) => {
    if (expected.level && log.level.toLowerCase() !== expected.level.toLowerCase()) return false
    if (expected.message instanceof RegExp && !expected.message.test(log.message)) return false
    if (typeof expected.message === 'string' && log.message !== expected.message) return false
    return Object.entries(expected.fields ?? {}).every(([key, value]) => {
      try {
        assert.deepStrictEqual(log.line[key], value)
        return true
      } catch {
        return false
      }
    })
  })
}

/** The captured log lines that match; throws an assertion error when none does. */
export function expectLog(capture: Pick<Capture, 'logs'>, expected: LogExpectation) {
  const matches = findLogs(capture, expected)
  assert.ok(
    matches.length > 0,
    `no log line ${String(JSON.stringify(expected))} among ${JSON.stringify(capture.logs().map((l) => l.line))}`,
  )
  return matches
}
