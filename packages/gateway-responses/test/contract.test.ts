import { renderErrorResponse, timeoutStatusFor } from '@gateproof/core'
import {
  CUSTOMISABLE_RESPONSE_TYPES,
  type CustomisableResponseType,
  GATEWAY_RESPONSE_TYPES,
  type GatewayResponseFormat,
  gatewayResponses,
  NOT_CUSTOMISABLE_RESPONSE_TYPES,
} from '@gateproof/gateway-responses'
import { simulateGateway } from '@gateproof/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  gatewayContext,
  parsed,
  REQUEST_ID,
  respond,
  selectTemplate,
  substitute,
} from './helpers/gateway.js'

interface Expected {
  status: number
  errorType: string
  /** The gateway's message shown as `detail` (4xx about the client's request). */
  showsMessage: boolean
  /** `$context.error.message`: from gateway-facts §3.1 where it names one, else illustrative. */
  message: string
}

/** What each generated type answers with by default: the specification. */
const EXPECTED: Record<CustomisableResponseType, Expected> = {
  ACCESS_DENIED: {
    status: 403,
    errorType: 'AccessDeniedException',
    showsMessage: true,
    message: 'User is not authorized to access this resource with an explicit deny',
  },
  API_CONFIGURATION_ERROR: {
    status: 500,
    errorType: 'InternalServerErrorException',
    showsMessage: false,
    message: 'Internal server error',
  },
  AUTHORIZER_CONFIGURATION_ERROR: {
    status: 500,
    errorType: 'AuthorizerConfigurationException',
    showsMessage: false,
    message: 'Authorizer configuration error',
  },
  AUTHORIZER_FAILURE: {
    status: 500,
    errorType: 'InternalServerErrorException',
    showsMessage: false,
    message: 'Authorizer error',
  },
  BAD_REQUEST_PARAMETERS: {
    status: 400,
    errorType: 'BadRequestException',
    showsMessage: true,
    message: 'Missing required request parameters: [page]',
  },
  BAD_REQUEST_BODY: {
    status: 400,
    errorType: 'BadRequestException',
    showsMessage: true,
    message: 'Invalid request body',
  },
  DEFAULT_4XX: {
    status: 400,
    errorType: 'BadRequestException',
    showsMessage: true,
    message: 'Bad Request',
  },
  DEFAULT_5XX: {
    status: 502,
    errorType: 'BadGatewayException',
    showsMessage: false,
    message: 'Internal server error',
  },
  EXPIRED_TOKEN: {
    status: 403,
    errorType: 'AccessDeniedException',
    showsMessage: true,
    message: 'The security token included in the request is expired',
  },
  INTEGRATION_FAILURE: {
    status: 503,
    errorType: 'ServiceUnavailableException',
    showsMessage: false,
    message: 'Internal server error',
  },
  INTEGRATION_TIMEOUT: {
    status: 504,
    errorType: 'GatewayTimeoutException',
    showsMessage: false,
    message: 'Endpoint request timed out',
  },
  INVALID_API_KEY: {
    status: 403,
    errorType: 'ForbiddenException',
    showsMessage: true,
    message: 'Forbidden',
  },
  INVALID_SIGNATURE: {
    status: 403,
    errorType: 'AccessDeniedException',
    showsMessage: true,
    message:
      "The request signature we calculated does not match the signature you provided.\n\nThe Canonical String for this request should have been\n'GET\n/prod/orders\n\nhost:api.example.com\n'",
  },
  MISSING_AUTHENTICATION_TOKEN: {
    status: 403,
    errorType: 'MissingAuthenticationTokenException',
    showsMessage: true,
    message: 'Missing Authentication Token',
  },
  QUOTA_EXCEEDED: {
    status: 429,
    errorType: 'LimitExceededException',
    showsMessage: true,
    message: 'Limit Exceeded',
  },
  RESOURCE_NOT_FOUND: {
    status: 404,
    errorType: 'NotFoundException',
    showsMessage: true,
    message: 'Not Found',
  },
  THROTTLED: {
    status: 429,
    errorType: 'TooManyRequestsException',
    showsMessage: true,
    message: 'Too Many Requests',
  },
  UNAUTHORIZED: {
    status: 401,
    errorType: 'UnauthorizedException',
    showsMessage: true,
    message: 'Unauthorized',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    errorType: 'UnsupportedMediaTypeException',
    showsMessage: true,
    message: 'Unsupported Media Type',
  },
  WAF_FILTERED: {
    status: 403,
    errorType: 'AccessDeniedException',
    showsMessage: true,
    message: 'Forbidden',
  },
}

const FORMATS: GatewayResponseFormat[] = ['problem', 'message']
const CASES = FORMATS.flatMap((format) =>
  CUSTOMISABLE_RESPONSE_TYPES.map((type) => [type, format] as const),
)

/** What a gateproof function answers for the same error. */
function functionAnswer(
  type: CustomisableResponseType,
  format: GatewayResponseFormat,
  message: string,
  requestId = REQUEST_ID,
) {
  const { status, errorType, showsMessage } = EXPECTED[type]
  const { isBase64Encoded: _, ...answer } = renderErrorResponse(
    {
      status,
      errorType,
      requestId,
      detail: showsMessage ? message : undefined,
      retryAfterSeconds: status === 429 || status === 503 ? 1 : undefined,
    },
    { format, integration: 'rest' },
  )
  return answer
}

function contextFor(type: CustomisableResponseType, message = EXPECTED[type].message) {
  return gatewayContext({ error: { message, responseType: type, validationErrorString: '' } })
}

describe('gatewayResponses: one shape, gateway or function', () => {
  it('generates every customisable type of §3.1 and leaves out REQUEST_TOO_LARGE, which cannot be customised', () => {
    expect(Object.keys(gatewayResponses()).sort()).toEqual(
      GATEWAY_RESPONSE_TYPES.filter((type) => type !== 'REQUEST_TOO_LARGE').sort(),
    )
    expect(NOT_CUSTOMISABLE_RESPONSE_TYPES).toEqual(['REQUEST_TOO_LARGE'])
  })

  it.each(CASES)(
    'answers %s in the %s format exactly as renderErrorResponse renders the same error',
    (type, format) => {
      const response = gatewayResponses({ format })[type]!
      const gateway = respond(response, contextFor(type))

      expect(parsed(gateway)).toEqual(parsed(functionAnswer(type, format, EXPECTED[type].message)))
    },
  )

  it.each(CASES)(
    'keeps %s (%s) valid JSON for any gateway message, quotes, backslashes and newlines included',
    (type, format) => {
      const response = gatewayResponses({ format })[type]!
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme' }), fc.uuid(), (message, requestId) => {
          const context = gatewayContext({
            requestId,
            error: { message, responseType: type, validationErrorString: '' },
          })
          // core leaves out an empty detail; the gateway renders whatever message it has.
          fc.pre(message !== '')
          expect(parsed(respond(response, context))).toEqual(
            parsed(functionAnswer(type, format, message, requestId)),
          )
        }),
        { numRuns: 50 },
      )
    },
  )

  it.each([
    'He said "stop" \\ and left',
    'line one\nline two\r\n\ttabbed',
    '$context.requestId is not substituted twice',
    '</script><script>alert(1)</script>',
    'separators \u2028 and \u2029, and a NUL \u0000',
    '{"message":"nested json"}',
  ])('shows the hostile message %j as detail, verbatim, on a 4xx type', (message) => {
    const gateway = respond(gatewayResponses().THROTTLED!, contextFor('THROTTLED', message))

    expect(JSON.parse(gateway.body)).toEqual({
      type: 'about:blank',
      title: 'Too Many Requests',
      status: 429,
      detail: message,
      errorType: 'TooManyRequestsException',
      requestId: REQUEST_ID,
    })
  })

  it('never shows a 5xx message, whatever the gateway says', () => {
    const gateway = respond(
      gatewayResponses().API_CONFIGURATION_ERROR!,
      contextFor(
        'API_CONFIGURATION_ERROR',
        'Execution failed: arn:aws:lambda:eu-west-1:123:function:x',
      ),
    )

    expect(JSON.parse(gateway.body)).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      errorType: 'InternalServerErrorException',
      requestId: REQUEST_ID,
    })
  })

  it('uses $context.error.messageString, because quoting $context.error.message breaks on the first quote', () => {
    const templates = Object.values(gatewayResponses()).flatMap((response) =>
      Object.values(response.responseTemplates),
    )
    expect(
      templates.filter((template) => /\$context\.error\.message(?!String)/.test(template)),
    ).toEqual([])

    const naive = '{"detail":"$context.error.message"}'
    const context = contextFor('THROTTLED', 'He said "stop"')
    expect(() => JSON.parse(substitute(naive, context))).toThrow(SyntaxError)
  })

  it('writes a static $ as a JSON escape, so substitution leaves titles and types alone', () => {
    const response = gatewayResponses({
      responses: {
        THROTTLED: {
          title: 'Costs $context.requestId',
          type: 'https://errors.example.com/$stageVariables.x',
        },
      },
    }).THROTTLED!

    expect(JSON.parse(respond(response, contextFor('THROTTLED')).body)).toMatchObject({
      title: 'Costs $context.requestId',
      type: 'https://errors.example.com/$stageVariables.x',
    })
  })

  it.each([
    undefined,
    'application/json',
    'application/problem+json',
    'text/html',
    'application/problem+json; q=0.9, */*',
  ])('renders the same problem body whatever the client accepts (Accept: %s)', (accept) => {
    const response = gatewayResponses().MISSING_AUTHENTICATION_TOKEN!
    const context = contextFor('MISSING_AUTHENTICATION_TOKEN')

    expect(parsed(respond(response, context, accept))).toEqual(
      parsed(
        functionAnswer('MISSING_AUTHENTICATION_TOKEN', 'problem', 'Missing Authentication Token'),
      ),
    )
    expect(Object.keys(response.responseTemplates)).toEqual([
      'application/json',
      'application/problem+json',
    ])
    expect(selectTemplate(response.responseTemplates, accept)).toBe(
      response.responseTemplates['application/json'],
    )
  })

  it('keys the message format by application/json only, its own content type', () => {
    const response = gatewayResponses({ format: 'message' }).THROTTLED!

    expect(Object.keys(response.responseTemplates)).toEqual(['application/json'])
    expect(response.responseParameters['gatewayresponse.header.Content-Type']).toBe(
      "'application/json'",
    )
  })

  it('takes requestId from $context.extendedRequestId when asked, the id clients cannot set', () => {
    const response = gatewayResponses({ requestIdVariable: 'extendedRequestId' }).THROTTLED!

    expect(JSON.parse(respond(response, contextFor('THROTTLED')).body)).toMatchObject({
      requestId: 'BqnGTHf7IAMF6Zw=',
    })
  })

  it('gives every type its own status, so a DEFAULT_4XX/5XX status never cascades onto them (§3.2)', () => {
    for (const response of Object.values(gatewayResponses())) {
      expect(response.statusCode).toMatch(/^[1-5]\d\d$/)
    }
  })
})

describe('gatewayResponses: the gateway errors gateway-facts §2.1 lists', () => {
  it('F-throttle: turns the Lambda throttle REST shows as 500 into 503 with Retry-After', () => {
    expect(simulateGateway('rest', { kind: 'throttled' })).toMatchObject({
      status: 500,
      body: '{"message": "Internal server error"}',
      gatewayError: true,
    })

    const gateway = respond(
      gatewayResponses().INTEGRATION_FAILURE!,
      contextFor('INTEGRATION_FAILURE'),
    )

    expect(parsed(gateway)).toEqual({
      statusCode: 503,
      headers: {
        'Content-Type': 'application/problem+json',
        'x-amzn-ErrorType': 'ServiceUnavailableException',
        'Retry-After': '1',
      },
      body: {
        type: 'about:blank',
        title: 'Service Unavailable',
        status: 503,
        errorType: 'ServiceUnavailableException',
        requestId: REQUEST_ID,
      },
    })
  })

  it('F-throttle: answers 429 for teams that want a throttle to read as one', () => {
    const response = gatewayResponses({ responses: { INTEGRATION_FAILURE: { statusCode: 429 } } })
      .INTEGRATION_FAILURE!

    expect(parsed(respond(response, contextFor('INTEGRATION_FAILURE')))).toEqual({
      statusCode: 429,
      headers: {
        'Content-Type': 'application/problem+json',
        'x-amzn-ErrorType': 'TooManyRequestsException',
        'Retry-After': '1',
      },
      body: {
        type: 'about:blank',
        title: 'Too Many Requests',
        status: 429,
        errorType: 'TooManyRequestsException',
        requestId: REQUEST_ID,
      },
    })
  })

  it('F-integration-timeout: keeps the gateway 504, the status the timeout guard answers on REST', () => {
    expect(simulateGateway('rest', { kind: 'integration-timeout' }).status).toBe(504)

    const response = gatewayResponses().INTEGRATION_TIMEOUT!

    expect(Number(response.statusCode)).toBe(timeoutStatusFor('rest'))
    expect(JSON.parse(respond(response, contextFor('INTEGRATION_TIMEOUT')).body)).toEqual({
      type: 'about:blank',
      title: 'Gateway Timeout',
      status: 504,
      errorType: 'GatewayTimeoutException',
      requestId: REQUEST_ID,
    })
  })

  it('F-unhandled: answers DEFAULT_5XX with the 502 a function error shows today, in the contract', () => {
    expect(simulateGateway('rest', { kind: 'threw' }).status).toBe(502)

    const gateway = respond(gatewayResponses().DEFAULT_5XX!, contextFor('DEFAULT_5XX'))

    expect(parsed(gateway)).toEqual(parsed(functionAnswer('DEFAULT_5XX', 'problem', '')))
    expect(gateway.statusCode).toBe(502)
  })
})
