import { DEFAULT_MARGIN_MS, GateproofOptionsError } from '@gateproof/core'
import middy from '@middy/core'
import type { APIGatewayProxyEvent } from 'aws-lambda'
import { describe, expect, expectTypeOf, it } from 'vitest'
import {
  type GuardedDeadline,
  getDeadline,
  type TimeoutGuardOptions,
  timeoutGuard,
} from '../src/index.js'

describe('timeoutGuard(options)', () => {
  it('builds a middleware with before and onError, and the plugin hooks Middy needs', () => {
    const guard = timeoutGuard()
    expect(guard).toEqual({
      before: expect.any(Function),
      onError: expect.any(Function),
      plugin: {
        requestStart: expect.any(Function),
        requestEnd: expect.any(Function),
        timeoutEarlyInMillis: DEFAULT_MARGIN_MS,
        timeoutEarlyResponse: expect.any(Function),
        // H5: the execution mode that extends the deadline over every middleware.
        executionMode: expect.any(Function),
      },
    })
    expect(timeoutGuard({ executionMode: false }).plugin).not.toHaveProperty('executionMode')
  })

  it.each<[string, unknown]>([
    ['a typo', { marginMS: 500 }],
    ['options that are not an object', 'fast'],
    ['an unknown front door', { integration: 'grpc' }],
    [
      'an integration timeout below API Gateway’s 50 ms minimum (§2.2)',
      { integrationTimeoutMs: 49 },
    ],
    ['an integration timeout beyond Lambda’s 15 minutes', { integrationTimeoutMs: 900_001 }],
    ['a fractional integration timeout', { integrationTimeoutMs: 29_000.5 }],
    ['an integration timeout given as a string', { integrationTimeoutMs: '29000' }],
    ['a zero margin (Middy’s early timeout would be off)', { marginMs: 0 }],
    ['a negative margin', { marginMs: -1 }],
    ['a fractional margin', { marginMs: 1.5 }],
    ['an onTimeout that is not a function', { onTimeout: 'cleanup' }],
    ['an onTimeout budget of 0', { onTimeoutBudgetMs: 0 }],
    [
      'an onTimeout budget that does not fit in the margin',
      { onTimeout: () => {}, marginMs: 100, onTimeoutBudgetMs: 100 },
    ],
    ['an unknown format', { format: 'html' }],
    ['a Retry-After of 0 (clients would retry at once)', { retryAfterSeconds: 0 }],
    ['metrics that are not a Powertools Metrics', { metrics: {} }],
    ['a logger that is not a Powertools Logger', { logger: { info: () => {} } }],
  ])('rejects %s when it is built', (_case, options) => {
    expect(() => timeoutGuard(options as TimeoutGuardOptions)).toThrow(GateproofOptionsError)
  })

  it.each<[string, TimeoutGuardOptions]>([
    ['a raised REST integration timeout', { integrationTimeoutMs: 300_000 }],
    ['no gateway limit', { integrationTimeoutMs: null }],
    ['the 50 ms minimum', { integrationTimeoutMs: 50 }],
    ['a pinned front door', { integration: 'alb' }],
    ['a custom body format', { format: () => ({ body: 'timeout', contentType: 'text/plain' }) }],
    ['a budget larger than the margin when there is no hook', { marginMs: 50 }],
  ])('accepts %s', (_case, options) => {
    expect(() => timeoutGuard(options)).not.toThrow()
  })

  it('arms Middy’s early timeout with the margin', () => {
    expect(timeoutGuard({ marginMs: 1_500 }).plugin.timeoutEarlyInMillis).toBe(1_500)
  })
})

describe('types', () => {
  it('types the onTimeout request by the front door it is pinned to', () => {
    timeoutGuard<'http-v2'>({
      integration: 'http-v2',
      onTimeout: (request) => {
        expectTypeOf(request.event.requestContext.timeEpoch).toEqualTypeOf<number>()
      },
    })
  })

  it('composes by hand in one line: middy(fn, guard.plugin).use(guard)', () => {
    const guard = timeoutGuard()
    const handler = middy(
      async (event: APIGatewayProxyEvent) => ({
        statusCode: 200,
        body: event.path,
      }),
      guard.plugin,
    ).use(guard)
    expectTypeOf(handler).parameter(0).toMatchTypeOf<APIGatewayProxyEvent>()
    expectTypeOf(getDeadline).returns.toEqualTypeOf<GuardedDeadline | undefined>()
  })
})

describe('options set to null', () => {
  it('take their defaults where they did before the checks became a table', () => {
    const nulls = { marginMs: null, onTimeoutBudgetMs: null, retryAfterSeconds: null }
    expect(() => timeoutGuard(nulls as never)).not.toThrow()
    expect(() => timeoutGuard({ integrationTimeoutMs: null })).not.toThrow()
    expect(() => timeoutGuard({ onTimeout: null } as never)).toThrow(GateproofOptionsError)
    expect(() => timeoutGuard({ executionMode: null } as never)).toThrow(GateproofOptionsError)
  })
})
