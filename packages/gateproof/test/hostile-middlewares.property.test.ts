/**
 * H1, H9, §2.1 (issue 12) as one property over `gateproof()`: whatever the middlewares you
 * `.use()` and the decorators do — throw (sync, async, `null`) in any phase, answer early with
 * a valid, invalid or frozen response or a string, set or clear `request.response` — and
 * whatever the handler returns (Proxies, getters and `toJSON`s that answer differently the
 * second time, frozen and null-prototype objects), an HTTP invocation never rejects and the
 * client never gets the front door's own answer, serialised as Lambda serialises it.
 */
import { INTEGRATIONS } from '@gateproof/core'
import { eventFor, lambdaContext, simulateGateway } from '@gateproof/testing'
import type { MiddlewareObj } from '@middy/core'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { gateproof } from '../src/index.js'

const RUNS = process.env.CI ? 2_000 : 300

const ACTS = [
  'none',
  'throw',
  'throwNull',
  'asyncThrow',
  'returnValid',
  'returnInvalid',
  'returnFrozen',
  'returnString',
  'earlyUndefined',
  'setInvalidResponse',
  'clearResponse',
] as const
type Act = (typeof ACTS)[number]

function act(what: Act, request: { response?: unknown; earlyResponse?: unknown }): unknown {
  switch (what) {
    case 'throw':
      throw Object.assign(new Error('middleware'), { statusCode: 418 })
    case 'throwNull':
      throw null
    case 'asyncThrow':
      return Promise.reject(new Error('async middleware'))
    case 'returnValid':
      return { statusCode: 299, body: 'early' }
    case 'returnInvalid':
      return { statusCode: 200, body: { not: 'a string' }, extra: 1 }
    case 'returnFrozen':
      return Object.freeze({ statusCode: 200, headers: Object.freeze({ n: 1 }), body: 'x' })
    case 'returnString':
      return 'pong'
    case 'earlyUndefined':
      request.earlyResponse = undefined
      return undefined
    case 'setInvalidResponse':
      request.response = { statusCode: '2xx', body: 1 }
      return undefined
    case 'clearResponse':
      request.response = undefined
      return undefined
    default:
      return undefined
  }
}

interface Phases {
  before: Act
  after: Act
  onError: Act
}

const phases = fc.record({
  before: fc.constantFrom(...ACTS),
  after: fc.constantFrom(...ACTS),
  onError: fc.constantFrom(...ACTS),
})

const middlewareOf = (acts: Phases): MiddlewareObj => ({
  before: (request) => act(acts.before, request as never),
  after: (request) => act(acts.after, request as never),
  onError: (request) => act(acts.onError, request as never),
})

/** Handler results whose reads are not stable: what Lambda serialises may differ from what was checked. */
const boom = (): never => {
  throw new Error('trap')
}
const hostileResults: Array<() => unknown> = [
  () => ({ statusCode: 200, body: 'ok' }),
  () => new Proxy({ statusCode: 200, body: 'ok' }, { ownKeys: boom }),
  () => {
    let reads = 0
    return new Proxy(
      { statusCode: 200, body: 'ok' },
      { get: (t, k, r) => (reads++ > 3 ? boom() : Reflect.get(t, k, r)) },
    )
  },
  () => {
    let asked = 0
    return {
      toJSON: () =>
        asked++ === 0 ? { statusCode: 200, body: 'ok' } : { statusCode: 'x', extra: 1 },
    }
  },
  () => {
    let asked = 0
    return {
      statusCode: 200,
      body: 'ok',
      headers: { toJSON: () => (asked++ === 0 ? { a: 'b' } : { a: {} }) },
    }
  },
  () => {
    const result = {} as Record<string, unknown>
    let reads = 0
    Object.defineProperty(result, 'statusCode', {
      enumerable: true,
      get: () => (reads++ === 0 ? 200 : 'x'),
    })
    result.body = 'ok'
    return result
  },
  () => Object.freeze(Object.assign(Object.create(null), { statusCode: 200, body: { a: 1 } })),
]

describe('gateproof() under hostile middlewares and results (property)', () => {
  beforeAll(() => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
  })
  afterAll(() => {
    vi.restoreAllMocks()
  })

  it('H1/H9/§2.1: never a rejection, never the front door’s own answer', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...INTEGRATIONS),
        fc.array(phases, { maxLength: 2 }),
        fc.array(phases, { maxLength: 2 }),
        fc.constantFrom(...hostileResults.keys()),
        fc.boolean(),
        async (integration, used, decorators, result, throws) => {
          const handler = gateproof(
            async () => {
              if (throws) throw new Error('handler')
              return (hostileResults[result] as () => unknown)() as never
            },
            { decorators: decorators.map(middlewareOf), logger: false },
          ).use(used.map(middlewareOf))
          let response: unknown
          try {
            response = await handler(eventFor(integration) as never, lambdaContext())
          } catch (error) {
            throw new Error(`the invocation rejected (the gateway's own 5xx): ${String(error)}`)
          }
          // Lambda serialises what it gets: every getter and toJSON still there answers again.
          const sent: unknown = JSON.parse(JSON.stringify(response) ?? 'null')
          expect(simulateGateway(integration, { kind: 'returned', value: sent }).gatewayError).toBe(
            false,
          )
        },
      ),
      { numRuns: RUNS },
    )
  }, 120_000)
})
