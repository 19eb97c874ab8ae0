import { detectIntegration, gatewayArrivalTime } from '@gateproof/core'
import {
  albEvent,
  eventFor,
  functionUrlEvent,
  httpApiEvent,
  httpApiV1Event,
  restEvent,
} from '@gateproof/testing'
import type { APIGatewayProxyEventV2 } from 'aws-lambda'
import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest'

const ARRIVED = Date.UTC(2026, 2, 4, 19, 15, 17, 135)

describe('event factories', () => {
  it.each([
    ['rest', restEvent],
    ['http-v1', httpApiV1Event],
    ['http-v2', httpApiEvent],
    ['function-url', functionUrlEvent],
    ['alb', albEvent],
  ] as const)('%s: the event is detected as its own kind', (integration, factory) => {
    expect(detectIntegration(factory())).toBe(integration)
  })

  it('alb with multi-value headers is detected as alb and carries only multiValueHeaders', () => {
    const event = albEvent({}, { multiValueHeaders: true })
    expect(detectIntegration(event)).toBe('alb')
    expect(event.headers).toBeUndefined()
    expect(event.queryStringParameters).toBeUndefined()
    expect(event.multiValueHeaders?.accept).toEqual(['application/json'])
    expect(event.multiValueQueryStringParameters).toEqual({})
  })

  it('stamps the arrival time where each front door puts it', () => {
    expect(restEvent({}, { arrivedAt: ARRIVED }).requestContext).toMatchObject({
      requestTimeEpoch: ARRIVED,
      requestTime: '04/Mar/2026:19:15:17 +0000',
    })
    expect(httpApiV1Event({}, { arrivedAt: ARRIVED }).requestContext).toMatchObject({
      requestTimeEpoch: ARRIVED,
      requestTime: '04/Mar/2026:19:15:17 +0000',
    })
    expect(httpApiEvent({}, { arrivedAt: ARRIVED }).requestContext).toMatchObject({
      timeEpoch: ARRIVED,
      time: '04/Mar/2026:19:15:17 +0000',
    })
    expect(functionUrlEvent({}, { arrivedAt: ARRIVED }).requestContext).toMatchObject({
      timeEpoch: ARRIVED,
      time: '04/Mar/2026:19:15:17 +0000',
    })
    const seconds = Math.floor(ARRIVED / 1000).toString(16)
    expect(albEvent({}, { arrivedAt: ARRIVED }).headers?.['x-amzn-trace-id']).toBe(
      `Root=1-${seconds}-0123456789abcdef01234567`,
    )
    expect(gatewayArrivalTime(albEvent({}, { arrivedAt: ARRIVED }))).toBe(ARRIVED - 135)
  })

  it('replaces top-level keys and merges requestContext one level deep', () => {
    const event = restEvent({
      httpMethod: 'POST',
      body: '{"quantity":2}',
      headers: { 'content-type': 'application/json' },
      requestContext: { stage: 'dev' },
    })
    expect(event.httpMethod).toBe('POST')
    expect(event.body).toBe('{"quantity":2}')
    expect(event.headers).toEqual({ 'content-type': 'application/json' })
    expect(event.requestContext.stage).toBe('dev')
    expect(event.requestContext.requestId).toBe('c6af9ac6-7b61-11e6-9a41-93e8deadbeef')
  })

  it('gives HTTP API 1.0 its version, lower-case headers and own ids', () => {
    const event = httpApiV1Event()
    expect(event).toMatchObject({
      version: '1.0',
      httpMethod: 'GET',
      headers: { accept: 'application/json' },
      requestContext: { requestId: 'JJbxmHrwvHcFxmA=', stage: '$default' },
    })
  })

  it('gives HTTP API 2.0 and Function URLs the 2.0 schema on their own domains', () => {
    expect(httpApiEvent().requestContext.domainName).toBe(
      'r3pmxmplak.execute-api.us-east-1.amazonaws.com',
    )
    expect(functionUrlEvent().requestContext.domainName).toMatch(
      /\.lambda-url\.us-east-1\.on\.aws$/,
    )
    expect(httpApiEvent({ rawPath: '/health' })).toMatchObject({
      version: '2.0',
      rawPath: '/health',
      requestContext: { http: { method: 'GET' } },
    })
  })

  it('produces fresh objects: changing one event never changes the next', () => {
    const first = restEvent()
    first.requestContext.stage = 'mutated'
    ;(first.headers as Record<string, string>).Accept = 'text/html'
    const second = restEvent()
    expect(second.requestContext.stage).toBe('prod')
    expect(second.headers.Accept).toBe('application/json')
  })
})

describe('event factories with fake timers', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(ARRIVED)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('default the arrival time to now', () => {
    expect(restEvent().requestContext.requestTimeEpoch).toBe(ARRIVED)
    expect(httpApiEvent().requestContext.timeEpoch).toBe(ARRIVED)
    expect(gatewayArrivalTime(albEvent())).toBe(ARRIVED - 135)
  })
})

describe('eventFor', () => {
  it.each([
    ['rest', restEvent],
    ['http-v1', httpApiV1Event],
    ['http-v2', httpApiEvent],
    ['function-url', functionUrlEvent],
    ['alb', albEvent],
  ] as const)(
    '%s: builds what its factory builds, with the overrides and arrival time given',
    (integration, factory) => {
      const event = eventFor(integration, { isBase64Encoded: true }, { arrivedAt: ARRIVED })
      expect(event).toEqual(factory({ isBase64Encoded: true }, { arrivedAt: ARRIVED }))
      expect(detectIntegration(event)).toBe(integration)
    },
  )

  it('passes multiValueHeaders to the ALB factory', () => {
    expect(eventFor('alb', {}, { arrivedAt: ARRIVED, multiValueHeaders: true })).toEqual(
      albEvent({}, { arrivedAt: ARRIVED, multiValueHeaders: true }),
    )
  })

  it("returns the front door's own event type", () => {
    expectTypeOf(eventFor('http-v2')).toEqualTypeOf<APIGatewayProxyEventV2>()
    expect(eventFor('http-v2').version).toBe('2.0')
  })
})
