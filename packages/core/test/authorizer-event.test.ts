import { AUTHORIZER_TYPES, detectAuthorizer, detectIntegration } from '@gateproof/core'
import {
  albEvent,
  functionUrlEvent,
  httpApiEvent,
  httpApiV1Event,
  restEvent,
} from '@gateproof/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

// Literal samples in the shape of the AWS documentation's authorizer input examples.
const methodArn = 'arn:aws:execute-api:us-east-1:123456789012:abcdef123/test/GET/request'
const tokenSample = { type: 'TOKEN', authorizationToken: 'allow', methodArn }
const requestSample = {
  type: 'REQUEST',
  methodArn,
  resource: '/request',
  path: '/request',
  httpMethod: 'GET',
  headers: { HeaderAuth1: 'headerValue1', Host: 'abcdef123.execute-api.us-east-1.amazonaws.com' },
  multiValueHeaders: { HeaderAuth1: ['headerValue1'] },
  queryStringParameters: { QueryString1: 'queryValue1' },
  multiValueQueryStringParameters: { QueryString1: ['queryValue1'] },
  pathParameters: {},
  stageVariables: { StageVar1: 'stageValue1' },
  requestContext: {
    path: '/request',
    accountId: '123456789012',
    resourceId: '05c7jb',
    stage: 'test',
    requestId: '...',
    identity: { sourceIp: '192.0.2.1', userAgent: 'curl/8.5.0' },
    resourcePath: '/request',
    httpMethod: 'GET',
    apiId: 'abcdef123',
  },
}
const httpV1Sample = {
  ...requestSample,
  version: '1.0',
  identitySource: 'user1,123',
  authorizationToken: 'user1,123',
}
const httpV2Sample = {
  version: '2.0',
  type: 'REQUEST',
  routeArn: 'arn:aws:execute-api:us-east-1:123456789012:abcdef123/$default/GET/request',
  identitySource: ['user1', '123'],
  routeKey: 'GET /request',
  rawPath: '/request',
  rawQueryString: 'parameter1=value1',
  cookies: ['cookie1', 'cookie2'],
  headers: { header1: 'value1' },
  queryStringParameters: { parameter1: 'value1' },
  requestContext: {
    accountId: '123456789012',
    apiId: 'api-id',
    domainName: 'id.execute-api.us-east-1.amazonaws.com',
    domainPrefix: 'id',
    http: { method: 'GET', path: '/request', protocol: 'HTTP/1.1', sourceIp: '192.0.2.1' },
    requestId: 'id',
    routeKey: 'GET /request',
    stage: '$default',
    time: '12/Mar/2020:19:03:58 +0000',
    timeEpoch: 1583348638390,
  },
  pathParameters: { parameter1: 'value1' },
  stageVariables: { stageVariable1: 'value1' },
}

describe('detectAuthorizer (gateway-facts §10.1)', () => {
  it('AZ1: a REST TOKEN event is a token authorizer', () => {
    expect(detectAuthorizer(tokenSample)).toBe('token')
  })
  it('AZ1: an empty token is still a TOKEN event', () => {
    expect(detectAuthorizer({ ...tokenSample, authorizationToken: '' })).toBe('token')
  })
  it('AZ2: a REST REQUEST event (no version) is a request authorizer', () => {
    expect(detectAuthorizer(requestSample)).toBe('request')
  })
  it('AZ3: an HTTP API payload 1.0 authorizer event is http-v1', () => {
    expect(detectAuthorizer(httpV1Sample)).toBe('http-v1')
  })
  it('AZ4: an HTTP API payload 2.0 authorizer event (routeArn) is http-v2', () => {
    expect(detectAuthorizer(httpV2Sample)).toBe('http-v2')
  })
  it('AZ5: type REQUEST without methodArn or routeArn is not an authorizer event', () => {
    const { methodArn: _, ...noArn } = requestSample
    expect(detectAuthorizer(noArn)).toBeUndefined()
    expect(detectAuthorizer({ type: 'REQUEST' })).toBeUndefined()
  })
  it('AZ5: proxy events of every front door are not authorizer events', () => {
    for (const event of [
      restEvent(),
      httpApiV1Event(),
      httpApiEvent(),
      albEvent(),
      functionUrlEvent(),
    ]) {
      expect(detectAuthorizer(event)).toBeUndefined()
    }
  })
  it('AZ5: non-objects and other triggers are not authorizer events', () => {
    for (const event of [
      undefined,
      null,
      'TOKEN',
      42,
      [],
      { Records: [] },
      { type: 'token', methodArn },
      { source: 'aws.events', 'detail-type': 'Scheduled Event' },
    ]) {
      expect(detectAuthorizer(event)).toBeUndefined()
    }
  })
  it('lists every kind it can answer', () => {
    expect([...AUTHORIZER_TYPES].sort()).toEqual(['http-v1', 'http-v2', 'request', 'token'])
  })
})

describe('detectIntegration steps aside for authorizer events (AZ5)', () => {
  it('AZ2: a REST REQUEST authorizer event is no REST proxy event despite httpMethod/requestContext', () => {
    expect(detectIntegration(requestSample)).toBeUndefined()
  })
  it('AZ3: an HTTP API 1.0 authorizer event is no http-v1 proxy event', () => {
    expect(detectIntegration(httpV1Sample)).toBeUndefined()
  })
  it('AZ4: an HTTP API 2.0 authorizer event is no http-v2 proxy event despite version 2.0 and requestContext.http', () => {
    expect(detectIntegration(httpV2Sample)).toBeUndefined()
  })
  it('AZ1: a TOKEN authorizer event is no front door event', () => {
    expect(detectIntegration(tokenSample)).toBeUndefined()
  })
  it('AZ5: adding an authorizer type and ARN to any proxy event makes it an authorizer event (property)', () => {
    const proxies = fc.constantFrom(
      restEvent(),
      httpApiV1Event(),
      httpApiEvent(),
      albEvent(),
      functionUrlEvent(),
    )
    fc.assert(
      fc.property(
        proxies,
        fc.constantFrom('methodArn', 'routeArn'),
        fc.string(),
        (event, arnKey, arn) => {
          const authorizer = { ...event, type: 'REQUEST', [arnKey]: arn }
          expect(detectAuthorizer(authorizer)).toBeDefined()
          expect(detectIntegration(authorizer)).toBeUndefined()
          // Without the authorizer markers the front door is recognised as before.
          expect(detectIntegration(event)).toBeDefined()
        },
      ),
    )
  })
  it('AZ5: arbitrary values never make detectAuthorizer throw (property)', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withObjectString: true }), (value) => {
        const kind = detectAuthorizer(value)
        expect(kind === undefined || AUTHORIZER_TYPES.includes(kind)).toBe(true)
      }),
    )
  })
})

describe('detectAuthorizer never throws', () => {
  it('AZ5: an event whose getters or Proxy traps throw is no authorizer event', () => {
    const getters = Object.defineProperty({}, 'type', {
      get() {
        throw new Error('getter')
      },
    })
    const proxy = new Proxy(
      {},
      {
        get() {
          throw new Error('trap')
        },
      },
    )
    expect(detectAuthorizer(getters)).toBeUndefined()
    expect(detectAuthorizer(proxy)).toBeUndefined()
    expect(
      detectAuthorizer(
        Object.defineProperty({ type: 'REQUEST' }, 'routeArn', {
          get() {
            throw new Error('getter')
          },
        }),
      ),
    ).toBeUndefined()
  })
})
