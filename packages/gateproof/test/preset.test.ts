import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb'
import {
  type Capture,
  captureOutput,
  expectMetric,
  httpApiEvent,
  lambdaContext,
  restEvent,
  simulateGateway,
} from '@gateproof/testing'
import middy from '@middy/core'
import httpCors from '@middy/http-cors'
import type {
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  APIGatewayProxyResult,
  APIGatewayProxyResultV2,
  Context,
} from 'aws-lambda'
import createHttpError from 'http-errors'
import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest'
import { gateproof, gateproofMiddlewares, memoryLimiter } from '../src/index.js'

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0)
const problem = (body: string) => JSON.parse(body) as Record<string, unknown>

describe('gateproof(handler, options)', () => {
  beforeEach(() => {
    // Middy core imports setTimeout from node:timers: fake the builtins too.
    vi.useFakeTimers({ fakeNodeBuiltins: true, now: NOW })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('repairs a body object into a JSON string a REST API delivers (R17)', async () => {
    const handler = gateproof(async () => ({
      statusCode: 200,
      body: { id: 42 } as unknown as string,
    }))
    const result = await handler(restEvent(), lambdaContext())
    expect(result).toEqual({
      statusCode: 200,
      headers: { 'Content-Type': 'application/json' },
      body: '{"id":42}',
    })
    expect(simulateGateway('rest', { kind: 'returned', value: result }).gatewayError).toBe(false)
  })

  it('answers a DynamoDB throttle 503 with Retry-After in the error contract', async () => {
    const handler = gateproof(async () => {
      throw new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} })
    })
    const result = (await handler(restEvent(), lambdaContext())) as APIGatewayProxyResult
    expect(result.statusCode).toBe(503)
    expect(result.headers).toMatchObject({
      'Content-Type': 'application/problem+json',
      'x-amzn-ErrorType': 'ServiceUnavailableException',
    })
    expect(Number(result.headers?.['Retry-After'])).toBeGreaterThanOrEqual(1)
    expect(problem(result.body)).toMatchObject({ status: 503, title: 'Service Unavailable' })
    expect(result.body).not.toContain('slow down')
  })

  it('answers 504 at the REST deadline, 500 ms before API Gateway would (§2.2 29 000 ms)', async () => {
    const handler = gateproof(() => new Promise<never>(() => undefined))
    const pending = handler(
      restEvent(undefined, { arrivedAt: NOW }),
      lambdaContext({ remainingMs: 60_000 }),
    )
    await vi.advanceTimersByTimeAsync(28_499)
    let settled = false
    void pending.then(() => {
      settled = true
    })
    await vi.advanceTimersByTimeAsync(0)
    expect(settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    const result = (await pending) as APIGatewayProxyResult
    expect(result.statusCode).toBe(504)
    expect(result.headers?.['x-amzn-ErrorType']).toBe('GatewayTimeoutException')
    expect(problem(result.body)).toMatchObject({ status: 504, title: 'Gateway Timeout' })
  })

  it('answers 503 at the HTTP API deadline, matching what HTTP API itself answers (§2.1)', async () => {
    const handler = gateproof(() => new Promise<never>(() => undefined))
    const pending = handler(
      httpApiEvent(undefined, { arrivedAt: NOW }),
      lambdaContext({ remainingMs: 60_000 }),
    )
    await vi.advanceTimersByTimeAsync(29_500)
    const result = (await pending) as APIGatewayProxyResult
    expect(result.statusCode).toBe(503)
  })

  it('lets decorators such as http-cors decorate the 429 the shedder answers', async () => {
    const handler = gateproof(async () => ({ statusCode: 200, body: 'ok' }), {
      loadShedder: { limiter: memoryLimiter({ rate: { perSecond: 1, burst: 1 } }) },
      decorators: [httpCors({ origins: ['https://app.example.com'] })],
    })
    const event = () => restEvent({ headers: { Origin: 'https://app.example.com' } })
    expect(await handler(event(), lambdaContext())).toMatchObject({ statusCode: 200 })
    const refused = (await handler(event(), lambdaContext())) as APIGatewayProxyResult
    expect(refused.statusCode).toBe(429)
    expect(refused.headers).toMatchObject({
      'Access-Control-Allow-Origin': 'https://app.example.com',
      'x-amzn-ErrorType': 'TooManyRequestsException',
    })
    expect(Number(refused.headers?.['Retry-After'])).toBeGreaterThanOrEqual(1)
  })

  it('maps errors thrown by middlewares used on the returned handler', async () => {
    const handler = gateproof(async () => ({ statusCode: 200, body: 'ok' })).use({
      before: () => {
        throw createHttpError(401, 'Token expired')
      },
    })
    const result = (await handler(restEvent(), lambdaContext())) as APIGatewayProxyResult
    expect(result.statusCode).toBe(401)
    expect(problem(result.body)).toMatchObject({
      detail: 'Token expired',
      errorType: 'UnauthorizedException',
    })
  })

  it('still answers in the contract with the error mapper switched off (proxy shape renders the 500)', async () => {
    const handler = gateproof(
      async () => {
        throw new Error('secret detail')
      },
      { errorMapper: false },
    )
    const result = (await handler(restEvent(), lambdaContext())) as APIGatewayProxyResult
    expect(result.statusCode).toBe(500)
    expect(result.body).not.toContain('secret detail')
  })

  it('passes a body object through untouched with proxy shape switched off', async () => {
    const handler = gateproof(
      async () => ({ statusCode: 200, body: { id: 1 } as unknown as string }),
      {
        proxyShape: false,
      },
    )
    expect(await handler(restEvent(), lambdaContext())).toEqual({
      statusCode: 200,
      body: { id: 1 },
    })
  })

  it('emits every part’s metrics through the one Metrics instance passed in', async () => {
    vi.useRealTimers()
    const capture: Capture = captureOutput()
    try {
      const metrics = new Metrics({ namespace: 'orders', serviceName: 'orders-api' })
      const logger = new Logger({ serviceName: 'orders-api' })
      const handler = gateproof(
        async () => {
          throw new Error('boom')
        },
        { metrics, logger },
      )
      await handler(restEvent(), lambdaContext())
      expectMetric(capture, {
        name: 'Error',
        dimensions: {
          StatusCode: '500',
          ErrorType: 'InternalServerErrorException',
          Integration: 'rest',
        },
        value: 1,
      })
      expect(capture.logs().some((log) => log.level === 'ERROR')).toBe(true)
    } finally {
      capture.stop()
    }
  })

  it('rejects unknown options and malformed parts with a clear error', () => {
    const noop = async () => ({ statusCode: 200, body: '' })
    expect(() => gateproof(noop, { timeout: 5 } as never)).toThrow(/unknown option "timeout"/)
    expect(() => gateproof(noop, { loadShedder: true } as never)).toThrow(
      /option "loadShedder" must be an options object or false/,
    )
    expect(() => gateproof(noop, { decorators: [{}] } as never)).toThrow(/decorators/)
    expect(() => gateproof(noop, { integration: 'soap' } as never)).toThrow(/integration/)
  })

  it('names the preset and every accepted form for its own options: format, streaming and its keys', () => {
    const noop = async () => ({ statusCode: 200, body: '' })
    expect(() => gateproof(noop, { format: 'json' } as never)).toThrow(
      'gateproof: option "format" must be "problem", "message" or a formatter function, got "json"',
    )
    expect(() => gateproof(noop, { streaming: 'yes' } as never)).toThrow(
      'gateproof: option "streaming" must be true, false or { idleMs, totalMs, marginMs }, got "yes"',
    )
    expect(() => gateproof(noop, { streaming: { total: 1000 } } as never)).toThrow(
      'gateproof: unknown option "streaming.total"; expected one of "idleMs", "totalMs", "marginMs", "integration"',
    )
    // Every form the option table lists still passes.
    expect(() =>
      gateproof(noop, { format: () => ({ statusCode: 500, body: '' }) } as never),
    ).not.toThrow()
    expect(() => gateproof(noop, { format: 'message' })).not.toThrow()
  })

  it('lets the handler’s event and result types flow through', () => {
    const rest = gateproof<APIGatewayProxyEvent, APIGatewayProxyResult>(async (event) => ({
      statusCode: 200,
      body: event.path,
    }))
    expectTypeOf(rest).parameter(0).toEqualTypeOf<APIGatewayProxyEvent>()
    expectTypeOf(rest).parameter(1).toEqualTypeOf<Context>()
    const http = gateproof(async (event) => event.rawPath, { integration: 'http-v2' })
    expectTypeOf(http).parameter(0).toEqualTypeOf<APIGatewayProxyEventV2>()
    expectTypeOf(http).returns.resolves.toEqualTypeOf<APIGatewayProxyResultV2>()
  })
})

describe('gateproofMiddlewares(options) for your own middy() call', () => {
  it('returns the plugin and the parts in the order that keeps their guarantees', async () => {
    const { plugin, middlewares } = gateproofMiddlewares()
    expect(middlewares).toHaveLength(4)
    expect(plugin.timeoutEarlyInMillis).toBe(500)
    expect(typeof plugin.requestStart).toBe('function')
    expect(typeof plugin.requestEnd).toBe('function')
    const handler = middy(
      async () => ({ statusCode: 200, body: { ok: true } }),
      plugin as never,
    ).use(middlewares)
    expect(await handler(restEvent(), lambdaContext())).toEqual({
      statusCode: 200,
      headers: { 'Content-Type': 'application/json' },
      body: '{"ok":true}',
    })
  })

  it('is also reachable as gateproof.middlewares', () => {
    expect(gateproof.middlewares).toBe(gateproofMiddlewares)
  })
})
