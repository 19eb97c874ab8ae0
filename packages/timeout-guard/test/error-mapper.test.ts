import { errorMapper } from '@gateproof/error-mapper'
import {
  expectLog,
  expectMetric,
  findMetrics,
  lambdaContext,
  simulateGateway,
} from '@gateproof/testing'
import middy from '@middy/core'
import httpCors from '@middy/http-cors'
import { describe, expect, it, vi } from 'vitest'
import { timeoutGuard } from '../src/index.js'
import {
  captureEachTest,
  eventFrom,
  gatewayRequestId,
  hangs,
  powertools,
  T0,
  watch,
  withParsedBody,
} from './support.js'

const capture = captureEachTest()

/** The chain in the documented order: guard early, CORS, then the mapper last (its onError first). */
function guardedChain() {
  const telemetry = powertools()
  const guard = timeoutGuard(telemetry)
  return middy(hangs, guard.plugin)
    .use(guard)
    .use(httpCors({ origin: 'https://shop.example.com' }))
    .use(errorMapper(telemetry))
}

describe('with @gateproof/error-mapper and @middy/http-cors', () => {
  it('answers REST 504 at the deadline in the contract, CORS headers included (§2.1 F-integration-timeout)', async () => {
    const invocation = watch(
      guardedChain()(eventFrom('rest', T0 - 1_000), lambdaContext({ remainingMs: 60_000 })),
    )
    await vi.advanceTimersByTimeAsync(27_500)
    const response = await invocation.result

    expect(withParsedBody(response)).toEqual({
      statusCode: 504,
      headers: {
        'Content-Type': 'application/problem+json',
        'x-amzn-ErrorType': 'GatewayTimeoutException',
        'Access-Control-Allow-Origin': 'https://shop.example.com',
      },
      body: {
        type: 'about:blank',
        title: 'Gateway Timeout',
        status: 504,
        errorType: 'GatewayTimeoutException',
        requestId: gatewayRequestId.rest,
      },
      isBase64Encoded: false,
    })
    expect(simulateGateway('rest', { kind: 'returned', value: response })).toMatchObject({
      status: 504,
      gatewayError: false,
    })
  })

  it('answers HTTP API 503 with Retry-After, as HTTP API itself would (§2.1 F-integration-timeout)', async () => {
    const invocation = watch(
      guardedChain()(eventFrom('http-v2', T0), lambdaContext({ remainingMs: 60_000 })),
    )
    await vi.advanceTimersByTimeAsync(29_500)

    expect(withParsedBody(await invocation.result)).toEqual({
      statusCode: 503,
      headers: {
        'Content-Type': 'application/problem+json',
        'x-amzn-ErrorType': 'ServiceUnavailableException',
        'Retry-After': '1',
        'Access-Control-Allow-Origin': 'https://shop.example.com',
      },
      body: {
        type: 'about:blank',
        title: 'Service Unavailable',
        status: 503,
        errorType: 'ServiceUnavailableException',
        requestId: gatewayRequestId['http-v2'],
      },
      isBase64Encoded: false,
    })
  })

  it('H7: is one log line (the guard’s) and two deliberate metric series, TimeoutGuard and Error', async () => {
    const invocation = watch(
      guardedChain()(eventFrom('rest', T0 - 1_000), lambdaContext({ remainingMs: 60_000 })),
    )
    await vi.advanceTimersByTimeAsync(27_500)
    await invocation.result

    expect(findMetrics(capture, { name: 'TimeoutGuard' })).toHaveLength(1)
    expect(findMetrics(capture, { name: 'Error' })).toHaveLength(1)
    expectMetric(capture, {
      name: 'Error',
      dimensions: { StatusCode: '504', ErrorType: 'GatewayTimeoutException', Integration: 'rest' },
    })
    expectLog(capture, {
      message: 'Request timed out',
      fields: { phase: 'handler', statusCode: 504, requestId: gatewayRequestId.rest },
    })
    expect(capture.logs()).toHaveLength(1)
  })

  it('answers a request that arrived past its deadline through the same chain', async () => {
    const response = await guardedChain()(
      eventFrom('rest', T0 - 29_000),
      lambdaContext({ remainingMs: 60_000 }),
    )
    expect(response).toMatchObject({
      statusCode: 504,
      headers: { 'Access-Control-Allow-Origin': 'https://shop.example.com' },
    })
    expectLog(capture, { message: 'Request timed out', fields: { phase: 'arrival' } })
  })
})
