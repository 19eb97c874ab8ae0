import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import { createTelemetry, SILENT } from '@gateproof/core'
import { type Capture, captureOutput, expectLog, findLogs } from '@gateproof/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

let capture: Capture

beforeEach(() => {
  capture = captureOutput()
})

afterEach(() => {
  capture.stop()
})

const newMetrics = () => new Metrics({ namespace: 'test', serviceName: 'orders' })

const nextWarning = () =>
  new Promise<Error & { code?: string }>((resolve) => process.once('warning', resolve))

describe('telemetry: metrics', () => {
  it('writes one single-metric EMF line per count with exactly the given dimensions', () => {
    const telemetry = createTelemetry('@gateproof/load-shedder', { metrics: newMetrics() })
    telemetry.count('RequestsShed', { reason: 'deadline', integration: 'rest' })
    telemetry.count('RequestsShed', { reason: 'in-flight', integration: 'alb' }, 3)

    const emf = capture.lines.map((line) => JSON.parse(line))
    expect(emf).toHaveLength(2)
    expect(emf[0]).toEqual({
      _aws: {
        Timestamp: expect.any(Number),
        CloudWatchMetrics: [
          {
            Namespace: 'test',
            Dimensions: [['service', 'reason', 'integration']],
            Metrics: [{ Name: 'RequestsShed', Unit: 'Count' }],
          },
        ],
      },
      service: 'orders',
      reason: 'deadline',
      integration: 'rest',
      RequestsShed: 1,
    })
    expect(capture.metrics().map(({ line: _line, ...metric }) => metric)).toEqual([
      {
        name: 'RequestsShed',
        value: 1,
        unit: 'Count',
        namespace: 'test',
        dimensions: { service: 'orders', reason: 'deadline', integration: 'rest' },
      },
      {
        name: 'RequestsShed',
        value: 3,
        unit: 'Count',
        namespace: 'test',
        dimensions: { service: 'orders', reason: 'in-flight', integration: 'alb' },
      },
    ])
  })

  it('writes numeric dimensions as strings and leaves out undefined or empty ones', () => {
    const telemetry = createTelemetry('@gateproof/error-mapper', { metrics: newMetrics() })
    telemetry.count('Errors', { statusCode: 503, errorType: undefined, integration: '' })
    expect(capture.metrics().map((metric) => metric.dimensions)).toEqual([
      { service: 'orders', statusCode: '503' },
    ])
    expect(capture.lines).toHaveLength(1)
  })

  it("neither flushes nor mixes into the user's own stored metrics", () => {
    const metrics = newMetrics()
    metrics.addDimension('tenant', 'acme')
    metrics.addMetric('OrdersPlaced', 'Count', 1)

    createTelemetry('@gateproof/load-shedder', { metrics }).count('RequestsShed', {
      reason: 'deadline',
    })

    expect(metrics.hasStoredMetrics()).toBe(true)
    expect(capture.lines).toHaveLength(1)
    expect(capture.lines[0]).not.toContain('OrdersPlaced')
    expect(capture.lines[0]).not.toContain('tenant')

    metrics.publishStoredMetrics()
    const names = capture.metrics().map((metric) => metric.name)
    expect(names).toEqual(['RequestsShed', 'OrdersPlaced'])
    expect(capture.lines[1]).not.toContain('RequestsShed')
  })

  it('keeps the default dimensions the user configured', () => {
    const metrics = new Metrics({
      namespace: 'test',
      serviceName: 'orders',
      defaultDimensions: { environment: 'prod' },
    })
    createTelemetry('@gateproof/timeout-guard', { metrics }).count('Timeouts', {
      integration: 'http-v2',
    })
    expect(capture.metrics()[0]?.dimensions).toEqual({
      service: 'orders',
      environment: 'prod',
      integration: 'http-v2',
    })
  })

  it('keeps each line to its own dimensions when sets alternate, past the emitter cache too', () => {
    const metrics = new Metrics({
      namespace: 'test',
      serviceName: 'orders',
      defaultDimensions: { environment: 'prod' },
    })
    const telemetry = createTelemetry('@gateproof/error-mapper', { metrics })
    // More distinct sets than the telemetry keeps emitters for, each counted twice, interleaved.
    const sets = Array.from({ length: 40 }, (_, i) => ({
      StatusCode: 500 + (i % 4),
      ErrorType: `Type${i}`,
      Integration: i % 2 === 0 ? 'rest' : undefined,
    }))
    for (const round of [1, 2]) {
      for (const dimensions of sets) telemetry.count('Error', dimensions, round)
    }
    telemetry.count('Error', {})
    const expected = [1, 2].flatMap((round) =>
      sets.map((dimensions) => ({
        value: round,
        dimensions: {
          service: 'orders',
          environment: 'prod',
          StatusCode: String(dimensions.StatusCode),
          ErrorType: dimensions.ErrorType,
          ...(dimensions.Integration === undefined ? {} : { Integration: 'rest' }),
        },
      })),
    )
    expected.push({ value: 1, dimensions: { service: 'orders', environment: 'prod' } } as never)
    expect(capture.metrics().map(({ value, dimensions }) => ({ value, dimensions }))).toEqual(
      expected,
    )
    // The same dimension order on the line as in the call, after the defaults.
    const last = JSON.parse(capture.lines[capture.lines.length - 2] as string)
    expect(last._aws.CloudWatchMetrics[0].Dimensions).toEqual([
      ['service', 'environment', 'StatusCode', 'ErrorType'],
    ])
    expect(Object.keys(last)).toEqual([
      '_aws',
      'service',
      'environment',
      'StatusCode',
      'ErrorType',
      'Error',
    ])
  })

  it('is silent without a Metrics instance', () => {
    const telemetry = createTelemetry('@gateproof/load-shedder')
    telemetry.count('RequestsShed', { reason: 'deadline' })
    telemetry.log('warn', 'shed')
    expect(telemetry.hasMetrics).toBe(false)
    expect(telemetry.hasLogger).toBe(false)
    expect(capture.lines).toEqual([])
    SILENT.count('Anything', {})
    SILENT.log('error', 'anything')
    expect(capture.lines).toEqual([])
  })

  it('never throws when Metrics throws, and reports it on the logger', () => {
    const metrics = newMetrics()
    metrics.singleMetric = () => {
      throw new Error('EMF sink broken')
    }
    const logger = new Logger({ serviceName: 'orders' })
    const telemetry = createTelemetry('@gateproof/load-shedder', { metrics, logger })

    expect(() => telemetry.count('RequestsShed', { reason: 'deadline' })).not.toThrow()
    expectLog(capture, {
      level: 'WARN',
      message: 'gateproof could not emit a metric',
      fields: { package: '@gateproof/load-shedder' },
    })
    expect(findLogs(capture, { level: 'WARN' })[0]?.line.error).toMatchObject({
      message: 'EMF sink broken',
    })
  })

  it('never throws when Powertools rejects the metric itself (an empty name)', async () => {
    const warned = nextWarning()
    const telemetry = createTelemetry('@gateproof/load-shedder', { metrics: newMetrics() })
    expect(() => telemetry.count('', { reason: 'deadline' })).not.toThrow()
    expect((await warned).message).toMatch(/^gateproof could not emit a metric: RangeError/)
    expect(capture.metrics()).toEqual([])
  })

  it('emits a process warning when Metrics throws and there is no logger', async () => {
    const metrics = newMetrics()
    metrics.singleMetric = () => {
      throw new Error('EMF sink broken')
    }
    const warned = nextWarning()
    expect(() =>
      createTelemetry('@gateproof/load-shedder', { metrics }).count('RequestsShed', {}),
    ).not.toThrow()
    const warning = await warned
    expect(warning.message).toBe('gateproof could not emit a metric: Error: EMF sink broken')
    expect((warning as Error & { code?: string }).code).toBe('@gateproof/load-shedder')
  })
})

describe('telemetry: logs', () => {
  it('writes a structured line at the level asked, tagged with the package', () => {
    const logger = new Logger({ serviceName: 'orders' })
    const telemetry = createTelemetry('@gateproof/load-shedder', { logger })
    telemetry.log('warn', 'request shed', { reason: 'deadline', remainingMs: 120 })
    expect(capture.logs().map((log) => log.line)).toEqual([
      {
        level: 'WARN',
        message: 'request shed',
        timestamp: expect.any(String),
        service: 'orders',
        sampling_rate: 0,
        package: '@gateproof/load-shedder',
        reason: 'deadline',
        remainingMs: 120,
      },
    ])
    expect(telemetry.hasLogger).toBe(true)
  })

  it("honours the logger's level", () => {
    const logger = new Logger({ serviceName: 'orders', logLevel: 'WARN' })
    const telemetry = createTelemetry('@gateproof/load-shedder', { logger })
    telemetry.log('info', 'admitted')
    telemetry.log('error', 'failed')
    expect(capture.logs().map((log) => [log.level, log.message])).toEqual([['ERROR', 'failed']])
  })

  it('never throws when the logger throws, and emits a process warning instead', async () => {
    const logger = new Logger({ serviceName: 'orders' })
    logger.error = () => {
      throw new Error('stdout closed')
    }
    const warned = nextWarning()
    const telemetry = createTelemetry('@gateproof/error-mapper', { logger })
    expect(() => telemetry.log('error', 'mapped')).not.toThrow()
    expect((await warned).message).toBe('gateproof could not emit a log: Error: stdout closed')
  })
})
