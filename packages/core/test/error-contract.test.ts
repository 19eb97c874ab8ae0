import {
  type ErrorDescription,
  type ErrorFormat,
  errorContract,
  formatErrorBody,
  INTEGRATIONS,
  PROBLEM_CONTENT_TYPE,
  type RenderedErrorResponse,
  renderErrorResponse,
  requestIdOf,
  retryAfterValue,
} from '@gateproof/core'
import {
  albEvent,
  functionUrlEvent,
  httpApiEvent,
  lambdaContext,
  restEvent,
} from '@gateproof/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

const REQUEST_ID = 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef'

const throttled: ErrorDescription = {
  status: 429,
  detail: 'Request rate exceeded. Retry after 2 seconds.',
  requestId: REQUEST_ID,
  retryAfterSeconds: 2,
}

const problem429 = JSON.stringify({
  type: 'about:blank',
  title: 'Too Many Requests',
  status: 429,
  detail: 'Request rate exceeded. Retry after 2 seconds.',
  errorType: 'TooManyRequestsException',
  requestId: REQUEST_ID,
})

const problemHeaders429 = {
  'Content-Type': 'application/problem+json',
  'x-amzn-ErrorType': 'TooManyRequestsException',
  'Retry-After': '2',
}

describe('renderErrorResponse: problem format (the default)', () => {
  it.each(['rest', 'http-v1', 'http-v2', 'function-url'] as const)(
    'renders a 429 for %s as the DESIGN.md example',
    (integration) => {
      expect(renderErrorResponse(throttled, { integration })).toEqual({
        statusCode: 429,
        headers: problemHeaders429,
        body: problem429,
        isBase64Encoded: false,
      })
    },
  )

  it('renders the same proxy result when the integration is not given', () => {
    expect(renderErrorResponse(throttled)).toEqual({
      statusCode: 429,
      headers: problemHeaders429,
      body: problem429,
      isBase64Encoded: false,
    })
  })

  it('adds statusDescription for ALB, which the target response format expects (§1.4)', () => {
    expect(renderErrorResponse(throttled, { integration: 'alb', event: albEvent() })).toEqual({
      statusCode: 429,
      statusDescription: '429 Too Many Requests',
      headers: problemHeaders429,
      body: problem429,
      isBase64Encoded: false,
    })
  })

  it('answers in multiValueHeaders when the ALB target group uses them (A2)', () => {
    const event = albEvent({}, { multiValueHeaders: true })
    expect(renderErrorResponse(throttled, { integration: 'alb', event })).toEqual({
      statusCode: 429,
      statusDescription: '429 Too Many Requests',
      multiValueHeaders: {
        'Content-Type': ['application/problem+json'],
        'x-amzn-ErrorType': ['TooManyRequestsException'],
        'Retry-After': ['2'],
      },
      body: problem429,
      isBase64Encoded: false,
    })
  })

  it('leaves out detail and requestId when they are not given', () => {
    expect(renderErrorResponse({ status: 404 })).toEqual({
      statusCode: 404,
      headers: { 'Content-Type': PROBLEM_CONTENT_TYPE, 'x-amzn-ErrorType': 'NotFoundException' },
      body: '{"type":"about:blank","title":"Not Found","status":404,"errorType":"NotFoundException"}',
      isBase64Encoded: false,
    })
  })

  it('uses the given type and title', () => {
    const response = renderErrorResponse({
      status: 409,
      type: 'https://example.com/problems/version-conflict',
      title: 'Version conflict',
      detail: 'Order 42 changed since you read it.',
    })
    expect(JSON.parse(response.body)).toEqual({
      type: 'https://example.com/problems/version-conflict',
      title: 'Version conflict',
      status: 409,
      detail: 'Order 42 changed since you read it.',
      errorType: 'ConflictException',
    })
  })

  it('adds extensions of an exposed error without letting them replace contract members', () => {
    const response = renderErrorResponse({
      status: 422,
      detail: 'The order is invalid.',
      extensions: {
        issues: [{ path: 'quantity', message: 'must be positive' }],
        status: 200,
        errorType: 'Spoofed',
      },
    })
    expect(JSON.parse(response.body)).toEqual({
      type: 'about:blank',
      title: 'Unprocessable Entity',
      status: 422,
      detail: 'The order is invalid.',
      errorType: 'UnprocessableEntityException',
      issues: [{ path: 'quantity', message: 'must be positive' }],
    })
  })

  it('renders without the extensions when they cannot be serialised', () => {
    const response = renderErrorResponse({ status: 400, extensions: { count: 10n } })
    expect(JSON.parse(response.body)).toEqual({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      errorType: 'BadRequestException',
    })
  })
})

describe('renderErrorResponse: message format', () => {
  it("mirrors API Gateway's own {message} body with errorType and requestId", () => {
    expect(renderErrorResponse(throttled, { format: 'message', integration: 'rest' })).toEqual({
      statusCode: 429,
      headers: {
        'Content-Type': 'application/json',
        'x-amzn-ErrorType': 'TooManyRequestsException',
        'Retry-After': '2',
      },
      body: JSON.stringify({
        message: 'Request rate exceeded. Retry after 2 seconds.',
        errorType: 'TooManyRequestsException',
        requestId: REQUEST_ID,
      }),
      isBase64Encoded: false,
    })
  })

  it('uses the title as the message of a 5xx, never the detail', () => {
    const response = renderErrorResponse(
      { status: 503, detail: 'redis at 10.0.0.7 refused', retryAfterSeconds: 1 },
      { format: 'message', integration: 'alb', event: albEvent() },
    )
    expect(response).toEqual({
      statusCode: 503,
      statusDescription: '503 Service Unavailable',
      headers: {
        'Content-Type': 'application/json',
        'x-amzn-ErrorType': 'ServiceUnavailableException',
        'Retry-After': '1',
      },
      body: '{"message":"Service Unavailable","errorType":"ServiceUnavailableException"}',
      isBase64Encoded: false,
    })
  })
})

describe('renderErrorResponse: custom formatter', () => {
  const plainText: ErrorFormat = (contract) => ({
    body: `${contract.status} ${contract.title}${contract.detail ? `: ${contract.detail}` : ''}`,
    contentType: 'text/plain; charset=utf-8',
  })

  it('renders the body and content type the formatter returns', () => {
    expect(
      renderErrorResponse(
        { status: 400, detail: 'quantity must be positive' },
        { format: plainText, integration: 'http-v2' },
      ),
    ).toEqual({
      statusCode: 400,
      headers: {
        'Content-Type': 'text/plain; charset=utf-8',
        'x-amzn-ErrorType': 'BadRequestException',
      },
      body: '400 Bad Request: quantity must be positive',
      isBase64Encoded: false,
    })
  })

  it('passes the formatter the whole contract', () => {
    const seen: unknown[] = []
    renderErrorResponse(throttled, {
      format: (contract) => {
        seen.push(contract)
        return { body: '', contentType: 'text/plain' }
      },
    })
    expect(seen).toEqual([JSON.parse(problem429)])
  })

  it('falls back to the problem format when the formatter throws', () => {
    const response = renderErrorResponse(throttled, {
      format: () => {
        throw new Error('formatter bug')
      },
    })
    expect(response).toEqual({
      statusCode: 429,
      headers: problemHeaders429,
      body: problem429,
      isBase64Encoded: false,
    })
  })

  it('falls back to the problem format when the formatter returns no string body', () => {
    const broken = (() => ({ body: { oops: true }, contentType: 'application/json' })) as unknown
    const response = renderErrorResponse(throttled, { format: broken as ErrorFormat })
    expect(response.body).toBe(problem429)
    expect(response.headers).toEqual(problemHeaders429)
  })
})

describe('exposure', () => {
  it('never puts the detail of a 5xx in the body unless exposed on purpose', () => {
    const leaky = {
      status: 500,
      detail: 'ECONNREFUSED 10.0.0.7:5432 password=hunter2',
      extensions: { stack: 'Error: at db.ts:12' },
      requestId: REQUEST_ID,
    }
    for (const format of ['problem', 'message'] as const) {
      const response = renderErrorResponse(leaky, { format })
      expect(response.body).not.toContain('hunter2')
      expect(response.body).not.toContain('db.ts')
    }
    expect(JSON.parse(renderErrorResponse(leaky).body)).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      errorType: 'InternalServerErrorException',
      requestId: REQUEST_ID,
    })
  })

  it('shows the detail of a 5xx that is exposed explicitly', () => {
    const body = JSON.parse(
      renderErrorResponse({ status: 503, detail: 'Shedding load.', expose: true }).body,
    )
    expect(body.detail).toBe('Shedding load.')
  })

  it('hides the detail and extensions of a 4xx marked expose: false', () => {
    const body = JSON.parse(
      renderErrorResponse({
        status: 401,
        detail: 'token signed with the wrong key',
        expose: false,
        extensions: { kid: 'abc' },
      }).body,
    )
    expect(body).toEqual({
      type: 'about:blank',
      title: 'Unauthorized',
      status: 401,
      errorType: 'UnauthorizedException',
    })
  })

  it('errorContract returns the body members for a status', () => {
    expect(errorContract({ status: 504 })).toEqual({
      type: 'about:blank',
      title: 'Gateway Timeout',
      status: 504,
      errorType: 'GatewayTimeoutException',
    })
  })

  it('renders a status no front door accepts as 500 instead', () => {
    for (const status of [999, 42, 404.5, Number.NaN]) {
      const response = renderErrorResponse({ status, detail: 'x' })
      expect(response.statusCode).toBe(500)
      expect(JSON.parse(response.body)).toMatchObject({
        status: 500,
        title: 'Internal Server Error',
      })
    }
  })
})

describe('Retry-After', () => {
  it.each([
    [2, '2'],
    [1.2, '2'],
    [0.2, '1'],
    [0, '1'],
    [-3, '1'],
    [Number.NaN, '1'],
    [Number.POSITIVE_INFINITY, '1'],
    [120, '120'],
  ])('renders %s seconds as %s (whole seconds, never 0)', (seconds, header) => {
    expect(retryAfterValue(seconds)).toBe(header)
    expect(renderErrorResponse({ status: 503, retryAfterSeconds: seconds }).headers).toMatchObject({
      'Retry-After': header,
    })
  })

  it('H3: is 1 second on a 429 or 503 given no retry time (every 429/503 carries one), absent elsewhere', () => {
    expect(renderErrorResponse({ status: 503 }).headers).toEqual({
      'Content-Type': PROBLEM_CONTENT_TYPE,
      'x-amzn-ErrorType': 'ServiceUnavailableException',
      'Retry-After': '1',
    })
    expect(renderErrorResponse({ status: 500 }).headers).not.toHaveProperty('Retry-After')
  })

  it('H3: a Retry-After from thrown headers that is not whole seconds is replaced on 429/503, dropped elsewhere', () => {
    const evil = { 'Retry-After': '1\r\nX-Evil: 1' }
    expect(renderErrorResponse({ status: 429, headers: evil }).headers?.['Retry-After']).toBe('1')
    expect(
      renderErrorResponse({ status: 429, headers: { 'retry-after': 'soon' } }).headers,
    ).toEqual(expect.objectContaining({ 'Retry-After': '1' }))
    expect(
      renderErrorResponse({ status: 400, headers: { 'Retry-After': '0' } }).headers,
    ).not.toHaveProperty('Retry-After')
    expect(
      renderErrorResponse({ status: 429, retryAfterSeconds: 1e9 }).headers?.['Retry-After'],
    ).toBe('86400')
  })
})

describe('x-amzn-ErrorType', () => {
  it.each([
    [400, 'BadRequestException'],
    [403, 'AccessDeniedException'],
    [404, 'NotFoundException'],
    [429, 'TooManyRequestsException'],
    [500, 'InternalServerErrorException'],
    [503, 'ServiceUnavailableException'],
    [504, 'GatewayTimeoutException'],
  ])('names %i %s in the header and the body', (status, errorType) => {
    const response = renderErrorResponse({ status })
    expect(response.headers).toMatchObject({ 'x-amzn-ErrorType': errorType })
    expect(JSON.parse(response.body).errorType).toBe(errorType)
  })

  it('takes a per-error errorType over the table', () => {
    const response = renderErrorResponse({ status: 403, errorType: 'InvalidApiKeyException' })
    expect(response.headers).toMatchObject({ 'x-amzn-ErrorType': 'InvalidApiKeyException' })
    expect(JSON.parse(response.body).errorType).toBe('InvalidApiKeyException')
  })

  it('takes the errorTypes option over the table', () => {
    const response = renderErrorResponse(
      { status: 429 },
      { errorTypes: { 429: 'ThrottlingException' } },
    )
    expect(response.headers).toMatchObject({ 'x-amzn-ErrorType': 'ThrottlingException' })
  })

  it('falls back to the reason phrase for a status the table lacks', () => {
    expect(renderErrorResponse({ status: 418 }).headers).toMatchObject({
      'x-amzn-ErrorType': 'ImATeapotException',
    })
    expect(renderErrorResponse({ status: 451 }).headers).toMatchObject({
      'x-amzn-ErrorType': 'UnavailableForLegalReasonsException',
    })
  })

  it('keeps body and header equal when the given errorType needs sanitising', () => {
    const response = renderErrorResponse({ status: 400, errorType: 'Bad\r\nSet-Cookie: x=1' })
    expect(response.headers).toMatchObject({ 'x-amzn-ErrorType': 'Bad Set-Cookie: x=1' })
    expect(JSON.parse(response.body).errorType).toBe('Bad Set-Cookie: x=1')
  })

  it('falls back to the table when the given errorType is only control characters', () => {
    const response = renderErrorResponse({ status: 400, errorType: '\r\n' })
    expect(response.headers).toMatchObject({ 'x-amzn-ErrorType': 'BadRequestException' })
  })
})

describe('requestId', () => {
  const lambda = lambdaContext({ awsRequestId: '8f507cfc-example-lambda-request' })

  it.each([
    ['rest', restEvent(), 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef'],
    ['http-v2', httpApiEvent(), 'JKJaXmPLvHcESHA='],
    ['function-url', functionUrlEvent(), 'd2d0f7a6-34c3-4e0b-9a5c-0e1e2fxmpl34'],
  ] as const)('is the gateway request id on %s', (integration, event, id) => {
    const response = renderErrorResponse(
      { status: 404, requestId: requestIdOf(event, lambda) },
      { integration, event },
    )
    expect(JSON.parse(response.body).requestId).toBe(id)
  })

  it('is the Lambda request id on ALB, whose events carry none', () => {
    const event = albEvent()
    const response = renderErrorResponse(
      { status: 404, requestId: requestIdOf(event, lambda) },
      { integration: 'alb', event },
    )
    expect(JSON.parse(response.body).requestId).toBe('8f507cfc-example-lambda-request')
  })

  it('is absent when neither the event nor the context has one', () => {
    expect(requestIdOf({}, {})).toBeUndefined()
    expect(requestIdOf(restEvent({ requestContext: { requestId: '' } }))).toBeUndefined()
  })
})

describe('headers of a rendered error', () => {
  it('keeps extra headers (CORS) and lets the contract headers win whatever the casing', () => {
    const response = renderErrorResponse({
      status: 429,
      retryAfterSeconds: 3,
      headers: {
        'Access-Control-Allow-Origin': 'https://shop.example.com',
        'content-type': 'text/html',
        'retry-after': '0',
        'X-Amzn-ErrorType': 'Spoofed',
      },
    })
    expect(response.headers).toEqual({
      'Access-Control-Allow-Origin': 'https://shop.example.com',
      'Content-Type': PROBLEM_CONTENT_TYPE,
      'x-amzn-ErrorType': 'TooManyRequestsException',
      'Retry-After': '3',
    })
  })

  it('drops header names that are not HTTP tokens and values that are not text', () => {
    const response = renderErrorResponse({
      status: 400,
      headers: {
        'Bad Name': 'x',
        'X-Evil\r\nSet-Cookie': 'y',
        'X-Null': null,
        'X-Object': { a: 1 },
        'X-Count': 3,
        'X-Flag': true,
      },
    })
    expect(response.headers).toEqual({
      'X-Count': '3',
      'X-Flag': 'true',
      'Content-Type': PROBLEM_CONTENT_TYPE,
      'x-amzn-ErrorType': 'BadRequestException',
    })
  })

  it('H3: drops a value holding CR, LF or NUL (never a repaired split) and turns other controls into spaces', () => {
    const response = renderErrorResponse({
      status: 400,
      headers: {
        'X-Reason': 'line one\r\nSet-Cookie: session=stolen',
        'X-Nul': 'a\u0000b',
        'X-Tab': 'a\u0007b',
      },
    })
    expect(response.headers).not.toHaveProperty('X-Reason')
    expect(response.headers).not.toHaveProperty('X-Nul')
    expect(response.headers).toMatchObject({ 'X-Tab': 'a b' })
  })
})

// What may never appear in a header: CR, LF, NUL and every other C0/C1 control or DEL
// (HTAB is legal inside a value), nor the Unicode line separators.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

const hostile = fc
  .array(
    fc.oneof(
      fc.constantFrom('\r', '\n', '\r\n', '\u0000', '\u0007', '\u007f', '\u0085', '\u2028', '\t'),
      fc.string({ unit: 'binary' }),
    ),
    { maxLength: 6 },
  )
  .map((parts) => parts.join(''))

const headerEntries = (response: RenderedErrorResponse): Array<[string, string]> => {
  const single = Object.entries(response.headers ?? {})
  const multi = Object.entries(response.multiValueHeaders ?? {})
  return [
    ...single,
    ...multi.flatMap(([name, values]) => values.map((v): [string, string] => [name, v])),
  ]
}

describe('header sanitising (property)', () => {
  it('never lets a CR, LF or control character into any header name or value', () => {
    fc.assert(
      fc.property(
        fc.record({
          status: fc.constantFrom(400, 401, 403, 404, 429, 500, 502, 503, 504),
          detail: hostile,
          title: hostile,
          errorType: fc.option(hostile, { nil: undefined }),
          requestId: hostile,
          retryAfterSeconds: fc.option(fc.double(), { nil: undefined }),
          headers: fc.dictionary(hostile, hostile, { maxKeys: 4 }),
        }),
        fc.constantFrom(...INTEGRATIONS),
        fc.constantFrom<ErrorFormat>('problem', 'message', (contract) => ({
          body: String(contract.detail),
          contentType: `text/plain; note=${contract.errorType}`,
        })),
        fc.boolean(),
        (error, integration, format, multiValue) => {
          const event = integration === 'alb' ? albEvent({}, { multiValueHeaders: multiValue }) : {}
          const response = renderErrorResponse(error, { integration, format, event })
          for (const [name, value] of headerEntries(response)) {
            expect(name).toMatch(TOKEN)
            expect(value).not.toMatch(UNSAFE)
          }
          expect(response.statusDescription ?? '').not.toMatch(UNSAFE)
          const errorType = headerEntries(response).find(([name]) => name === 'x-amzn-ErrorType')
          expect(errorType?.[1]).toBeTruthy()
          if (format !== 'problem' && format !== 'message') return
          expect(JSON.parse(response.body).errorType).toBe(errorType?.[1])
        },
      ),
      { numRuns: 300 },
    )
  })
})

describe('formatErrorBody', () => {
  it('formats a contract as problem+json by default', () => {
    expect(formatErrorBody(errorContract({ status: 404 }))).toEqual({
      body: '{"type":"about:blank","title":"Not Found","status":404,"errorType":"NotFoundException"}',
      contentType: 'application/problem+json',
    })
  })
})
