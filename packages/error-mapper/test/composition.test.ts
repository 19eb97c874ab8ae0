import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb'
import { httpApiEvent, lambdaContext, restEvent, simulateGateway } from '@gateproof/testing'
import middy from '@middy/core'
import httpCors from '@middy/http-cors'
import httpErrorHandler from '@middy/http-error-handler'
import httpJsonBodyParser from '@middy/http-json-body-parser'
import httpSecurityHeaders from '@middy/http-security-headers'
import createError from 'http-errors'
import { describe, expect, it } from 'vitest'
import { errorMapper, errorMapperState } from '../src/index.js'
import { answerTo, context, expectedResponse, FRONT_DOORS, withParsedBody } from './support.js'

const REST = FRONT_DOORS.find((door) => door.integration === 'rest')!
const HTTP_V2 = FRONT_DOORS.find((door) => door.integration === 'http-v2')!

const throttle = () =>
  new ProvisionedThroughputExceededException({
    message: 'The level of configured provisioned throughput for table orders-prod was exceeded',
    $metadata: { httpStatusCode: 400 },
  })

const UNAVAILABLE = {
  status: 503,
  title: 'Service Unavailable',
  errorType: 'ServiceUnavailableException',
  retryAfter: '1',
}

const throwing = (thrown: unknown) =>
  middy(() => {
    throw thrown
  })

/** The headers a decorator middleware adds, read off a successful response. */
async function headersAddedBy(decorator: middy.MiddlewareObj): Promise<Record<string, string>> {
  const ok = middy(() => ({ statusCode: 200, headers: {}, body: '' })).use(decorator)
  const response = (await ok(restEvent(), context())) as { headers: Record<string, string> }
  return response.headers
}

describe('before and after: an SDK throttle', () => {
  it('without the mapper is the front door’s own 502 on REST and 500 on HTTP API (F-unhandled)', async () => {
    await expect(throwing(throttle())(restEvent(), context())).rejects.toThrow(
      ProvisionedThroughputExceededException,
    )
    expect(simulateGateway('rest', { kind: 'threw' })).toMatchObject({ status: 502 })
    expect(simulateGateway('http-v2', { kind: 'threw' })).toMatchObject({ status: 500 })
  })

  it('with the mapper is a delivered 503 with Retry-After (R-format, F-unhandled)', async () => {
    const response = await answerTo(throttle(), restEvent())
    expect(withParsedBody(response)).toEqual(expectedResponse(REST, UNAVAILABLE))
    expect(simulateGateway('rest', { kind: 'returned', value: response })).toMatchObject({
      status: 503,
      gatewayError: false,
      headers: { 'Retry-After': '1' },
    })
  })
})

describe('with @middy/http-error-handler', () => {
  it('renders the contract when used after http-error-handler, which then sees a response and stays out', async () => {
    const handler = throwing(createError(404, 'Order 42 does not exist'))
      .use(httpErrorHandler({ logger: false }))
      .use(errorMapper())
    const response = (await handler(restEvent(), context())) as Record<string, unknown>
    expect(withParsedBody(response)).toEqual(
      expectedResponse(REST, {
        status: 404,
        title: 'Not Found',
        errorType: 'NotFoundException',
        detail: 'Order 42 does not exist',
      }),
    )
  })

  it('stays out when used before http-error-handler, which renders first (its plain-text body, not the contract)', async () => {
    const handler = throwing(createError(404, 'Order 42 does not exist'))
      .use(errorMapper())
      .use(httpErrorHandler({ logger: false }))
    const response = await handler(restEvent(), context())
    expect(response).toEqual({
      statusCode: 404,
      headers: { 'Content-Type': 'text/plain' },
      body: 'Order 42 does not exist',
    })
  })

  it('turns what http-error-handler alone answers as a bare 500 into a 503 with Retry-After', async () => {
    const alone = throwing(throttle()).use(httpErrorHandler({ logger: false }))
    expect(await alone(restEvent(), context())).toEqual({ statusCode: 500, headers: {} })
    const mapped = throwing(throttle())
      .use(httpErrorHandler({ logger: false }))
      .use(errorMapper())
    const response = (await mapped(restEvent(), context())) as Record<string, unknown>
    expect(withParsedBody(response)).toEqual(expectedResponse(REST, UNAVAILABLE))
  })
})

describe('with @middy/http-cors', () => {
  const cors = () => httpCors({ origin: 'https://shop.example.com' })

  it('keeps the CORS headers when used after http-cors (its onError runs first)', async () => {
    const handler = throwing(throttle()).use(cors()).use(errorMapper())
    const response = (await handler(restEvent(), context())) as Record<string, unknown>
    expect(withParsedBody(response)).toEqual(
      expectedResponse(REST, { ...UNAVAILABLE, headers: await headersAddedBy(cors()) }),
    )
    expect(response.headers).toMatchObject({
      'Access-Control-Allow-Origin': 'https://shop.example.com',
    })
  })

  it('loses the CORS headers when used before http-cors, whose onError then finds no response yet', async () => {
    const handler = throwing(throttle()).use(errorMapper()).use(cors())
    const response = (await handler(restEvent(), context())) as Record<string, unknown>
    expect(withParsedBody(response)).toEqual(expectedResponse(REST, UNAVAILABLE))
  })
})

describe('with @middy/http-security-headers', () => {
  it('gets the security headers when used after http-security-headers', async () => {
    const handler = throwing(throttle()).use(httpSecurityHeaders()).use(errorMapper())
    const response = (await handler(restEvent(), context())) as Record<string, unknown>
    expect(withParsedBody(response)).toEqual(
      expectedResponse(REST, {
        ...UNAVAILABLE,
        headers: await headersAddedBy(httpSecurityHeaders()),
      }),
    )
  })
})

describe('the recommended chain: cors, security headers, http-error-handler, error mapper', () => {
  it.each([REST, HTTP_V2])(
    'answers $label with the contract plus every decoration ($rows)',
    async (door) => {
      const cors = () => httpCors({ origin: '*' })
      const handler = throwing(throttle())
        .use(cors())
        .use(httpSecurityHeaders())
        .use(httpErrorHandler({ logger: false }))
        .use(errorMapper())
      const response = (await handler(door.event(), context())) as Record<string, unknown>
      const decorations = {
        ...(await headersAddedBy(cors())),
        ...(await headersAddedBy(httpSecurityHeaders())),
      }
      expect(withParsedBody(response)).toEqual(
        expectedResponse(door, { ...UNAVAILABLE, headers: decorations }),
      )
      expect(
        simulateGateway(door.integration, { kind: 'returned', value: response }),
      ).toMatchObject({ status: 503, gatewayError: false })
    },
  )
})

describe("Middy core's early timeout", () => {
  it('answers REST 504 and aborts the handler signal before Lambda’s own timeout (F-integration-timeout)', async () => {
    let signal: AbortSignal | undefined
    const handler = middy(
      (_event: unknown, _context: unknown, options: { signal: AbortSignal }) => {
        signal = options.signal
        return new Promise(() => {})
      },
      { timeoutEarlyInMillis: 5 },
    ).use(errorMapper())
    const response = (await handler(restEvent(), lambdaContext({ remainingMs: 10 }))) as Record<
      string,
      unknown
    >
    expect(withParsedBody(response)).toEqual(
      expectedResponse(REST, {
        status: 504,
        title: 'Gateway Timeout',
        errorType: 'GatewayTimeoutException',
      }),
    )
    expect(signal?.aborted).toBe(true)
  })

  it('answers HTTP API 503 with Retry-After, what that gateway itself answers on a timeout (F-integration-timeout)', async () => {
    const handler = middy(() => new Promise(() => {}), { timeoutEarlyInMillis: 5 }).use(
      errorMapper(),
    )
    const response = (await handler(httpApiEvent(), lambdaContext({ remainingMs: 10 }))) as Record<
      string,
      unknown
    >
    expect(withParsedBody(response)).toEqual(expectedResponse(HTTP_V2, UNAVAILABLE))
    expect(simulateGateway('http-v2', { kind: 'integration-timeout' }).status).toBe(503)
  })
})

describe('with @middy/http-json-body-parser in the chain', () => {
  it('answers a malformed body 400 without echoing it', async () => {
    const handler = middy(() => ({ statusCode: 200, body: '' }))
      .use(httpJsonBodyParser())
      .use(errorMapper())
    const response = (await handler(
      restEvent({ headers: { 'Content-Type': 'application/json' }, body: '{"card": "4111' }),
      context(),
    )) as Record<string, unknown>
    expect(withParsedBody(response)).toEqual(
      expectedResponse(REST, {
        status: 400,
        title: 'Bad Request',
        errorType: 'BadRequestException',
        detail: 'Invalid or malformed JSON was provided',
      }),
    )
  })
})

describe('request.internal', () => {
  it('holds the decision as an http-errors error for onError middlewares that run later', async () => {
    let seen: ReturnType<typeof errorMapperState>
    const handler = throwing(throttle())
      .use({
        onError: (request) => {
          seen = errorMapperState(request)
        },
      })
      .use(errorMapper())
    await handler(restEvent(), context())
    expect(seen?.mapped.rule).toBe('aws-throttling')
    expect(seen?.error).toMatchObject({
      statusCode: 503,
      expose: false,
      errorType: 'ServiceUnavailableException',
      retryAfterSeconds: 1,
      cause: { package: '@gateproof/error-mapper', data: { rule: 'aws-throttling' } },
    })
  })

  it('leaves request.error as thrown, for error loggers that run later', async () => {
    const thrown = throttle()
    let seen: unknown
    const handler = throwing(thrown)
      .use({
        onError: (request) => {
          seen = request.error
        },
      })
      .use(errorMapper())
    await handler(restEvent(), context())
    expect(seen).toBe(thrown)
  })
})
