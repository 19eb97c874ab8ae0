import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import {
  type Capture,
  captureOutput,
  expectLog,
  expectMetric,
  findLogs,
  findMetrics,
  metricsOfEmfLine,
} from '@gateproof/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

let capture: Capture

beforeEach(() => {
  capture = captureOutput()
})

afterEach(() => {
  capture.stop()
})

describe('captureOutput with Powertools Metrics', () => {
  it('parses every metric of a published EMF line with its dimensions', () => {
    const metrics = new Metrics({ namespace: 'shop', serviceName: 'orders' })
    metrics.addDimension('integration', 'rest')
    metrics.addMetric('OrdersPlaced', 'Count', 2)
    metrics.addMetric('BasketValue', 'Count', 40)
    metrics.publishStoredMetrics()

    expect(capture.metrics().map(({ line: _line, ...metric }) => metric)).toEqual([
      {
        name: 'OrdersPlaced',
        value: 2,
        unit: 'Count',
        namespace: 'shop',
        dimensions: { service: 'orders', integration: 'rest' },
      },
      {
        name: 'BasketValue',
        value: 40,
        unit: 'Count',
        namespace: 'shop',
        dimensions: { service: 'orders', integration: 'rest' },
      },
    ])
  })

  it('expectMetric returns the matches and fails with what was emitted instead', () => {
    const metrics = new Metrics({ namespace: 'shop', serviceName: 'orders' })
    const single = metrics.singleMetric()
    single.addDimension('reason', 'deadline')
    single.addMetric('RequestsShed', 'Count', 1)

    expect(
      expectMetric(capture, { name: 'RequestsShed', dimensions: { reason: 'deadline' } }),
    ).toHaveLength(1)
    expect(findMetrics(capture, { name: 'RequestsShed', value: 1 })).toHaveLength(1)
    expect(findMetrics(capture, { name: 'RequestsShed', value: 2 })).toEqual([])
    expect(() =>
      expectMetric(capture, { name: 'RequestsShed', dimensions: { reason: 'in-flight' } }),
    ).toThrow(/no metric .*"in-flight".* among .*"deadline"/)
  })

  it('reads metric values recorded more than once as an array', () => {
    const metrics = new Metrics({ namespace: 'shop', serviceName: 'orders' })
    metrics.addMetric('Latency', 'Milliseconds', 12)
    metrics.addMetric('Latency', 'Milliseconds', 15)
    metrics.publishStoredMetrics()
    expect(capture.metrics()[0]).toMatchObject({
      name: 'Latency',
      value: [12, 15],
      unit: 'Milliseconds',
    })
  })
})

describe('captureOutput with Powertools Logger', () => {
  it('parses structured log lines and keeps EMF lines out of logs()', () => {
    const logger = new Logger({ serviceName: 'orders' })
    logger.info('order placed', { orderId: '42' })
    logger.error('payment failed', { reason: 'card declined' })
    new Metrics({ namespace: 'shop', serviceName: 'orders' })
      .singleMetric()
      .addMetric('X', 'Count', 1)

    expect(capture.logs().map((log) => [log.level, log.message])).toEqual([
      ['INFO', 'order placed'],
      ['ERROR', 'payment failed'],
    ])
    expect(capture.lines).toHaveLength(3)
  })

  it('expectLog matches level (any casing), message (string or pattern) and fields', () => {
    const logger = new Logger({ serviceName: 'orders' })
    logger.warn('request shed', { reason: 'deadline', limits: { inFlight: 3 } })

    expect(expectLog(capture, { level: 'warn', message: 'request shed' })).toHaveLength(1)
    expect(
      expectLog(capture, { message: /shed$/, fields: { limits: { inFlight: 3 } } }),
    ).toHaveLength(1)
    expect(findLogs(capture, { level: 'error' })).toEqual([])
    expect(findLogs(capture, { fields: { limits: { inFlight: 4 } } })).toEqual([])
    expect(() => expectLog(capture, { level: 'WARN', fields: { reason: 'in-flight' } })).toThrow(
      /no log line .* among .*"deadline"/,
    )
  })
})

describe('captureOutput itself', () => {
  it('collects lines across writes, parses a pretty-printed record written in one call, and skips non-JSON', () => {
    process.stdout.write('{"level":"INFO",')
    process.stdout.write('"message":"split"}\n')
    process.stderr.write(`${JSON.stringify({ level: 'WARN', message: 'pretty' }, null, 2)}\n`)
    process.stdout.write('plain text\n\n')
    expect(capture.lines).toEqual([
      '{"level":"INFO","message":"split"}',
      '{',
      '  "level": "WARN",',
      '  "message": "pretty"',
      '}',
      'plain text',
    ])
    expect(capture.logs().map((log) => log.message)).toEqual(['split', 'pretty'])
  })

  it('restores the streams on stop, and stop can be called twice', () => {
    const other = captureOutput()
    other.stop()
    other.stop()
    process.stdout.write('after stop\n')
    expect(other.lines).toEqual([])
    expect(capture.lines).toEqual(['after stop'])
  })

  it('calls the write callback so streams awaiting it do not hang', async () => {
    await new Promise<void>((resolve) => process.stdout.write('with callback\n', () => resolve()))
    expect(capture.lines).toEqual(['with callback'])
  })
})

describe('metricsOfEmfLine', () => {
  it('is empty for a line that is not EMF', () => {
    expect(metricsOfEmfLine({ level: 'INFO', message: 'x' })).toEqual([])
  })
})
