import {
  ageAtArrivalMs,
  type Clock,
  computeDeadline,
  DEFAULT_INTEGRATION_TIMEOUT_MS,
  DEFAULT_MARGIN_MS,
  gatewayArrivalTime,
  remainingMs,
  timeoutStatusFor,
  traceIdTime,
} from '@gateproof/core'
import {
  albEvent,
  functionUrlEvent,
  httpApiEvent,
  httpApiV1Event,
  lambdaContext,
  restEvent,
} from '@gateproof/testing'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0)

const fixedClock = (at: number): Clock => ({ now: () => at })

describe('gatewayArrivalTime', () => {
  it('reads requestContext.requestTimeEpoch on REST and HTTP API 1.0 (§4)', () => {
    expect(gatewayArrivalTime(restEvent({}, { arrivedAt: NOW - 1234 }))).toBe(NOW - 1234)
    expect(gatewayArrivalTime(httpApiV1Event({}, { arrivedAt: NOW - 50 }))).toBe(NOW - 50)
  })

  it('reads requestContext.timeEpoch on HTTP API 2.0 and Function URLs (§4)', () => {
    expect(gatewayArrivalTime(httpApiEvent({}, { arrivedAt: NOW - 777 }))).toBe(NOW - 777)
    expect(gatewayArrivalTime(functionUrlEvent({}, { arrivedAt: NOW - 9 }))).toBe(NOW - 9)
  })

  it('reads the ALB arrival from X-Amzn-Trace-Id to the second (§4)', () => {
    expect(gatewayArrivalTime(albEvent({}, { arrivedAt: NOW + 999 }))).toBe(NOW)
    expect(gatewayArrivalTime(albEvent({}, { arrivedAt: NOW, multiValueHeaders: true }))).toBe(NOW)
  })

  it('prefers the ALB Self= time over a Root= time the client may have sent (§4)', () => {
    const event = albEvent({
      headers: {
        'x-amzn-trace-id':
          'Self=1-67891234-12456789abcdef012345678;Root=1-5759e988-bd862e3fe1be46a994272793',
      },
    })
    expect(gatewayArrivalTime(event)).toBe(0x67891234 * 1000)
  })

  it('finds the ALB trace header in any casing', () => {
    const event = albEvent({
      headers: { 'X-Amzn-Trace-Id': 'Root=1-5c536348-3d683b8b04734faae651f476' },
    })
    expect(gatewayArrivalTime(event)).toBe(0x5c536348 * 1000)
  })

  it('is undefined when the event has no usable time', () => {
    expect(gatewayArrivalTime(albEvent({ headers: {} }))).toBeUndefined()
    expect(
      gatewayArrivalTime(restEvent({ requestContext: { requestTimeEpoch: Number.NaN } })),
    ).toBeUndefined()
    // Console test templates and hand-written events carry 0.
    expect(gatewayArrivalTime(httpApiEvent({ requestContext: { timeEpoch: 0 } }))).toBeUndefined()
    expect(gatewayArrivalTime({})).toBeUndefined()
    expect(gatewayArrivalTime(null)).toBeUndefined()
  })

  it('accepts an epoch given as a numeric string', () => {
    const event = restEvent({
      requestContext: { requestTimeEpoch: String(NOW) as unknown as number },
    })
    expect(gatewayArrivalTime(event)).toBe(NOW)
  })
})

describe('traceIdTime', () => {
  it.each([
    ['Root=1-5759e988-bd862e3fe1be46a994272793', 0x5759e988 * 1000],
    ['Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1', 0x5759e988 * 1000],
    [
      'Root=1-5759e988-bd862e3fe1be46a994272793;Self=1-67891234-12456789abcdef012345678',
      0x67891234 * 1000,
    ],
    [
      'Self=1-67891234-12456789abcdef012345678;Root=1-5759e988-bd862e3fe1be46a994272793',
      0x67891234 * 1000,
    ],
    ['Root=1-00000000-bd862e3fe1be46a994272793', undefined],
    ['Root=not-a-trace-id', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('reads %j as %s', (header, expected) => {
    expect(traceIdTime(header)).toBe(expected)
  })
})

describe('computeDeadline', () => {
  it('defaults the integration timeout per front door: REST 29 s, HTTP API 30 s, none for ALB and Function URLs (§2.2)', () => {
    expect(DEFAULT_INTEGRATION_TIMEOUT_MS).toEqual({
      rest: 29_000,
      'http-v1': 30_000,
      'http-v2': 30_000,
      alb: undefined,
      'function-url': undefined,
    })
    expect(DEFAULT_MARGIN_MS).toBe(500)
  })

  it('bounds a REST request by arrival + 29 s − margin when Lambda has longer left', () => {
    const event = restEvent({}, { arrivedAt: NOW - 4_000 })
    const context = lambdaContext({ remainingMs: 60_000, clock: fixedClock(NOW) })
    expect(computeDeadline(event, context, { clock: fixedClock(NOW) })).toEqual({
      integration: 'rest',
      computedAt: NOW,
      arrivalAt: NOW - 4_000,
      integrationTimeoutMs: 29_000,
      gatewayDeadlineAt: NOW + 25_000,
      lambdaDeadlineAt: NOW + 60_000,
      marginMs: 500,
      at: NOW + 24_500,
      boundBy: 'gateway',
    })
  })

  it('bounds by Lambda when the function times out before the gateway would', () => {
    const event = httpApiEvent({}, { arrivedAt: NOW - 100 })
    const context = lambdaContext({ remainingMs: 6_000, clock: fixedClock(NOW) })
    const deadline = computeDeadline(event, context, { clock: fixedClock(NOW) })
    expect(deadline).toMatchObject({
      integration: 'http-v2',
      gatewayDeadlineAt: NOW - 100 + 30_000,
      lambdaDeadlineAt: NOW + 6_000,
      at: NOW + 5_500,
      boundBy: 'lambda',
    })
  })

  it.each([
    ['http-v1', httpApiV1Event({}, { arrivedAt: NOW }), 30_000],
    ['http-v2', httpApiEvent({}, { arrivedAt: NOW }), 30_000],
    ['rest', restEvent({}, { arrivedAt: NOW }), 29_000],
  ] as const)('uses the %s default of %i ms', (integration, event, timeout) => {
    const deadline = computeDeadline(event, undefined, { clock: fixedClock(NOW) })
    expect(deadline).toMatchObject({
      integration,
      integrationTimeoutMs: timeout,
      gatewayDeadlineAt: NOW + timeout,
      at: NOW + timeout - 500,
      boundBy: 'gateway',
    })
  })

  it.each([
    ['alb', albEvent({}, { arrivedAt: NOW })],
    ['function-url', functionUrlEvent({}, { arrivedAt: NOW })],
  ] as const)('has no gateway deadline on %s: only Lambda bounds it', (integration, event) => {
    const context = lambdaContext({ remainingMs: 900_000, clock: fixedClock(NOW) })
    expect(computeDeadline(event, context, { clock: fixedClock(NOW) })).toMatchObject({
      integration,
      arrivalAt: NOW,
      integrationTimeoutMs: undefined,
      gatewayDeadlineAt: undefined,
      at: NOW + 900_000 - 500,
      boundBy: 'lambda',
    })
  })

  it('takes a raised REST integration timeout from options', () => {
    const event = restEvent({}, { arrivedAt: NOW })
    const context = lambdaContext({ remainingMs: 900_000, clock: fixedClock(NOW) })
    const deadline = computeDeadline(event, context, {
      integrationTimeoutMs: 120_000,
      clock: fixedClock(NOW),
    })
    expect(deadline).toMatchObject({ gatewayDeadlineAt: NOW + 120_000, boundBy: 'gateway' })
  })

  it('treats integrationTimeoutMs: null as a gateway without a limit', () => {
    const event = restEvent({}, { arrivedAt: NOW })
    const context = lambdaContext({ remainingMs: 45_000, clock: fixedClock(NOW) })
    const deadline = computeDeadline(event, context, {
      integrationTimeoutMs: null,
      clock: fixedClock(NOW),
    })
    expect(deadline).toMatchObject({
      integrationTimeoutMs: undefined,
      gatewayDeadlineAt: undefined,
      at: NOW + 44_500,
      boundBy: 'lambda',
    })
  })

  it('uses the given margin, including zero', () => {
    const event = restEvent({}, { arrivedAt: NOW })
    expect(computeDeadline(event, undefined, { marginMs: 2_000, clock: fixedClock(NOW) }).at).toBe(
      NOW + 27_000,
    )
    expect(computeDeadline(event, undefined, { marginMs: 0, clock: fixedClock(NOW) }).at).toBe(
      NOW + 29_000,
    )
  })

  it('takes the integration from options over detection', () => {
    const event = restEvent({}, { arrivedAt: NOW })
    expect(
      computeDeadline(event, undefined, { integration: 'http-v1', clock: fixedClock(NOW) }),
    ).toMatchObject({ integration: 'http-v1', integrationTimeoutMs: 30_000 })
  })

  it('is unbounded when neither Lambda nor the gateway sets a limit', () => {
    const deadline = computeDeadline({}, {}, { clock: fixedClock(NOW) })
    expect(deadline).toEqual({
      integration: undefined,
      computedAt: NOW,
      arrivalAt: undefined,
      integrationTimeoutMs: undefined,
      gatewayDeadlineAt: undefined,
      lambdaDeadlineAt: undefined,
      marginMs: 500,
      at: Number.POSITIVE_INFINITY,
      boundBy: 'none',
    })
    expect(remainingMs(deadline, fixedClock(NOW))).toBe(Number.POSITIVE_INFINITY)
  })

  it('has already passed when the request waited at the gateway beyond its timeout', () => {
    const event = restEvent({}, { arrivedAt: NOW - 31_000 })
    const deadline = computeDeadline(event, lambdaContext({ clock: fixedClock(NOW) }), {
      clock: fixedClock(NOW),
    })
    expect(remainingMs(deadline, fixedClock(NOW))).toBe(-2_500)
    expect(ageAtArrivalMs(deadline)).toBe(31_000)
  })

  it('bounds an ALB request by the trace-id second when an integration timeout is configured', () => {
    const event = albEvent({}, { arrivedAt: NOW + 700 })
    const deadline = computeDeadline(event, undefined, {
      integrationTimeoutMs: 10_000,
      clock: fixedClock(NOW + 900),
    })
    expect(deadline).toMatchObject({ arrivalAt: NOW, gatewayDeadlineAt: NOW + 10_000 })
    expect(ageAtArrivalMs(deadline)).toBe(900)
  })
})

describe('computeDeadline with fake timers', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(NOW)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('reads the system clock by default and counts remainingMs down as time passes', () => {
    const event = restEvent({}, { arrivedAt: NOW - 1_000 })
    const context = lambdaContext({ remainingMs: 60_000 })
    const deadline = computeDeadline(event, context)
    expect(deadline.at).toBe(NOW + 27_500)
    expect(remainingMs(deadline)).toBe(27_500)
    vi.advanceTimersByTime(20_000)
    expect(remainingMs(deadline)).toBe(7_500)
    vi.advanceTimersByTime(10_000)
    expect(remainingMs(deadline)).toBe(-2_500)
  })

  it('uses the Lambda time left when the deadline is computed, not when the context was made', () => {
    const context = lambdaContext({ remainingMs: 10_000 })
    vi.advanceTimersByTime(3_000)
    const deadline = computeDeadline(functionUrlEvent(), context)
    expect(deadline).toMatchObject({ lambdaDeadlineAt: NOW + 10_000, at: NOW + 9_500 })
    expect(remainingMs(deadline)).toBe(6_500)
  })
})

describe('timeoutStatusFor', () => {
  it('answers 504 like REST does when its integration times out (§2.1 Integration timeout REST 504)', () => {
    expect(timeoutStatusFor('rest')).toBe(504)
  })

  it('answers 503 like HTTP API does when its integration times out (§2.1 Integration timeout HTTP API 503)', () => {
    expect(timeoutStatusFor('http-v1')).toBe(503)
    expect(timeoutStatusFor('http-v2')).toBe(503)
  })

  it('answers 504 on ALB, Function URLs and unknown front doors', () => {
    expect(timeoutStatusFor('alb')).toBe(504)
    expect(timeoutStatusFor('function-url')).toBe(504)
    expect(timeoutStatusFor(undefined)).toBe(504)
  })
})
