import type { EventOf, Integration } from '@gateproof/core'
import type {
  ALBEvent,
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  LambdaFunctionURLEvent,
} from 'aws-lambda'

/** Overrides for an event: top-level keys replace, `requestContext` is merged one level deep. */
export type EventOverrides<E> = Partial<Omit<E, 'requestContext'>> & {
  requestContext?: Partial<E extends { requestContext: infer R } ? R : never>
}

export interface EventTimeOptions {
  /** When the front door received the request (epoch ms); defaults to now. */
  arrivedAt?: number
}

const identity = {
  accessKey: null,
  accountId: null,
  apiKey: null,
  apiKeyId: null,
  caller: null,
  clientCert: null,
  cognitoAuthenticationProvider: null,
  cognitoAuthenticationType: null,
  cognitoIdentityId: null,
  cognitoIdentityPoolId: null,
  principalOrgId: null,
  sourceIp: '203.0.113.10',
  user: null,
  userAgent: 'curl/8.5.0',
  userArn: null,
}

const clfTime = (ms: number): string => {
  const d = new Date(ms)
  const month = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' })
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${pad(d.getUTCDate())}/${month}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`
}

function merge<E extends { requestContext: object }>(
  base: E,
  overrides: EventOverrides<E> = {},
): E {
  const { requestContext, ...rest } = overrides
  return {
    ...base,
    ...rest,
    requestContext: { ...base.requestContext, ...requestContext },
  } as E
}

/** An API Gateway REST API (Lambda proxy) event, as in the AWS input-format sample. */
export function restEvent(
  overrides?: EventOverrides<APIGatewayProxyEvent>,
  { arrivedAt = Date.now() }: EventTimeOptions = {},
): APIGatewayProxyEvent {
  return merge<APIGatewayProxyEvent>(
    {
      resource: '/orders/{id}',
      path: '/orders/42',
      httpMethod: 'GET',
      headers: {
        Accept: 'application/json',
        Host: 'abc123.execute-api.us-east-1.amazonaws.com',
        'User-Agent': 'curl/8.5.0',
        'X-Amzn-Trace-Id': 'Root=1-5e66d96f-7491f09xmpl79d18acf3d050',
      },
      multiValueHeaders: {
        Accept: ['application/json'],
        Host: ['abc123.execute-api.us-east-1.amazonaws.com'],
        'User-Agent': ['curl/8.5.0'],
        'X-Amzn-Trace-Id': ['Root=1-5e66d96f-7491f09xmpl79d18acf3d050'],
      },
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      pathParameters: { id: '42' },
      stageVariables: null,
      requestContext: {
        accountId: '123456789012',
        apiId: 'abc123',
        authorizer: null,
        domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
        domainPrefix: 'abc123',
        extendedRequestId: 'JJbxmHrwvHcFxmA=',
        httpMethod: 'GET',
        identity,
        path: '/prod/orders/42',
        protocol: 'HTTP/1.1',
        requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
        requestTime: clfTime(arrivedAt),
        requestTimeEpoch: arrivedAt,
        resourceId: 'abcdef',
        resourcePath: '/orders/{id}',
        stage: 'prod',
      },
      body: null,
      isBase64Encoded: false,
    },
    overrides,
  )
}

/** An API Gateway HTTP API event in payload format 1.0. */
export function httpApiV1Event(
  overrides?: EventOverrides<APIGatewayProxyEvent>,
  { arrivedAt = Date.now() }: EventTimeOptions = {},
): APIGatewayProxyEvent {
  const base = restEvent(undefined, { arrivedAt })
  return merge<APIGatewayProxyEvent>(
    {
      ...base,
      version: '1.0',
      resource: '/orders/{id}',
      headers: {
        accept: 'application/json',
        host: 'r3pmxmplak.execute-api.us-east-1.amazonaws.com',
        'user-agent': 'curl/8.5.0',
        'x-amzn-trace-id': 'Root=1-5e6722a7-cc56xmpl46db7ae02d4da47e',
      },
      multiValueHeaders: {
        accept: ['application/json'],
        host: ['r3pmxmplak.execute-api.us-east-1.amazonaws.com'],
        'user-agent': ['curl/8.5.0'],
        'x-amzn-trace-id': ['Root=1-5e6722a7-cc56xmpl46db7ae02d4da47e'],
      },
      requestContext: {
        ...base.requestContext,
        apiId: 'r3pmxmplak',
        domainName: 'r3pmxmplak.execute-api.us-east-1.amazonaws.com',
        domainPrefix: 'r3pmxmplak',
        extendedRequestId: 'JJbxmHrwvHcFxmA=',
        path: '/orders/42',
        requestId: 'JJbxmHrwvHcFxmA=',
        resourceId: 'GET /orders/{id}',
        resourcePath: '/orders/{id}',
        routeKey: 'GET /orders/{id}',
        stage: '$default',
      } as APIGatewayProxyEvent['requestContext'],
    } as APIGatewayProxyEvent,
    overrides,
  )
}

/** An API Gateway HTTP API event in payload format 2.0. */
export function httpApiEvent(
  overrides?: EventOverrides<APIGatewayProxyEventV2>,
  { arrivedAt = Date.now() }: EventTimeOptions = {},
): APIGatewayProxyEventV2 {
  return merge<APIGatewayProxyEventV2>(
    {
      version: '2.0',
      routeKey: 'GET /orders/{id}',
      rawPath: '/orders/42',
      rawQueryString: '',
      cookies: ['session=abc'],
      headers: {
        accept: 'application/json',
        host: 'r3pmxmplak.execute-api.us-east-1.amazonaws.com',
        'user-agent': 'curl/8.5.0',
        'x-amzn-trace-id': 'Root=1-5e6722a7-cc56xmpl46db7ae02d4da47e',
      },
      pathParameters: { id: '42' },
      requestContext: {
        accountId: '123456789012',
        apiId: 'r3pmxmplak',
        domainName: 'r3pmxmplak.execute-api.us-east-1.amazonaws.com',
        domainPrefix: 'r3pmxmplak',
        http: {
          method: 'GET',
          path: '/orders/42',
          protocol: 'HTTP/1.1',
          sourceIp: '203.0.113.10',
          userAgent: 'curl/8.5.0',
        },
        requestId: 'JKJaXmPLvHcESHA=',
        routeKey: 'GET /orders/{id}',
        stage: '$default',
        time: clfTime(arrivedAt),
        timeEpoch: arrivedAt,
      },
      isBase64Encoded: false,
    },
    overrides,
  )
}

/** A Lambda Function URL event: the 2.0 schema on a `*.lambda-url.<region>.on.aws` domain. */
export function functionUrlEvent(
  overrides?: EventOverrides<LambdaFunctionURLEvent>,
  { arrivedAt = Date.now() }: EventTimeOptions = {},
): LambdaFunctionURLEvent {
  return merge<LambdaFunctionURLEvent>(
    {
      version: '2.0',
      routeKey: '$default',
      rawPath: '/orders/42',
      rawQueryString: '',
      headers: {
        accept: 'application/json',
        host: 'a3xmpl4cnyymgkd5bqtamqk4mu0dbbrq.lambda-url.us-east-1.on.aws',
        'user-agent': 'curl/8.5.0',
        'x-amzn-trace-id': 'Root=1-5eb33c07-de25b420xmpl5fa79d6e8cd8',
      },
      requestContext: {
        accountId: 'anonymous',
        apiId: 'a3xmpl4cnyymgkd5bqtamqk4mu0dbbrq',
        domainName: 'a3xmpl4cnyymgkd5bqtamqk4mu0dbbrq.lambda-url.us-east-1.on.aws',
        domainPrefix: 'a3xmpl4cnyymgkd5bqtamqk4mu0dbbrq',
        http: {
          method: 'GET',
          path: '/orders/42',
          protocol: 'HTTP/1.1',
          sourceIp: '203.0.113.10',
          userAgent: 'curl/8.5.0',
        },
        requestId: 'd2d0f7a6-34c3-4e0b-9a5c-0e1e2fxmpl34',
        routeKey: '$default',
        stage: '$default',
        time: clfTime(arrivedAt),
        timeEpoch: arrivedAt,
      },
      isBase64Encoded: false,
    },
    overrides,
  )
}

export interface AlbEventOptions extends EventTimeOptions {
  /** The target group has `lambda.multi_value_headers.enabled`. */
  multiValueHeaders?: boolean
}

/** An Application Load Balancer event; arrival time is encoded in `X-Amzn-Trace-Id` (1 s resolution). */
export function albEvent(
  overrides?: EventOverrides<ALBEvent>,
  { arrivedAt = Date.now(), multiValueHeaders = false }: AlbEventOptions = {},
): ALBEvent {
  const seconds = Math.floor(arrivedAt / 1000)
    .toString(16)
    .padStart(8, '0')
  const headers: Record<string, string> = {
    accept: 'application/json',
    host: 'lambda-alb-123578498.us-east-1.elb.amazonaws.com',
    'user-agent': 'curl/8.5.0',
    'x-amzn-trace-id': `Root=1-${seconds}-0123456789abcdef01234567`,
    'x-forwarded-for': '203.0.113.10',
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
  }
  const base: ALBEvent = {
    requestContext: {
      elb: {
        targetGroupArn:
          'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/lambda-279XGJDqGZ5rsrHC2Fjr/49e9d65c45c6791a',
      },
    },
    httpMethod: 'GET',
    path: '/orders/42',
    body: '',
    isBase64Encoded: false,
    ...(multiValueHeaders
      ? {
          multiValueQueryStringParameters: {},
          multiValueHeaders: Object.fromEntries(
            Object.entries(headers).map(([name, value]) => [name, [value]]),
          ),
        }
      : { queryStringParameters: {}, headers }),
  }
  return merge<ALBEvent>(base, overrides)
}

type EventFactory<I extends Integration> = (
  overrides?: EventOverrides<EventOf<I>>,
  options?: AlbEventOptions,
) => EventOf<I>

const factories: { [I in Integration]: EventFactory<I> } = {
  rest: restEvent,
  'http-v1': httpApiV1Event,
  'http-v2': httpApiEvent,
  alb: albEvent,
  'function-url': functionUrlEvent,
}

/**
 * The event `integration` sends, from that front door's factory above: for tests that run
 * over every front door. `multiValueHeaders` is read for `alb` only.
 */
export function eventFor<I extends Integration>(
  integration: I,
  overrides?: EventOverrides<EventOf<I>>,
  options?: AlbEventOptions,
): EventOf<I> {
  return factories[integration](overrides, options)
}
