import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import { GateproofOptionsError, gateproofPlugin } from '@gateproof/core'
import proxyShapeDefault, { MAX_LOGGED_VIOLATIONS, proxyShape } from '@gateproof/proxy-shape'
import {
  type Capture,
  captureOutput,
  expectLog,
  expectMetric,
  findLogs,
  findMetrics,
  httpApiEvent,
  restEvent,
  simulateGateway,
} from '@gateproof/testing'
import middy from '@middy/core'
import httpErrorHandler from '@middy/http-error-handler'
import type { ALBEvent, APIGatewayProxyEvent } from 'aws-lambda'
import createHttpError from 'http-errors'
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest'
import { context, internalError, REQUEST_IDS, through } from './helpers.js'

let capture: Capture
const telemetry = () => ({
  metrics: new Metrics({ namespace: 'test', serviceName: 'orders' }),
  logger: new Logger({ serviceName: 'orders' }),
})

beforeEach(() => {
  capture = captureOutput()
})
afterEach(() => capture.stop())

describe('modes', () => {
  it('strict: renders a 500 for a violation repair mode would fix', async () => {
    const result = { statusCode: 200, body: { a: 1 } }
    expect(await through('rest', result, { mode: 'strict' })).toEqual(internalError('rest'))
  })

  it('strict: passes a valid response through', async () => {
    const result = { statusCode: 200, body: 'ok' }
    expect(await through('rest', result, { mode: 'strict' })).toEqual(result)
  })

  it('report: sends an invalid response unchanged and only logs and counts it', async () => {
    const result = { statusCode: 200, wrongValue: 1, body: 'ok' }
    const response = await through('rest', result, { mode: 'report', ...telemetry() })
    expect(response).toEqual(result)
    expectMetric(capture, {
      name: 'ProxyShapeViolation',
      dimensions: { Violation: 'unknown-key', Integration: 'rest', Action: 'reported' },
      value: 1,
    })
    expectLog(capture, { level: 'warn', fields: { rule: 'unknown-key', action: 'reported' } })
  })

  it('is the same factory as the default export', () => {
    expect(proxyShapeDefault).toBe(proxyShape)
  })
})

describe('telemetry', () => {
  it('logs each violation with its JSON path and rule, and counts each kind once per response', async () => {
    const result = { statusCode: 200, headers: { a: 1, b: true }, body: { ok: true } }
    await through('rest', result, telemetry())
    const logs = findLogs(capture, { message: 'response shape violation' })
    expect(logs.map(({ line }) => [line.path, line.rule])).toEqual([
      ['$.headers.a', 'header-value'],
      ['$.headers.b', 'header-value'],
      ['$.body', 'body-type'],
    ])
    expect(logs[0]?.line).toMatchObject({
      level: 'WARN',
      service: 'orders',
      package: '@gateproof/proxy-shape',
      rule: 'header-value',
      path: '$.headers.a',
      reason: 'header values must be strings, got a number; converted (R8/R10/R11)',
      integration: 'rest',
      action: 'repaired',
      phase: 'after',
      mode: 'repair',
      requestId: REQUEST_IDS.rest,
    })
    expect(
      capture.metrics().map(({ name, dimensions, value }) => ({ name, dimensions, value })),
    ).toEqual([
      {
        name: 'ProxyShapeViolation',
        dimensions: {
          service: 'orders',
          Violation: 'header-value',
          Integration: 'rest',
          Action: 'repaired',
        },
        value: 1,
      },
      {
        name: 'ProxyShapeViolation',
        dimensions: {
          service: 'orders',
          Violation: 'body-type',
          Integration: 'rest',
          Action: 'repaired',
        },
        value: 1,
      },
    ])
  })

  it('logs a 500 it rendered at error level with Action rendered', async () => {
    await through('http-v2', { statusCode: 'nope' }, telemetry())
    expectLog(capture, {
      level: 'error',
      fields: { rule: 'status-invalid', action: 'rendered', integration: 'http-v2' },
    })
    expectMetric(capture, {
      name: 'ProxyShapeViolation',
      dimensions: { Violation: 'status-invalid', Integration: 'http-v2', Action: 'rendered' },
    })
  })

  it(`logs at most ${MAX_LOGGED_VIOLATIONS} violations of one response, then how many it left out`, async () => {
    const headers = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`x-${i}`, i]))
    await through('rest', { statusCode: 200, headers, body: '' }, telemetry())
    expect(findLogs(capture, { message: 'response shape violation' })).toHaveLength(20)
    expectLog(capture, { message: 'response shape violations not logged', fields: { omitted: 5 } })
    expect(findMetrics(capture, { name: 'ProxyShapeViolation' })).toHaveLength(1)
  })

  it('stays silent without metrics and logger', async () => {
    await through('rest', { statusCode: 200, body: { a: 1 } })
    expect(capture.lines).toEqual([])
  })
})

describe('integration', () => {
  it('H2: auto steps aside when the event names no front door; universal applies the shape all deliver', async () => {
    const result = { statusCode: 200, body: 'x' }
    const auto = middy(async () => result).use(proxyShape())
    expect(await auto({}, context())).toBe(result)
    const universal = middy(async () => ({ statusCode: 200, body: 'x' })).use(
      proxyShape({ integration: 'universal' }),
    )
    expect(await universal({}, context())).toEqual({
      statusCode: 200,
      headers: {},
      body: 'x',
      isBase64Encoded: false,
    })
  })

  it('fixed: applies that front door whatever the event says', async () => {
    const fixed = middy(async () => ({ message: 'hi' })).use(proxyShape({ integration: 'rest' }))
    const auto = middy(async () => ({ message: 'hi' })).use(proxyShape())
    // A REST-typed handler given an HTTP API event, which would infer the body itself.
    expect(await fixed(httpApiEvent() as never, context())).toEqual({
      statusCode: 200,
      headers: { 'Content-Type': 'application/json' },
      body: '{"message":"hi"}',
    })
    expect(await auto(httpApiEvent(), context())).toEqual({ message: 'hi' })
  })
})

describe('error path', () => {
  it('F-unhandled: renders a 500 in the error contract when nothing else rendered the error', async () => {
    const handler = middy(async () => {
      throw new Error('connect ECONNREFUSED 10.0.0.12:5432')
    }).use(proxyShape(telemetry()))
    const response = await handler(restEvent(), context())
    expect(response).toEqual(internalError('rest'))
    expect(JSON.stringify(response)).not.toContain('ECONNREFUSED')
    expect(simulateGateway('rest', { kind: 'returned', value: response })).toMatchObject({
      status: 500,
      gatewayError: false,
    })
    expect(simulateGateway('rest', { kind: 'threw' })).toMatchObject({
      status: 502,
      gatewayError: true,
    })
    expectMetric(capture, {
      name: 'ProxyShapeViolation',
      dimensions: { Violation: 'unhandled-error', Integration: 'rest', Action: 'rendered' },
    })
    const [line] = expectLog(capture, {
      level: 'error',
      message: 'unhandled error rendered as 500',
    })
    expect(line?.line.error).toMatchObject({ message: 'connect ECONNREFUSED 10.0.0.12:5432' })
  })

  it.each([undefined, null, 'a string', 42, { circular: true }])(
    'renders a 500 for the thrown value %j',
    async (thrown) => {
      const handler = middy(async () => {
        throw thrown
      }).use(proxyShape(telemetry()))
      expect(await handler(restEvent(), context())).toEqual(internalError('rest'))
    },
  )

  it('repairs the response an error renderer built (a number Retry-After header)', async () => {
    const handler = middy(async () => {
      throw createHttpError(429, 'Slow down', { headers: { 'Retry-After': 2 } })
    })
      .use(proxyShape())
      .use(httpErrorHandler({ logger: false }))
    expect(await handler(restEvent(), context())).toEqual({
      statusCode: 429,
      headers: { 'Content-Type': 'text/plain', 'Retry-After': '2' },
      body: 'Slow down',
    })
  })

  it('renders a 500 when an error middleware leaves a null response', async () => {
    const handler = middy(async () => {
      throw new Error('boom')
    })
      .use(proxyShape(telemetry()))
      .use({
        onError: (request) => {
          request.response = null
        },
      })
    expect(await handler(restEvent(), context())).toEqual(internalError('rest'))
  })

  it('report: lets the error through and counts it', async () => {
    const handler = middy(async () => {
      throw new Error('boom')
    }).use(proxyShape({ mode: 'report', ...telemetry() }))
    await expect(handler(restEvent(), context())).rejects.toThrow('boom')
    expectMetric(capture, {
      name: 'ProxyShapeViolation',
      dimensions: { Violation: 'unhandled-error', Action: 'reported' },
    })
  })
})

describe('early responses (Middy plugin requestEnd)', () => {
  const early = () => ({
    statusCode: 429,
    headers: { 'Retry-After': 1 },
    body: { message: 'slow' },
  })
  const repaired = {
    statusCode: 429,
    headers: { 'Retry-After': '1', 'Content-Type': 'application/json' },
    body: '{"message":"slow"}',
  }

  function shaped(
    before: () => unknown,
    options: Parameters<typeof proxyShape>[0] = {},
    plugin = true,
  ) {
    const shape = proxyShape(options)
    return middy(
      async () => ({ statusCode: 200, body: 'handler' }),
      plugin ? gateproofPlugin(shape) : {},
    )
      .use(shape)
      .use({ before })
  }

  it('repairs an early response from a before middleware in place', async () => {
    const response = early()
    const result = await shaped(() => response, telemetry())(restEvent(), context())
    expect(result).toBe(response)
    expect(result).toEqual(repaired)
    expect(simulateGateway('rest', { kind: 'returned', value: result }).gatewayError).toBe(false)
    expectLog(capture, {
      fields: { rule: 'header-value', phase: 'requestEnd', action: 'repaired' },
    })
  })

  it('needs the plugin: Middy skips every after middleware on an early response', async () => {
    const response = early()
    expect(await shaped(() => response, {}, false)(restEvent(), context())).toEqual(early())
  })

  it('rewrites an early response with no safe repair into the 500, in place', async () => {
    const response = { statusCode: 'soon', body: '' }
    const result = await shaped(() => response)(restEvent(), context())
    expect(result).toBe(response)
    expect(result).toEqual(internalError('rest'))
  })

  it('strict: turns a repairable early response into the 500', async () => {
    expect(await shaped(early, { mode: 'strict' })(restEvent(), context())).toEqual(
      internalError('rest'),
    )
  })

  it('R7: logs and counts an early response that is not an object: nothing can change it', async () => {
    const result = await shaped(() => 'too many requests', telemetry())(restEvent(), context())
    expect(result).toBe('too many requests')
    expectMetric(capture, {
      name: 'ProxyShapeViolation',
      dimensions: { Violation: 'not-a-response', Integration: 'rest', Action: 'unfixable' },
    })
    expectLog(capture, { level: 'error', fields: { phase: 'requestEnd', action: 'unfixable' } })
  })

  it('logs and counts a frozen early response it cannot rewrite', async () => {
    const response = Object.freeze(early())
    const result = await shaped(() => response, telemetry())(restEvent(), context())
    expect(result).toEqual(early())
    expectMetric(capture, { name: 'ProxyShapeViolation', dimensions: { Action: 'unfixable' } })
  })

  it('repairs what an after middleware returned early, which skips the later after middlewares', async () => {
    const shape = proxyShape()
    const handler = middy(async () => ({ statusCode: 200, body: 'x' }), gateproofPlugin(shape))
      .use(shape)
      .use({ after: () => ({ statusCode: 200, body: ['a'] }) })
    expect(await handler(restEvent(), context())).toEqual({
      statusCode: 200,
      headers: { 'Content-Type': 'application/json' },
      body: '["a"]',
    })
  })

  it('repairs what an onError middleware returned early', async () => {
    const shape = proxyShape()
    const handler = middy(async () => {
      throw new Error('boom')
    }, gateproofPlugin(shape))
      .use(shape)
      .use({ onError: () => ({ statusCode: 503, headers: { 'Retry-After': 5 } }) })
    expect(await handler(restEvent(), context())).toEqual({
      statusCode: 503,
      headers: { 'Retry-After': '5' },
    })
  })

  it('F-unhandled: counts an error middleware that threw, which nothing can answer for', async () => {
    const shape = proxyShape(telemetry())
    const handler = middy(async () => {
      throw new Error('boom')
    }, gateproofPlugin(shape))
      .use(shape)
      .use({
        onError: () => {
          throw new Error('renderer bug')
        },
      })
    await expect(handler(restEvent(), context())).rejects.toThrow('renderer bug')
    expectMetric(capture, {
      name: 'ProxyShapeViolation',
      dimensions: { Violation: 'unhandled-error', Action: 'unfixable' },
    })
  })

  it('judges each response once: after and requestEnd do not both report it', async () => {
    const shape = proxyShape({ mode: 'report', ...telemetry() })
    const handler = middy(
      async () => ({ statusCode: 200, body: 'x', extra: 1 }),
      gateproofPlugin(shape),
    ).use(shape)
    await handler(restEvent(), context())
    expect(findLogs(capture, { message: 'response shape violation' })).toHaveLength(1)
    expect(findLogs(capture, { fields: { phase: 'after' } })).toHaveLength(1)
  })

  it('keeps per-request state in request.internal, so concurrent requests do not mix', async () => {
    const shape = proxyShape({ mode: 'report', ...telemetry() })
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const handler = middy(async (event: { slow?: boolean }) => {
      if (event.slow) await gate
      return { statusCode: 200, body: 'x', extra: 1 }
    }, gateproofPlugin(shape)).use(shape)
    const slow = handler({ ...restEvent(), slow: true } as never, context())
    await handler(restEvent() as never, context())
    release()
    await slow
    expect(findLogs(capture, { message: 'response shape violation' })).toHaveLength(2)
  })
})

describe('types', () => {
  type EventSeenBy<M extends { after?: (request: never) => unknown }> = Parameters<
    NonNullable<M['after']>
  >[0]['event']

  it('types a fixed integration by its event, auto by any event', () => {
    const rest = proxyShape({ integration: 'rest' })
    const alb = proxyShape({ integration: 'alb' })
    const auto = proxyShape()
    expectTypeOf<EventSeenBy<typeof rest>>().toEqualTypeOf<APIGatewayProxyEvent>()
    expectTypeOf<EventSeenBy<typeof alb>>().toEqualTypeOf<ALBEvent>()
    expectTypeOf<EventSeenBy<typeof auto>>().toEqualTypeOf<unknown>()
  })
})

describe('options', () => {
  it.each([
    [{ mode: 'fix' }, 'option "mode" must be one of "repair", "strict", "report", got "fix"'],
    [{ integration: 'apigw' }, 'option "integration" must be one of'],
    [{ format: 'xml' }, 'option "format" must be one of "problem", "message"'],
    [{ strict: true }, 'unknown option "strict"'],
  ])('rejects %j when the middleware is built', (options, message) => {
    expect(() => proxyShape(options as never)).toThrow(GateproofOptionsError)
    expect(() => proxyShape(options as never)).toThrow(message)
  })

  it('issue 18: with several options wrong, reports the one it reported before the option table (telemetry before format)', () => {
    expect(() => proxyShape({ format: 'xml', metrics: {} } as never)).toThrow(
      'option "metrics" must be a Powertools Metrics instance',
    )
    expect(() => proxyShape({ format: 'xml', logger: 1 } as never)).toThrow(
      'option "logger" must be a Powertools Logger instance or false',
    )
    expect(() => proxyShape({ typo: 1 } as never)).toThrow(
      'unknown option "typo"; expected one of "integration", "mode", "format", "metrics", "logger"',
    )
  })
})
