import {
  assertTelemetryOptions,
  computeDeadline,
  createTelemetry,
  describeThrown,
  errorTypeDimension,
  findHeaderKey,
  frontDoorOf,
  GateproofOptionsError,
  getHeader,
  getRequestDeadline,
  hasSplittingChars,
  isFailureLogged,
  isRetryAfterSeconds,
  isSteppedAside,
  mergeHeaders,
  OTHER_ERROR_TYPE,
  type RequestLike,
  readThrown,
  readThrownField,
  readThrownHeaders,
  requestState,
  setRequestDeadline,
} from '@gateproof/core'
import { eventFor, lambdaContext } from '@gateproof/testing'
import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  circularCause,
  foreignEvents,
  hostileThrown,
  prototypeNames,
  splittingString,
} from '../../../test/support/hostile.js'

const RUNS = process.env.CI ? 10_000 : 500

const request = (event: unknown = {}): RequestLike => ({
  event,
  context: lambdaContext(),
  internal: Object.create(null),
})

describe('H1: one safe reader of thrown values', () => {
  it('H1: readThrown, readThrownField, readThrownHeaders and describeThrown never throw (property)', () => {
    fc.assert(
      fc.property(hostileThrown, fc.string(), (make, key) => {
        const value = make()
        const facts = readThrown(value)
        readThrownField(value, key)
        readThrownHeaders(facts.headers)
        const description = describeThrown(value, { stack: true })
        expect(typeof description.name).toBe('string')
        expect(typeof description.message).toBe('string')
        // Plain data: it serialises whatever was thrown.
        expect(() => JSON.stringify(description)).not.toThrow()
      }),
      { numRuns: RUNS },
    )
  })

  it('H1: reads null, numbers, a revoked Proxy and throwing getters as absent fields', () => {
    expect(readThrown(null)).toMatchObject({ isObject: false, status: undefined })
    expect(readThrown(503)).toMatchObject({ isObject: false, status: undefined })
    const { proxy, revoke } = Proxy.revocable({}, {})
    revoke()
    expect(readThrown(proxy)).toMatchObject({ isObject: true, name: undefined, status: undefined })
    const getters = Object.defineProperty(new Error('x'), 'statusCode', {
      get() {
        throw new Error('no')
      },
    })
    expect(readThrown(getters)).toMatchObject({ name: 'Error', message: 'x', status: undefined })
    expect(readThrown(Object.freeze({ status: 429, errorType: 'Slow' }))).toMatchObject({
      status: 429,
      errorType: 'Slow',
    })
    expect(describeThrown(proxy).name).toBe('Object')
  })

  it('H1: a circular cause ends after five levels', () => {
    fc.assert(
      fc.property(circularCause, (make) => {
        let depth = 0
        for (let d = describeThrown(make()).cause; d !== undefined; d = d.cause) depth += 1
        expect(depth).toBeLessThanOrEqual(5)
      }),
    )
  })

  it('H1: keeps Middy’s cause.package and gateproof’s cause.data', () => {
    const error = new Error('refused', { cause: { package: '@gateproof/x', data: { a: 1 } } })
    expect(describeThrown(error)).toMatchObject({ package: '@gateproof/x', data: { a: 1 } })
  })
})

describe('H2: front door of a request, or none', () => {
  it('H2: detects each of the five front doors once per request', () => {
    for (const integration of ['rest', 'http-v1', 'http-v2', 'alb', 'function-url'] as const) {
      const req = request(eventFor(integration))
      expect(frontDoorOf(req)).toBe(integration)
      expect(requestState(req).frontDoor).toBe(integration)
    }
  })

  it('H2: is none for SQS, SNS, EventBridge, warmers, null, {} and anything else (property)', () => {
    fc.assert(
      fc.property(foreignEvents, (event) => {
        expect(frontDoorOf(request(event))).toBeUndefined()
      }),
      { numRuns: RUNS },
    )
  })

  it('H2: a forced integration wins over detection', () => {
    expect(frontDoorOf(request({ Records: [] }), 'rest')).toBe('rest')
  })

  it('H2: stepAside logs once per request at debug, across parts', () => {
    const logger = fakeLogger()
    const a = createTelemetry('@gateproof/a', { logger: logger as never })
    const b = createTelemetry('@gateproof/b', { logger: logger as never })
    const req = request({ Records: [{ eventSource: 'aws:sqs' }] })
    a.stepAside(req)
    b.stepAside(req)
    expect(isSteppedAside(req)).toBe(true)
    expect(logger.debug).toHaveBeenCalledTimes(1)
    expect(logger.debug.mock.calls[0]?.[1]).toMatchObject({ eventSource: 'aws:sqs' })
  })
})

describe('H3: CR, LF and NUL never reach a header', () => {
  it('H3: hasSplittingChars finds CR, LF and NUL anywhere (property)', () => {
    fc.assert(
      fc.property(splittingString, (text) => {
        expect(hasSplittingChars(text)).toBe(true)
      }),
      { numRuns: RUNS },
    )
    expect(hasSplittingChars('plain value; with\ttab')).toBe(false)
  })

  it('H3: mergeHeaders drops names and values with splitting characters (property)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.oneof(fc.string(), splittingString),
          fc.oneof(fc.string(), splittingString),
        ),
        (headers) => {
          for (const [name, value] of Object.entries(mergeHeaders(headers))) {
            expect(hasSplittingChars(name)).toBe(false)
            expect(hasSplittingChars(value)).toBe(false)
          }
        },
      ),
      { numRuns: RUNS },
    )
  })

  it('H3: isRetryAfterSeconds takes only a positive whole number of seconds', () => {
    for (const ok of ['1', '120', 1, 86_400]) expect(isRetryAfterSeconds(ok)).toBe(true)
    for (const bad of [
      '0',
      '01',
      '-1',
      '1.5',
      '1\r\nX: y',
      'Wed, 21 Oct 2015 07:28:00 GMT',
      0,
      1.5,
      NaN,
      null,
      '86401',
    ]) {
      expect(isRetryAfterSeconds(bad)).toBe(false)
    }
  })
})

describe('H4: header lookups see own keys only', () => {
  it('H4: getHeader and findHeaderKey never find Object.prototype members (property)', () => {
    fc.assert(
      fc.property(prototypeNames, (name) => {
        expect(getHeader({}, name)).toBeUndefined()
        expect(findHeaderKey({}, name)).toBeUndefined()
        expect(getHeader({ [name.toUpperCase()]: 'x' }, name)).toBe('x')
      }),
    )
  })

  it('H4: mergeHeaders keeps a __proto__ header as an own key, never as the prototype', () => {
    const merged = mergeHeaders(JSON.parse('{"__proto__":"x","constructor":"y"}'))
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype)
    expect(Object.hasOwn(merged, '__proto__')).toBe(true)
    expect(merged.constructor).toBe('y')
  })
})

describe('H7: one log line per failed request', () => {
  afterEach(() => vi.restoreAllMocks())

  it('H7: logFailure logs the first report of a failure and skips every later one, across parts', () => {
    const logger = fakeLogger()
    const guard = createTelemetry('@gateproof/timeout-guard', { logger: logger as never })
    const mapper = createTelemetry('@gateproof/error-mapper', { logger: logger as never })
    const req = request()
    guard.logFailure(req, 'warn', 'Request timed out', { statusCode: 504 })
    mapper.logFailure(req, 'error', 'Request failed', { statusCode: 504 })
    expect(logger.warn).toHaveBeenCalledTimes(1)
    expect(logger.error).not.toHaveBeenCalled()
    expect(isFailureLogged(req)).toBe(true)
  })

  it('H6: without a Logger a 5xx is one JSON line on console.error; a 4xx and logger:false write none', () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {})
    createTelemetry('@gateproof/x').logFailure(request(), 'error', 'Request failed', {
      statusCode: 500,
      requestId: 'r-1',
    })
    createTelemetry('@gateproof/x').logFailure(request(), 'info', 'Request failed', {
      statusCode: 404,
    })
    createTelemetry('@gateproof/x', { logger: false }).logFailure(request(), 'error', 'x', {
      statusCode: 500,
    })
    expect(spy).toHaveBeenCalledTimes(1)
    expect(JSON.parse(String(spy.mock.calls[0]?.[0]))).toMatchObject({
      level: 'ERROR',
      message: 'Request failed',
      package: '@gateproof/x',
      statusCode: 500,
      requestId: 'r-1',
    })
  })

  it('H6: a field JSON cannot serialise still leaves one line', () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {})
    createTelemetry('@gateproof/x').logFailure(request(), 'error', 'Request failed', {
      statusCode: 500,
      odd: 10n,
    })
    expect(spy).toHaveBeenCalledTimes(1)
  })
})

describe('H8: bounded ErrorType dimension', () => {
  it('H8: keeps built-in, status-table, overridden and allowed types; anything else is Other', () => {
    expect(errorTypeDimension('TooManyRequestsException')).toBe('TooManyRequestsException')
    expect(errorTypeDimension('ImATeapotException', { status: 418 })).toBe('ImATeapotException')
    expect(errorTypeDimension('OrderLocked', { allowed: ['OrderLocked'] })).toBe('OrderLocked')
    expect(errorTypeDimension('Mine', { overrides: { 409: 'Mine' } })).toBe('Mine')
    fc.assert(
      fc.property(fc.string(), (custom) => {
        const dimension = errorTypeDimension(`Custom${custom}`)
        expect(dimension).toBe(OTHER_ERROR_TYPE)
      }),
    )
  })
})

describe('one state object per request', () => {
  it('keeps every gateproof fact of a request under one request.internal key', () => {
    const req = request(eventFor('rest'))
    frontDoorOf(req)
    setRequestDeadline(req, computeDeadline(req.event, req.context))
    requestState(req).failureLogged = true
    expect(Object.keys(req.internal)).toEqual(['gateproof'])
    expect(getRequestDeadline(req)).toBe(requestState(req).deadline)
  })
})

describe('telemetry options', () => {
  it('rejects what is not a Metrics or Logger instance, accepts logger: false', () => {
    expect(() => assertTelemetryOptions('@gateproof/x', { logger: false })).not.toThrow()
    expect(() => assertTelemetryOptions('@gateproof/x', { logger: {} as never })).toThrow(
      GateproofOptionsError,
    )
    expect(() =>
      assertTelemetryOptions('@gateproof/x', { metrics: { namespace: 'x' } as never }),
    ).toThrow(/Metrics instance/)
  })
})

function fakeLogger() {
  return { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() }
}
