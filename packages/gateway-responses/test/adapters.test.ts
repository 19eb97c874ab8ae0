import { GateproofOptionsError } from '@gateproof/core'
import {
  addGatewayResponses,
  type CloudFormationGatewayResponse,
  GATEWAY_RESPONSE_TYPES,
  type GatewayResponses,
  gatewayResponses,
  OPENAPI_EXTENSION,
  toCloudFormation,
  toOpenApi,
  toSam,
} from '@gateproof/gateway-responses'
import { App, Stack } from 'aws-cdk-lib'
import { Template } from 'aws-cdk-lib/assertions'
import { CfnGatewayResponse, ResponseType } from 'aws-cdk-lib/aws-apigateway'
import { describe, expect, it } from 'vitest'

const responses = gatewayResponses({ cors: { allowOrigin: 'https://app.example.com' } })
const throttled = responses.THROTTLED!

/**
 * `AWS::ApiGateway::GatewayResponse` as documented: ResponseType (required, one of the 21
 * API values), RestApiId (required), StatusCode (String, `[1-5]\d\d`), ResponseParameters and
 * ResponseTemplates (maps of String). Static header values are literals in single quotes (§3.3).
 */
function violations(logicalId: string, resource: unknown): string[] {
  const found: string[] = []
  const { Type, Properties, ...rest } = resource as CloudFormationGatewayResponse
  if (Type !== 'AWS::ApiGateway::GatewayResponse') found.push(`${logicalId}: Type ${Type}`)
  if (Object.keys(rest).length > 0) found.push(`${logicalId}: extra ${Object.keys(rest)}`)
  if (!/^[A-Za-z0-9]{1,255}$/.test(logicalId)) found.push(`${logicalId}: logical id`)
  const allowed = [
    'ResponseType',
    'RestApiId',
    'StatusCode',
    'ResponseParameters',
    'ResponseTemplates',
  ]
  for (const key of Object.keys(Properties)) {
    if (!allowed.includes(key)) found.push(`${logicalId}: property ${key}`)
  }
  if (!(GATEWAY_RESPONSE_TYPES as readonly unknown[]).includes(Properties.ResponseType)) {
    found.push(`${logicalId}: ResponseType ${Properties.ResponseType}`)
  }
  if (Properties.RestApiId === undefined) found.push(`${logicalId}: RestApiId missing`)
  if (typeof Properties.StatusCode !== 'string' || !/^[1-5]\d\d$/.test(Properties.StatusCode)) {
    found.push(`${logicalId}: StatusCode ${String(Properties.StatusCode)}`)
  }
  for (const [key, value] of Object.entries(Properties.ResponseParameters ?? {})) {
    if (!/^gatewayresponse\.header\.[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key)) {
      found.push(`${logicalId}: parameter ${key}`)
    }
    if (typeof value !== 'string' || !/^'[^'\r\n]*'$/.test(value)) {
      found.push(`${logicalId}: value ${String(value)}`)
    }
  }
  for (const [key, value] of Object.entries(Properties.ResponseTemplates ?? {})) {
    if (!/^[\w.+-]+\/[\w.+-]+$/.test(key) || typeof value !== 'string') {
      found.push(`${logicalId}: template ${key}`)
    }
  }
  return found
}

describe('toCloudFormation', () => {
  const resources = toCloudFormation(responses, { restApiId: { Ref: 'Api' } })

  it('makes one AWS::ApiGateway::GatewayResponse per type with only the documented properties', () => {
    expect(Object.keys(resources)).toHaveLength(20)
    expect(Object.entries(resources).flatMap(([id, resource]) => violations(id, resource))).toEqual(
      [],
    )
  })

  it('catches what the documented properties forbid, so the check above can fail', () => {
    const bad = {
      Type: 'AWS::ApiGateway::GatewayResponse',
      Properties: {
        ResponseType: 'REQUEST_TOO_BIG',
        RestApiId: { Ref: 'Api' },
        StatusCode: 429,
        ResponseParameters: { 'Retry-After': '1' },
        ResponseTemplates: {},
        DefaultResponse: true,
      },
    }
    expect(violations('Bad', bad)).toEqual([
      'Bad: property DefaultResponse',
      'Bad: ResponseType REQUEST_TOO_BIG',
      'Bad: StatusCode 429',
      'Bad: parameter Retry-After',
      'Bad: value 1',
    ])
  })

  it('renders THROTTLED as a copy of the definition under a PascalCase logical id', () => {
    expect(resources.GatewayResponseThrottled).toEqual({
      Type: 'AWS::ApiGateway::GatewayResponse',
      Properties: {
        ResponseType: 'THROTTLED',
        RestApiId: { Ref: 'Api' },
        StatusCode: '429',
        ResponseParameters: throttled.responseParameters,
        ResponseTemplates: throttled.responseTemplates,
      },
    })
    expect(Object.keys(resources)).toContain('GatewayResponseDefault4xx')
  })

  it('is what CloudFormation’s own resource schema (CDK’s generated CfnGatewayResponse) accepts', () => {
    const stack = new Stack(new App(), 'Schema')
    for (const [id, { Properties }] of Object.entries(resources)) {
      new CfnGatewayResponse(stack, id, {
        responseType: Properties.ResponseType,
        restApiId: 'abc123',
        statusCode: Properties.StatusCode,
        responseParameters: Properties.ResponseParameters,
        responseTemplates: Properties.ResponseTemplates,
      })
    }
    const synthesised = Template.fromStack(stack).findResources('AWS::ApiGateway::GatewayResponse')

    expect(synthesised).toEqual(
      Object.fromEntries(
        Object.entries(resources).map(([id, resource]) => [
          id,
          { ...resource, Properties: { ...resource.Properties, RestApiId: 'abc123' } },
        ]),
      ),
    )
  }, 60_000)

  it('takes a logical id prefix', () => {
    expect(
      Object.keys(
        toCloudFormation(gatewayResponses({ types: ['THROTTLED'] }), {
          restApiId: 'abc123',
          logicalIdPrefix: 'Orders',
        }),
      ),
    ).toEqual(['OrdersThrottled'])
  })

  it.each([
    ['no restApiId', {}, /option "restApiId"/],
    ['an empty restApiId', { restApiId: '' }, /option "restApiId"/],
    [
      'a logical id prefix with a dash',
      { restApiId: 'a', logicalIdPrefix: 'My-Api' },
      /logicalIdPrefix/,
    ],
    ['an unknown option', { restApiId: 'a', stage: 'prod' }, /unknown option "stage"/],
  ])('rejects %s', (_name, options, message) => {
    expect(() => toCloudFormation(responses, options as { restApiId: string })).toThrow(message)
  })
})

/** SAM's translation of `GatewayResponses` (samtranslator `ApiGatewayResponse.generate_swagger`). */
function samTranslate(sam: ReturnType<typeof toSam>['GatewayResponses']) {
  const prefixes = { Headers: 'header', Paths: 'path', QueryStrings: 'querystring' } as const
  return Object.fromEntries(
    Object.entries(sam).map(([type, response]) => [
      type,
      {
        responseParameters: Object.fromEntries(
          Object.entries(response.ResponseParameters).flatMap(([group, values]) =>
            Object.entries(values ?? {}).map(([name, value]) => [
              `gatewayresponse.${prefixes[group as keyof typeof prefixes]}.${name}`,
              value,
            ]),
          ),
        ),
        responseTemplates: response.ResponseTemplates,
        statusCode: response.StatusCode,
      },
    ]),
  )
}

describe('toSam', () => {
  it('renders the GatewayResponses property with headers under ResponseParameters.Headers', () => {
    expect(toSam({ THROTTLED: throttled }).GatewayResponses).toEqual({
      THROTTLED: {
        StatusCode: '429',
        ResponseParameters: {
          Headers: {
            'Access-Control-Allow-Origin': "'https://app.example.com'",
            'Access-Control-Expose-Headers': "'Retry-After, x-amzn-ErrorType, x-amzn-RequestId'",
            'Content-Type': "'application/problem+json'",
            'x-amzn-ErrorType': "'TooManyRequestsException'",
            'Retry-After': "'1'",
          },
        },
        ResponseTemplates: throttled.responseTemplates,
      },
    })
  })

  it('translates, the way SAM does, into exactly the OpenAPI extension', () => {
    expect(samTranslate(toSam(responses).GatewayResponses)).toEqual(
      toOpenApi(responses)[OPENAPI_EXTENSION],
    )
  })

  it('groups path and query string parameters of a hand-edited definition too', () => {
    const edited: GatewayResponses = {
      THROTTLED: {
        ...throttled,
        responseParameters: {
          'gatewayresponse.header.Retry-After': "'1'",
          'gatewayresponse.path.id': 'method.request.path.id',
          'gatewayresponse.querystring.page': 'method.request.querystring.page',
        },
      },
    }
    expect(toSam(edited).GatewayResponses.THROTTLED!.ResponseParameters).toEqual({
      Headers: { 'Retry-After': "'1'" },
      Paths: { id: 'method.request.path.id' },
      QueryStrings: { page: 'method.request.querystring.page' },
    })
  })
})

describe('toOpenApi', () => {
  it('renders the x-amazon-apigateway-gateway-responses extension keyed by type', () => {
    const extension = toOpenApi(responses)

    expect(Object.keys(extension)).toEqual(['x-amazon-apigateway-gateway-responses'])
    expect(Object.keys(extension[OPENAPI_EXTENSION])).toHaveLength(20)
    expect(extension[OPENAPI_EXTENSION].THROTTLED).toEqual({
      statusCode: '429',
      responseParameters: throttled.responseParameters,
      responseTemplates: throttled.responseTemplates,
    })
  })
})

describe('addGatewayResponses', () => {
  it.each([
    ['no ResponseType class', {}, /option "ResponseType"/],
    ['an id prefix with a slash', { ResponseType, idPrefix: 'a/b' }, /option "idPrefix"/],
  ])('rejects %s', (_name, options, message) => {
    const api = { addGatewayResponse: () => undefined }
    expect(() =>
      addGatewayResponses(api, responses, options as { ResponseType: typeof ResponseType }),
    ).toThrow(message)
  })

  it('rejects a value that is not a RestApi', () => {
    expect(() => addGatewayResponses({} as never, responses, { ResponseType })).toThrow(
      GateproofOptionsError,
    )
  })
})
