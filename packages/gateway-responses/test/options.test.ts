import { GateproofOptionsError } from '@gateproof/core'
import gatewayResponsesDefault, {
  type GatewayResponsesOptions,
  gatewayResponses,
} from '@gateproof/gateway-responses'
import { describe, expect, it } from 'vitest'
import { gatewayContext, REQUEST_ID, respond } from './helpers/gateway.js'

const PROBLEM_TEMPLATE_429 =
  '{"type":"about:blank","title":"Too Many Requests","status":429,"detail":$context.error.messageString,"errorType":"TooManyRequestsException","requestId":"$context.requestId"}'

describe('gatewayResponses: defaults', () => {
  it('defines THROTTLED as a 429 problem with Retry-After, header literals in single quotes', () => {
    expect(gatewayResponses().THROTTLED).toEqual({
      responseType: 'THROTTLED',
      statusCode: '429',
      responseParameters: {
        'gatewayresponse.header.Content-Type': "'application/problem+json'",
        'gatewayresponse.header.x-amzn-ErrorType': "'TooManyRequestsException'",
        'gatewayresponse.header.Retry-After': "'1'",
      },
      responseTemplates: {
        'application/json': PROBLEM_TEMPLATE_429,
        'application/problem+json': PROBLEM_TEMPLATE_429,
      },
    })
  })

  it('defines the message format as API Gateway-style {"message"} with errorType and requestId', () => {
    expect(gatewayResponses({ format: 'message' }).MISSING_AUTHENTICATION_TOKEN).toEqual({
      responseType: 'MISSING_AUTHENTICATION_TOKEN',
      statusCode: '403',
      responseParameters: {
        'gatewayresponse.header.Content-Type': "'application/json'",
        'gatewayresponse.header.x-amzn-ErrorType': "'MissingAuthenticationTokenException'",
      },
      responseTemplates: {
        'application/json':
          '{"message":$context.error.messageString,"errorType":"MissingAuthenticationTokenException","requestId":"$context.requestId"}',
      },
    })
  })

  it('is the default export too', () => {
    expect(gatewayResponsesDefault).toBe(gatewayResponses)
  })
})

describe('gatewayResponses: options', () => {
  it('generates only the types asked for', () => {
    expect(Object.keys(gatewayResponses({ types: ['THROTTLED', 'DEFAULT_5XX'] }))).toEqual([
      'DEFAULT_5XX',
      'THROTTLED',
    ])
  })

  it('sends Retry-After from retryAfterSeconds on every 429 and 503, rounded up to whole seconds', () => {
    const responses = gatewayResponses({
      retryAfterSeconds: 2.5,
      responses: { QUOTA_EXCEEDED: { retryAfterSeconds: 3600 } },
    })

    expect(responses.THROTTLED!.responseParameters['gatewayresponse.header.Retry-After']).toBe(
      "'3'",
    )
    expect(
      responses.INTEGRATION_FAILURE!.responseParameters['gatewayresponse.header.Retry-After'],
    ).toBe("'3'")
    expect(responses.QUOTA_EXCEEDED!.responseParameters['gatewayresponse.header.Retry-After']).toBe(
      "'3600'",
    )
    expect(
      Object.values(responses)
        .filter((r) => r.statusCode !== '429' && r.statusCode !== '503')
        .filter((r) => 'gatewayresponse.header.Retry-After' in r.responseParameters),
    ).toEqual([])
  })

  it('names a changed status by core, not by the gateway name of the old status', () => {
    const response = gatewayResponses({
      responses: { MISSING_AUTHENTICATION_TOKEN: { statusCode: 404 } },
    }).MISSING_AUTHENTICATION_TOKEN!
    const context = gatewayContext({
      error: {
        message: 'Missing Authentication Token',
        responseType: 'MISSING_AUTHENTICATION_TOKEN',
        validationErrorString: '',
      },
    })

    expect(JSON.parse(respond(response, context).body)).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'Missing Authentication Token',
      errorType: 'NotFoundException',
      requestId: REQUEST_ID,
    })
  })

  it('answers INTEGRATION_FAILURE with 504 and no Retry-After for teams that keep the documented status', () => {
    const response = gatewayResponses({ responses: { INTEGRATION_FAILURE: { statusCode: 504 } } })
      .INTEGRATION_FAILURE!

    expect(response.responseParameters).toEqual({
      'gatewayresponse.header.Content-Type': "'application/problem+json'",
      'gatewayresponse.header.x-amzn-ErrorType': "'GatewayTimeoutException'",
    })
  })

  it('uses the team’s errorTypes table before the gateway names, and a per-type errorType before both', () => {
    const responses = gatewayResponses({
      errorTypes: { 403: 'ForbiddenException', 429: 'SlowDownException' },
      responses: { ACCESS_DENIED: { errorType: 'PolicyDeniedException' } },
    })

    expect(responses.MISSING_AUTHENTICATION_TOKEN!.responseParameters).toMatchObject({
      'gatewayresponse.header.x-amzn-ErrorType': "'ForbiddenException'",
    })
    expect(responses.THROTTLED!.responseParameters).toMatchObject({
      'gatewayresponse.header.x-amzn-ErrorType': "'SlowDownException'",
    })
    expect(responses.ACCESS_DENIED!.responseParameters).toMatchObject({
      'gatewayresponse.header.x-amzn-ErrorType': "'PolicyDeniedException'",
    })
  })

  it('hides the gateway message when detail is false', () => {
    const response = gatewayResponses({ responses: { INVALID_SIGNATURE: { detail: false } } })
      .INVALID_SIGNATURE!

    expect(JSON.parse(respond(response, gatewayContext()).body)).toEqual({
      type: 'about:blank',
      title: 'Forbidden',
      status: 403,
      errorType: 'AccessDeniedException',
      requestId: REQUEST_ID,
    })
  })

  it('hides the gateway message of a client-message type moved to a 5xx status', () => {
    const response = gatewayResponses({ responses: { DEFAULT_4XX: { statusCode: 500 } } })
      .DEFAULT_4XX!

    expect(JSON.parse(respond(response, gatewayContext()).body)).not.toHaveProperty('detail')
  })

  it('adds CORS headers with the contract headers exposed to scripts', () => {
    expect(
      gatewayResponses({ cors: { allowOrigin: 'https://app.example.com', allowCredentials: true } })
        .UNAUTHORIZED!.responseParameters,
    ).toEqual({
      'gatewayresponse.header.Access-Control-Allow-Origin': "'https://app.example.com'",
      'gatewayresponse.header.Access-Control-Allow-Credentials': "'true'",
      'gatewayresponse.header.Access-Control-Expose-Headers':
        "'Retry-After, x-amzn-ErrorType, x-amzn-RequestId'",
      'gatewayresponse.header.Content-Type': "'application/problem+json'",
      'gatewayresponse.header.x-amzn-ErrorType': "'UnauthorizedException'",
    })
  })

  it('leaves Access-Control-Expose-Headers out when exposeHeaders is empty', () => {
    expect(
      gatewayResponses({ cors: { allowOrigin: '*', exposeHeaders: [] } }).UNAUTHORIZED!
        .responseParameters,
    ).toEqual({
      'gatewayresponse.header.Access-Control-Allow-Origin': "'*'",
      'gatewayresponse.header.Content-Type': "'application/problem+json'",
      'gatewayresponse.header.x-amzn-ErrorType': "'UnauthorizedException'",
    })
  })

  it('adds static headers, and the contract headers win over a header of the same name', () => {
    expect(
      gatewayResponses({
        headers: { 'Cache-Control': 'no-store', 'content-type': 'text/plain' },
      }).UNAUTHORIZED!.responseParameters,
    ).toEqual({
      'gatewayresponse.header.Cache-Control': "'no-store'",
      'gatewayresponse.header.Content-Type': "'application/problem+json'",
      'gatewayresponse.header.x-amzn-ErrorType': "'UnauthorizedException'",
    })
  })
})

describe('gatewayResponses: options are checked when the definition is built', () => {
  const rejects: Array<[string, GatewayResponsesOptions | Record<string, unknown>, RegExp]> = [
    ['an unknown option', { fromat: 'problem' }, /unknown option "fromat"/],
    ['an unknown format', { format: 'xml' }, /option "format" must be one of/],
    [
      'REQUEST_TOO_LARGE in types',
      { types: ['REQUEST_TOO_LARGE'] },
      /REQUEST_TOO_LARGE cannot be customised/,
    ],
    [
      'REQUEST_TOO_LARGE in responses',
      { responses: { REQUEST_TOO_LARGE: {} } },
      /cannot be customised/,
    ],
    [
      'a type that does not exist',
      { types: ['TEAPOT'] },
      /"TEAPOT" in option "types" is not a REST gateway response type/,
    ],
    ['an empty types list', { types: [] }, /option "types" must be a non-empty array/],
    [
      'a 3xx status',
      { responses: { THROTTLED: { statusCode: 302 } } },
      /responses.THROTTLED.statusCode" must be an integer from 400 to 599/,
    ],
    ['a status above 599', { responses: { THROTTLED: { statusCode: 600 } } }, /from 400 to 599/],
    [
      'an unknown override key',
      { responses: { THROTTLED: { status: 429 } } },
      /unknown option "status"/,
    ],
    [
      'a quote in an errorType',
      { responses: { THROTTLED: { errorType: "Slow'Down" } } },
      /single quote/,
    ],
    [
      'a newline in a title',
      { responses: { THROTTLED: { title: 'Too\nMany' } } },
      /control characters/,
    ],
    [
      'detail on a 5xx type',
      { responses: { INTEGRATION_TIMEOUT: { detail: true } } },
      /detail can only show/,
    ],
    [
      'detail on a type moved to 5xx',
      { responses: { THROTTLED: { statusCode: 503, detail: true } } },
      /detail can only show/,
    ],
    [
      'Retry-After below one second',
      { retryAfterSeconds: 0 },
      /option "retryAfterSeconds" must be a number ≥ 1/,
    ],
    [
      'a header value with a quote',
      { headers: { 'X-Note': "it's" } },
      /headers.X-Note" must not contain a single quote/,
    ],
    [
      'a header value with CR LF',
      { headers: { 'X-Note': 'a\r\nSet-Cookie: x' } },
      /single quote or control characters/,
    ],
    [
      'an invalid header name',
      { headers: { 'X Note': 'a' } },
      /"X Note" in option "headers" is not a header name/,
    ],
    ['CORS without an origin', { cors: {} }, /cors.allowOrigin" is required/],
    [
      'CORS credentials with any origin',
      { cors: { allowOrigin: '*', allowCredentials: true } },
      /needs a specific origin/,
    ],
    [
      'an exposed header that is not a name',
      { cors: { allowOrigin: '*', exposeHeaders: ['a b'] } },
      /is not a header name/,
    ],
    [
      'an errorTypes key that is not an error status',
      { errorTypes: { 200: 'Ok' } },
      /"200" in option "errorTypes" is not an error status/,
    ],
    [
      'an unknown requestIdVariable',
      { requestIdVariable: 'traceId' },
      /option "requestIdVariable" must be one of/,
    ],
  ]

  it.each(rejects)('rejects %s', (_name, options, message) => {
    const build = () => gatewayResponses(options as GatewayResponsesOptions)
    expect(build).toThrow(GateproofOptionsError)
    expect(build).toThrow(message)
  })
})
