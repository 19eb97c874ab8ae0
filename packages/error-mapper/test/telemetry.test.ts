import type { Logger } from '@aws-lambda-powertools/logger'
import type { Metrics } from '@aws-lambda-powertools/metrics'
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb'
import { gateproofError, type ProxyEvent } from '@gateproof/core'
import {
  albEvent,
  type Capture,
  captureOutput,
  expectLog,
  expectMetric,
  httpApiEvent,
  lambdaContext,
  restEvent,
} from '@gateproof/testing'
import middy from '@middy/core'
import httpErrorHandler from '@middy/http-error-handler'
import createError from 'http-errors'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type ErrorMapperOptions, errorMapper } from '../src/index.js'
import { context, LAMBDA_REQUEST_ID, powertools } from './support.js'

let capture: Capture
let metrics: Metrics
let logger: Logger

beforeEach(() => {
  capture = captureOutput()
  ;({ metrics, logger } = powertools())
})

afterEach(() => capture.stop())

/** The fields of the one log line written; fails when there is not exactly one. */
function onlyLog(): Record<string, unknown> {
  const logs = capture.logs()
  expect(logs).toHaveLength(1)
  return logs[0]?.line ?? {}
}

const REST_REQUEST_ID = 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef'

async function fail(thrown: unknown, event: ProxyEvent, options: ErrorMapperOptions = {}) {
  const handler = middy(() => {
    throw thrown
  }).use(errorMapper({ metrics, logger, ...options }))
  return handler(event, context())
}

const throttle = () =>
  new ProvisionedThroughputExceededException({
    message: 'The level of configured provisioned throughput for table orders-prod was exceeded',
    $metadata: { httpStatusCode: 400 },
  })

describe('the Error metric', () => {
  it('is exactly one EMF line with StatusCode, ErrorType and Integration', async () => {
    await fail(throttle(), restEvent())
    expect(capture.metrics().map(({ line: _line, ...metric }) => metric)).toEqual([
      {
        name: 'Error',
        value: 1,
        unit: 'Count',
        namespace: 'test',
        dimensions: {
          service: 'orders',
          StatusCode: '503',
          ErrorType: 'ServiceUnavailableException',
          Integration: 'rest',
        },
      },
    ])
  })

  it('names the front door of each event; H2: an event from none of them is rethrown, not counted', async () => {
    await fail(createError(404), albEvent())
    await fail(createError(404), httpApiEvent())
    // An EventBridge event reaching an HTTP handler by mistake.
    const error = createError(404)
    await expect(fail(error, { source: 'aws.events' } as unknown as ProxyEvent)).rejects.toBe(error)
    for (const integration of ['alb', 'http-v2']) {
      expectMetric(capture, {
        name: 'Error',
        value: 1,
        dimensions: { StatusCode: '404', ErrorType: 'NotFoundException', Integration: integration },
      })
    }
    expect(capture.metrics()).toHaveLength(2)
  })

  it('carries the errorType a rule chose', async () => {
    await fail(createError(409), restEvent(), {
      rules: [
        {
          name: 'conflict',
          match: { name: 'ConflictError' },
          map: { status: 409, errorType: 'VersionConflict' },
        },
      ],
    })
    expectMetric(capture, {
      name: 'Error',
      dimensions: { ErrorType: 'VersionConflict', StatusCode: '409' },
    })
  })

  it("leaves the user's own metric buffer alone", async () => {
    metrics.addMetric('OrdersPlaced', 'Count', 1)
    await fail(throttle(), restEvent())
    expect(capture.metrics().map((metric) => metric.name)).toEqual(['Error'])
    metrics.publishStoredMetrics()
    expect(capture.metrics().map((metric) => metric.name)).toEqual(['Error', 'OrdersPlaced'])
  })
})

describe('the log line', () => {
  it('is one error line for a 5xx, with the request id, the rule, the stack and the cause', async () => {
    await fail(throttle(), restEvent())
    const [line, ...others] = capture.logs()
    expect(others).toEqual([])
    expect(line?.level).toBe('ERROR')
    expect(line?.line).toMatchObject({
      message: 'Request failed',
      service: 'orders',
      package: '@gateproof/error-mapper',
      requestId: REST_REQUEST_ID,
      statusCode: 503,
      errorType: 'ServiceUnavailableException',
      integration: 'rest',
      rule: 'aws-throttling',
      error: {
        name: 'ProvisionedThroughputExceededException',
        message:
          'The level of configured provisioned throughput for table orders-prod was exceeded',
        stack: expect.stringContaining('ProvisionedThroughputExceededException'),
      },
    })
  })

  it('is one warn line for a 4xx, without a stack', async () => {
    await fail(createError(404, 'Order 42 does not exist'), restEvent())
    expect(capture.logs()).toHaveLength(1)
    const [line] = expectLog(capture, {
      level: 'WARN',
      message: 'Request failed',
      fields: {
        requestId: REST_REQUEST_ID,
        statusCode: 404,
        rule: 'http-status',
        error: { name: 'NotFoundError', message: 'Order 42 does not exist' },
      },
    })
    expect(line?.line.error).not.toHaveProperty('stack')
  })

  it('walks the cause chain, naming the package of a Middy-idiom cause and keeping gateproof data', async () => {
    const inner = gateproofError(503, 'shed', {
      package: '@gateproof/load-shedder',
      data: { reason: 'deadline', remainingMs: 120 },
    })
    await fail(new Error('checkout failed', { cause: inner }), restEvent())
    expect(onlyLog()).toMatchObject({
      level: 'ERROR',
      error: {
        name: 'Error',
        message: 'checkout failed',
        stack: expect.any(String),
        cause: {
          name: 'ServiceUnavailableError',
          message: 'shed',
          stack: expect.any(String),
          package: '@gateproof/load-shedder',
          data: { reason: 'deadline', remainingMs: 120 },
        },
      },
    })
  })

  it("names @middy/core for Middy's early timeout", async () => {
    const handler = middy(() => new Promise(() => {}), { timeoutEarlyInMillis: 5 }).use(
      errorMapper({ metrics, logger }),
    )
    await handler(restEvent(), lambdaContext({ remainingMs: 10 }))
    expect(onlyLog()).toMatchObject({
      level: 'ERROR',
      statusCode: 504,
      rule: 'timeout',
      error: {
        name: 'TimeoutError',
        message: '[AbortError]: The operation was aborted.',
        stack: expect.any(String),
        package: '@middy/core',
      },
    })
  })

  it('uses the Lambda request id where the event has none (ALB)', async () => {
    await fail(createError(404), albEvent())
    expectLog(capture, { fields: { requestId: LAMBDA_REQUEST_ID, integration: 'alb' } })
  })

  it('says which rule failed when a matched rule cannot map', async () => {
    await fail(createError(409), restEvent(), {
      rules: [
        {
          name: 'broken',
          match: () => true,
          map: () => {
            throw new Error('bug in the rule')
          },
        },
      ],
    })
    expectLog(capture, {
      level: 'ERROR',
      fields: { statusCode: 500, rule: 'fallback', failedRule: 'broken' },
    })
  })

  it('follows logLevels', async () => {
    await fail(createError(404), restEvent(), { logLevels: { '4xx': 'info', '5xx': 'warn' } })
    await fail(throttle(), restEvent(), { logLevels: { '4xx': 'info', '5xx': 'warn' } })
    expect(capture.logs().map((log) => [log.level, log.line.statusCode])).toEqual([
      ['INFO', 404],
      ['WARN', 503],
    ])
  })
})

describe('silence', () => {
  it('writes nothing without metrics and logger instances', async () => {
    const handler = middy(() => {
      throw throttle()
    }).use(errorMapper())
    await handler(restEvent(), context())
    expect(capture.lines).toEqual([])
  })

  it('writes nothing when another middleware already answered the error', async () => {
    const handler = middy(() => {
      throw throttle()
    })
      .use(errorMapper({ metrics, logger }))
      .use(httpErrorHandler({ logger: false }))
    await handler(restEvent(), context())
    expect(capture.lines).toEqual([])
  })
})
