import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import { ERROR_TYPES, INTEGRATIONS, OTHER_ERROR_TYPE } from '@gateproof/core'
import {
  type Capture,
  captureOutput,
  eventFor,
  findMetrics,
  lambdaContext,
  restEvent,
} from '@gateproof/testing'
import fc from 'fast-check'
import createHttpError from 'http-errors'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { foreignEvents } from '../../../test/support/hostile.js'
import { gateproof } from '../src/index.js'

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0)
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
const telemetry = () => ({
  metrics: new Metrics({ namespace: 'test', serviceName: 'orders' }),
  logger: new Logger({ serviceName: 'orders', logLevel: 'DEBUG' }),
})

let capture: Capture | undefined
beforeEach(() => {
  vi.useFakeTimers({ fakeNodeBuiltins: true, now: NOW })
})
afterEach(() => {
  capture?.stop()
  capture = undefined
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('H2: gateproof() steps aside for events of no HTTP front door', () => {
  const cases: Array<[string, unknown]> = [
    ['SQS', { Records: [{ eventSource: 'aws:sqs', messageId: '1', body: '{}' }] }],
    ['SNS', { Records: [{ EventSource: 'aws:sns', Sns: { Message: 'hi' } }] }],
    ['EventBridge', { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} }],
    ['a warmer ping', { warmer: true, concurrency: 1 }],
    ['null', null],
    ['{}', {}],
  ]

  it.each(cases)(
    'H2 %s: the result comes back unchanged (partial batch failures kept)',
    async (_name, event) => {
      const result = { batchItemFailures: [{ itemIdentifier: '1' }] }
      const handler = gateproof(async () => result as never)
      expect(await handler(event as never, lambdaContext())).toBe(result)
    },
  )

  it.each(cases)(
    'H2 %s: a thrown error is rethrown, so Lambda retries it or sends it to the DLQ',
    async (_name, event) => {
      const error = new Error('poison message')
      const handler = gateproof(async () => {
        throw error
      })
      await expect(handler(event as never, lambdaContext())).rejects.toBe(error)
    },
  )

  it('H2: logs once at debug, counts nothing, sheds nothing', async () => {
    capture = captureOutput()
    const handler = gateproof(async () => ({ ok: true }) as never, {
      ...telemetry(),
      loadShedder: { inFlight: 1 },
    })
    const sqs = cases[0]?.[1]
    // In flight at once: an HTTP request would be refused at the second.
    await Promise.all([
      handler(sqs as never, lambdaContext()),
      handler(sqs as never, lambdaContext()),
    ])
    const lines = capture.logs()
    expect(lines.filter((l) => l.message.includes('stepped aside'))).toHaveLength(2)
    expect(lines.every((l) => l.level === 'DEBUG')).toBe(true)
    expect(capture.metrics()).toHaveLength(0)
  })

  it('H2: any event that is not one of the five front doors (property)', async () => {
    vi.useRealTimers()
    await fc.assert(
      fc.asyncProperty(foreignEvents, async (event) => {
        const result = { anything: 1 }
        expect(await gateproof(async () => result as never)(event as never, lambdaContext())).toBe(
          result,
        )
      }),
      { numRuns: 200 },
    )
  })

  it('H2: an explicit integration still forces the front door', async () => {
    const handler = gateproof(async () => ({ statusCode: 200, body: { id: 1 } }) as never, {
      integration: 'rest',
    })
    expect(await handler({} as never, lambdaContext())).toMatchObject({ body: '{"id":1}' })
  })
})

describe('H5: through the preset the deadline covers before and after middlewares', () => {
  // 1.5 s integration timeout, 500 ms margin: the deadline is 1 s after arrival.
  const options = { timeoutGuard: { integrationTimeoutMs: 1_500 } }

  it.each(INTEGRATIONS)(
    'H5 %s: a 3 s auth middleware .use()d after the preset answers the front door’s timeout at the deadline',
    async (integration) => {
      const handlerRan = vi.fn(async () => ({ statusCode: 200, body: 'late' }))
      const handler = gateproof(handlerRan as never, options).before(async function slowAuth() {
        await sleep(3_000)
      })
      const invocation = handler(
        eventFor(integration, undefined, { arrivedAt: NOW }) as never,
        lambdaContext(),
      )
      await vi.advanceTimersByTimeAsync(999)
      let settled = false
      void invocation.then(() => {
        settled = true
      })
      await vi.advanceTimersByTimeAsync(0)
      expect(settled).toBe(false)
      await vi.advanceTimersByTimeAsync(1)
      const expected = integration === 'http-v1' || integration === 'http-v2' ? 503 : 504
      expect(await invocation).toMatchObject({ statusCode: expected })
      expect(handlerRan).not.toHaveBeenCalled()
    },
  )

  it('H5: a slow after middleware answers 504 instead of the late 200', async () => {
    const handler = gateproof(async () => ({ statusCode: 200, body: 'late' }), options).after(
      async function slowAudit() {
        await sleep(3_000)
      },
    )
    const invocation = handler(restEvent({}, { arrivedAt: NOW }), lambdaContext())
    await vi.advanceTimersByTimeAsync(1_000)
    expect(await invocation).toMatchObject({ statusCode: 504 })
  })
})

describe('H6: without a Logger a 5xx still leaves one line', () => {
  it('H6: a ReferenceError becomes a 500 and one JSON line on console.error with request id, rule, name, message and stack', async () => {
    const lines = vi.spyOn(console, 'error').mockImplementation(() => {})
    const handler = gateproof(async () => {
      // What V8 throws for a name that does not exist at run time.
      throw new ReferenceError('undefinedThing is not defined')
    })
    const response = (await handler(restEvent(), lambdaContext())) as {
      statusCode: number
      body: string
    }
    expect(response.statusCode).toBe(500)
    expect(response.body).not.toContain('undefinedThing')
    expect(lines).toHaveBeenCalledTimes(1)
    const line = JSON.parse(String(lines.mock.calls[0]?.[0]))
    expect(line).toMatchObject({
      level: 'ERROR',
      statusCode: 500,
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      rule: 'fallback',
      error: { name: 'ReferenceError', message: expect.stringContaining('undefinedThing') },
    })
    expect(line.error.stack).toContain('ReferenceError')
  })

  it('H6: logger: false silences it; a 4xx never writes one', async () => {
    const lines = vi.spyOn(console, 'error').mockImplementation(() => {})
    const failing = async () => {
      throw new Error('x')
    }
    await gateproof(failing, { logger: false })(restEvent(), lambdaContext())
    await gateproof(async () => {
      throw createHttpError(404)
    })(restEvent(), lambdaContext())
    expect(lines).not.toHaveBeenCalled()
  })
})

describe('H7: one failed request, one log line', () => {
  it('H7: a timeout writes one log line (two deliberate metric series: TimeoutGuard and Error)', async () => {
    capture = captureOutput()
    const handler = gateproof(async () => new Promise(() => {}) as never, {
      ...telemetry(),
      timeoutGuard: { integrationTimeoutMs: 1_500 },
    })
    const invocation = handler(restEvent({}, { arrivedAt: NOW }), lambdaContext())
    await vi.advanceTimersByTimeAsync(1_000)
    expect(await invocation).toMatchObject({ statusCode: 504 })
    expect(capture.logs()).toHaveLength(1)
    expect(
      capture
        .metrics()
        .map((m) => m.name)
        .sort(),
    ).toEqual(['Error', 'TimeoutGuard'])
  })

  it('H7: a refusal writes one log line, and so does a 5xx', async () => {
    capture = captureOutput()
    const refusing = gateproof(async () => ({ statusCode: 200, body: '' }), {
      ...telemetry(),
      loadShedder: { deadline: { minRemainingMs: 60_000, predict: false } },
    })
    expect(await refusing(restEvent({}, { arrivedAt: NOW }), lambdaContext())).toMatchObject({
      statusCode: 429,
    })
    expect(capture.logs()).toHaveLength(1)
    const failing = gateproof(async () => {
      throw new Error('boom')
    }, telemetry())
    await failing(restEvent(), lambdaContext())
    expect(capture.logs()).toHaveLength(2)
  })
})

describe('H8: bounded ErrorType dimension', () => {
  it('H8: 60 random custom error types give no more series than the built-in types plus Other', async () => {
    capture = captureOutput()
    const handler = gateproof(
      async (event: { headers?: Record<string, string> }) => {
        throw createHttpError(409, 'conflict', { errorType: `Custom${event.headers?.n}Exception` })
      },
      { ...telemetry(), errorMapper: { metricErrorTypes: ['OrderLockedException'] } },
    )
    for (let n = 0; n < 60; n++) {
      await handler(restEvent({ headers: { n: String(n) } }) as never, lambdaContext())
    }
    await gateproof(
      async () => {
        throw createHttpError(409, 'locked', { errorType: 'OrderLockedException' })
      },
      { ...telemetry(), errorMapper: { metricErrorTypes: ['OrderLockedException'] } },
    )(restEvent(), lambdaContext())
    const types = new Set(
      findMetrics(capture, { name: 'Error' }).map((m) => m.dimensions.ErrorType),
    )
    expect([...types].sort()).toEqual(['OrderLockedException', OTHER_ERROR_TYPE])
    for (const type of types) {
      expect([...Object.values(ERROR_TYPES), OTHER_ERROR_TYPE, 'OrderLockedException']).toContain(
        type,
      )
    }
  })
})
