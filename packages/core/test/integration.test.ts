import {
  albMultiValueHeaders,
  detectIntegration,
  INTEGRATIONS,
  isHttpApi,
  isObject,
  usesPayloadV2,
} from '@gateproof/core'
import {
  albEvent,
  functionUrlEvent,
  httpApiEvent,
  httpApiV1Event,
  restEvent,
} from '@gateproof/testing'
import { describe, expect, it } from 'vitest'

// Literal samples in the shape of the AWS documentation's input-format examples.
const restSample = {
  resource: '/my/path',
  path: '/my/path',
  httpMethod: 'GET',
  headers: { header1: 'value1', header2: 'value1,value2' },
  multiValueHeaders: { header1: ['value1'], header2: ['value1', 'value2'] },
  queryStringParameters: { parameter1: 'value1,value2', parameter2: 'value' },
  multiValueQueryStringParameters: { parameter1: ['value1', 'value2'], parameter2: ['value'] },
  requestContext: {
    accountId: '123456789012',
    apiId: 'id',
    authorizer: { claims: null, scopes: null },
    domainName: 'id.execute-api.us-east-1.amazonaws.com',
    domainPrefix: 'id',
    extendedRequestId: 'request-id',
    httpMethod: 'GET',
    identity: { sourceIp: '192.0.2.1', userAgent: 'user-agent' },
    path: '/my/path',
    protocol: 'HTTP/1.1',
    requestId: 'id=',
    requestTime: '04/Mar/2020:19:15:17 +0000',
    requestTimeEpoch: 1583349317135,
    resourceId: null,
    resourcePath: '/my/path',
    stage: '$default',
  },
  pathParameters: null,
  stageVariables: null,
  body: 'Hello from Lambda!',
  isBase64Encoded: false,
}

const httpApiV1Sample = { version: '1.0', ...restSample }

const httpApiV2Sample = {
  version: '2.0',
  routeKey: '$default',
  rawPath: '/my/path',
  rawQueryString: 'parameter1=value1&parameter1=value2&parameter2=value',
  cookies: ['cookie1', 'cookie2'],
  headers: { header1: 'value1', header2: 'value1,value2' },
  queryStringParameters: { parameter1: 'value1,value2', parameter2: 'value' },
  requestContext: {
    accountId: '123456789012',
    apiId: 'api-id',
    domainName: 'id.execute-api.us-east-1.amazonaws.com',
    domainPrefix: 'id',
    http: {
      method: 'POST',
      path: '/my/path',
      protocol: 'HTTP/1.1',
      sourceIp: '192.0.2.1',
      userAgent: 'agent',
    },
    requestId: 'id',
    routeKey: '$default',
    stage: '$default',
    time: '12/Mar/2020:19:03:58 +0000',
    timeEpoch: 1583348638390,
  },
  body: 'Hello from Lambda',
  pathParameters: { parameter1: 'value1' },
  isBase64Encoded: false,
  stageVariables: { stageVariable1: 'value1', stageVariable2: 'value2' },
}

const functionUrlSample = {
  version: '2.0',
  routeKey: '$default',
  rawPath: '/my/path',
  rawQueryString: 'parameter1=value1&parameter1=value2&parameter2=value',
  cookies: ['cookie1', 'cookie2'],
  headers: { header1: 'value1', header2: 'value1,value2' },
  queryStringParameters: { parameter1: 'value1,value2', parameter2: 'value' },
  requestContext: {
    accountId: '123456789012',
    apiId: 'a3xmpl4cnyymgkd5bqtamqk4mu0dbbrq',
    authentication: null,
    authorizer: {
      iam: {
        accessKey: 'AKIA...',
        accountId: '111122223333',
        callerId: 'AIDA...',
        cognitoIdentity: null,
        principalOrgId: null,
        userArn: 'arn:aws:iam::111122223333:user/example-user',
        userId: 'AIDA...',
      },
    },
    domainName: 'a3xmpl4cnyymgkd5bqtamqk4mu0dbbrq.lambda-url.us-west-2.on.aws',
    domainPrefix: 'a3xmpl4cnyymgkd5bqtamqk4mu0dbbrq',
    http: {
      method: 'POST',
      path: '/my/path',
      protocol: 'HTTP/1.1',
      sourceIp: '123.123.123.123',
      userAgent: 'agent',
    },
    requestId: 'id',
    routeKey: '$default',
    stage: '$default',
    time: '12/Mar/2020:19:03:58 +0000',
    timeEpoch: 1583348638390,
  },
  body: 'Hello from client!',
  pathParameters: null,
  isBase64Encoded: false,
  stageVariables: null,
}

const albSample = {
  requestContext: {
    elb: {
      targetGroupArn:
        'arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/lambda-279XGJDqGZ5rsrHC2Fjr/49e9d65c45c6791a',
    },
  },
  httpMethod: 'GET',
  path: '/lambda',
  queryStringParameters: { query: '1234ABCD' },
  headers: {
    accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/webp,*/*;q=0.8',
    'accept-encoding': 'gzip',
    connection: 'keep-alive',
    host: 'lambda-alb-123578498.us-east-2.elb.amazonaws.com',
    'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)',
    'x-amzn-trace-id': 'Root=1-5c536348-3d683b8b04734faae651f476',
    'x-forwarded-for': '72.12.164.125',
    'x-forwarded-port': '80',
    'x-forwarded-proto': 'http',
  },
  body: '',
  isBase64Encoded: false,
}

const albMultiValueSample = {
  requestContext: albSample.requestContext,
  httpMethod: 'GET',
  path: '/lambda',
  multiValueQueryStringParameters: { query: ['1234ABCD'] },
  multiValueHeaders: Object.fromEntries(
    Object.entries(albSample.headers).map(([name, value]) => [name, [value]]),
  ),
  body: '',
  isBase64Encoded: false,
}

describe('detectIntegration', () => {
  it.each([
    ['rest', 'a REST API proxy sample (no version field)', restSample],
    ['http-v1', 'an HTTP API payload 1.0 sample (version "1.0")', httpApiV1Sample],
    ['http-v2', 'an HTTP API payload 2.0 sample', httpApiV2Sample],
    ['function-url', 'a Function URL sample on a *.lambda-url.* domain', functionUrlSample],
    ['alb', 'an ALB sample', albSample],
    ['alb', 'an ALB sample with multi-value headers', albMultiValueSample],
  ])('answers %s for %s', (expected, _what, event) => {
    expect(detectIntegration(event)).toBe(expected)
  })

  it.each([
    ['rest', restEvent()],
    ['http-v1', httpApiV1Event()],
    ['http-v2', httpApiEvent()],
    ['function-url', functionUrlEvent()],
    ['alb', albEvent()],
    ['alb', albEvent({}, { multiValueHeaders: true })],
  ])('answers %s for the testing factory event', (expected, event) => {
    expect(detectIntegration(event)).toBe(expected)
  })

  it('tells a Function URL from HTTP API 2.0 only by the lambda-url domain', () => {
    const onCustomDomain = {
      ...functionUrlSample,
      requestContext: { ...functionUrlSample.requestContext, domainName: 'api.example.com' },
    }
    expect(detectIntegration(onCustomDomain)).toBe('http-v2')
  })

  it('recognises a Function URL served by an emulator that keeps the lambda-url.<region> part', () => {
    const local = {
      ...functionUrlSample,
      requestContext: {
        ...functionUrlSample.requestContext,
        domainName: 'abc.lambda-url.us-east-1.localhost.localstack.cloud:4566',
      },
    }
    expect(detectIntegration(local)).toBe('function-url')
  })

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['an empty object', {}],
    ['a string', 'GET /orders'],
    ['a JSON string of a REST event', JSON.stringify(restSample)],
    ['a number', 42],
    ['an array', [restSample]],
    [
      'an SQS event',
      {
        Records: [
          {
            messageId: '059f36b4-87a3-44ab-83d2-661975830a7d',
            receiptHandle: 'AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a...',
            body: 'Test message.',
            attributes: {
              ApproximateReceiveCount: '1',
              SentTimestamp: '1545082649183',
              SenderId: 'AIDAIENQZJOLO23YVJ4VO',
              ApproximateFirstReceiveTimestamp: '1545082649185',
            },
            messageAttributes: {},
            md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
            eventSource: 'aws:sqs',
            eventSourceARN: 'arn:aws:sqs:us-east-2:123456789012:my-queue',
            awsRegion: 'us-east-2',
          },
        ],
      },
    ],
    [
      'an API Gateway WebSocket event',
      {
        requestContext: {
          routeKey: '$connect',
          eventType: 'CONNECT',
          connectionId: 'L0SM9cOFvHcCIhw=',
          requestId: 'L0SM9cOFvHcCIhw=',
          requestTimeEpoch: 1583349317135,
          domainName: 'abc.execute-api.us-east-1.amazonaws.com',
          stage: 'prod',
          apiId: 'abc',
        },
        isBase64Encoded: false,
      },
    ],
    [
      'a VPC Lattice 2.0 event',
      {
        version: '2.0',
        path: '/',
        method: 'GET',
        headers: { host: ['lattice.example.com'] },
        body: '',
        requestContext: {
          serviceNetworkArn: 'arn:aws:vpc-lattice:us-east-1:123456789012:servicenetwork/sn-0bf3',
          serviceArn: 'arn:aws:vpc-lattice:us-east-1:123456789012:service/svc-0a40',
          targetGroupArn: 'arn:aws:vpc-lattice:us-east-1:123456789012:targetgroup/tg-6d0e',
          region: 'us-east-1',
          timeEpoch: '1690497599177430',
        },
      },
    ],
    ['an event whose requestContext is not an object', { httpMethod: 'GET', requestContext: 'x' }],
    ['a 2.0 event without requestContext.http', { version: '2.0', requestContext: {} }],
  ])('answers undefined for %s', (_what, event) => {
    expect(detectIntegration(event)).toBeUndefined()
  })
})

describe('integration helpers', () => {
  it('lists the five front doors', () => {
    expect(INTEGRATIONS).toEqual(['rest', 'http-v1', 'http-v2', 'alb', 'function-url'])
  })

  it('isHttpApi is true only for both HTTP API payload versions', () => {
    expect(INTEGRATIONS.filter(isHttpApi)).toEqual(['http-v1', 'http-v2'])
    expect(isHttpApi(undefined)).toBe(false)
  })

  it('usesPayloadV2 is true for HTTP API 2.0 and Function URLs', () => {
    expect(INTEGRATIONS.filter(usesPayloadV2)).toEqual(['http-v2', 'function-url'])
    expect(usesPayloadV2(undefined)).toBe(false)
  })

  it('albMultiValueHeaders reads the target group mode from the event', () => {
    expect(albMultiValueHeaders(albMultiValueSample)).toBe(true)
    expect(albMultiValueHeaders(albEvent({}, { multiValueHeaders: true }))).toBe(true)
    expect(albMultiValueHeaders(albSample)).toBe(false)
    expect(albMultiValueHeaders(albEvent())).toBe(false)
    expect(albMultiValueHeaders(undefined)).toBe(false)
  })

  it('isObject accepts plain objects only', () => {
    expect([{}, { a: 1 }, Object.create(null)].every(isObject)).toBe(true)
    expect([null, undefined, [], 'x', 1, () => 1].some(isObject)).toBe(false)
  })
})
