import {
  computeDeadline,
  gateproofError,
  getRequestDeadline,
  internalKey,
  requestIdOf,
  setRequestDeadline,
} from '@gateproof/core'
import {
  albEvent,
  functionUrlEvent,
  httpApiEvent,
  lambdaContext,
  restEvent,
} from '@gateproof/testing'
import middy from '@middy/core'
import createHttpError from 'http-errors'
import { describe, expect, it } from 'vitest'

describe('requestIdOf', () => {
  const context = lambdaContext({ awsRequestId: 'lambda-request-id' })

  it('is the gateway request id when the event has one', () => {
    expect(requestIdOf(restEvent(), context)).toBe('c6af9ac6-7b61-11e6-9a41-93e8deadbeef')
    expect(requestIdOf(httpApiEvent(), context)).toBe('JKJaXmPLvHcESHA=')
    expect(requestIdOf(functionUrlEvent(), context)).toBe('d2d0f7a6-34c3-4e0b-9a5c-0e1e2fxmpl34')
  })

  it('is the Lambda request id for ALB and events without one', () => {
    expect(requestIdOf(albEvent(), context)).toBe('lambda-request-id')
    expect(requestIdOf(undefined, context)).toBe('lambda-request-id')
    expect(requestIdOf({ requestContext: { requestId: 42 } }, context)).toBe('lambda-request-id')
  })
})

describe('per-request state', () => {
  it('namespaces request.internal keys as gateproof.<package>', () => {
    expect(internalKey('@gateproof/load-shedder')).toBe('gateproof.load-shedder')
    expect(internalKey('timeout-guard')).toBe('gateproof.timeout-guard')
  })

  it("shares one request's deadline through Middy's request.internal", async () => {
    const seen: unknown[] = []
    const handler = middy(async () => ({ statusCode: 200 }))
      .before((request) => {
        setRequestDeadline(request, computeDeadline(request.event, request.context))
      })
      .before((request) => {
        seen.push(getRequestDeadline(request)?.integration)
      })
    await handler(restEvent(), lambdaContext())
    await handler(albEvent(), lambdaContext())
    expect(seen).toEqual(['rest', 'alb'])
  })

  it('has no deadline on a request nobody armed', () => {
    expect(getRequestDeadline({ event: {}, context: {}, internal: {} })).toBeUndefined()
  })
})

describe('gateproofError', () => {
  it('is an http-errors HttpError in the Middy idiom, cause { package, data }', () => {
    const error = gateproofError(429, 'Request rate exceeded.', {
      package: '@gateproof/load-shedder',
      data: { reason: 'in-flight', inFlight: 12 },
      headers: { 'Retry-After': '2' },
      retryAfterSeconds: 2,
    })
    expect(createHttpError.isHttpError(error)).toBe(true)
    expect(error).toBeInstanceOf(createHttpError.TooManyRequests)
    expect(error).toMatchObject({
      status: 429,
      statusCode: 429,
      message: 'Request rate exceeded.',
      expose: true,
      cause: { package: '@gateproof/load-shedder', data: { reason: 'in-flight', inFlight: 12 } },
      headers: { 'Retry-After': '2' },
      retryAfterSeconds: 2,
    })
    expect(error).not.toHaveProperty('errorType')
  })

  it('is not exposed for a 5xx unless asked, and carries the errorType given', () => {
    expect(gateproofError(503, 'overloaded', { package: 'p' }).expose).toBe(false)
    const exposed = gateproofError(503, 'overloaded', {
      package: 'p',
      expose: true,
      errorType: 'ServiceUnavailableException',
    })
    expect(exposed).toMatchObject({ expose: true, errorType: 'ServiceUnavailableException' })
  })
})
