/**
 * DESIGN "the proxy-shape validator ... checks the final response — from the handler, an after
 * middleware, an early return": Middy skips every `after` once a `before` answers early, and
 * stops at the first `after` that returns a value, so proxy shape can only judge such a
 * response in `requestEnd`, where Middy already holds it and a fix must happen in place. A
 * frozen object, a string or `undefined` cannot be changed there: REST answered its 502 (R7,
 * R17), HTTP API 1.0 and ALB theirs (H1-1, A4). Behind `gateproof()` an early answer of a
 * middleware you `.use()` (or of a decorator) is judged as it is given.
 */
import { INTEGRATIONS } from '@gateproof/core'
import { eventFor, lambdaContext, simulateGateway } from '@gateproof/testing'
import type { MiddlewareObj } from '@middy/core'
import { describe, expect, it, vi } from 'vitest'
import { gateproof } from '../src/index.js'

const ok = async () => ({ statusCode: 200, body: 'ok' })

const EARLY: Array<[string, () => unknown]> = [
  [
    'a frozen object with an object body',
    () => Object.freeze({ statusCode: 200, body: Object.freeze({ cached: true }) }),
  ],
  [
    'a frozen object with a number header',
    () => Object.freeze({ statusCode: 200, headers: Object.freeze({ 'x-n': 1 }), body: 'x' }),
  ],
  ['a string', () => 'pong'],
]

describe('an early answer behind gateproof() is judged like any other response', () => {
  for (const [name, make] of EARLY) {
    for (const phase of ['before', 'after'] as const) {
      it.each(INTEGRATIONS)(`%s: ${name} returned by a used ${phase}`, async (integration) => {
        vi.spyOn(console, 'error').mockImplementation(() => {})
        const handler = gateproof(ok as never).use({ [phase]: () => make() } as MiddlewareObj)
        const result = await handler(eventFor(integration) as never, lambdaContext())
        expect(simulateGateway(integration, { kind: 'returned', value: result }).gatewayError).toBe(
          false,
        )
      })
    }
  }

  it.each(INTEGRATIONS)(
    '%s: request.earlyResponse = undefined set by a before',
    async (integration) => {
      const handler = gateproof(ok as never).use({
        before: (request) => {
          ;(request as { earlyResponse?: unknown }).earlyResponse = undefined
        },
      })
      const result = await handler(eventFor(integration) as never, lambdaContext())
      expect(simulateGateway(integration, { kind: 'returned', value: result }).gatewayError).toBe(
        false,
      )
    },
  )

  it.each(INTEGRATIONS)(
    '%s: a decorator’s async before answering early with a frozen object',
    async (integration) => {
      const decorator: MiddlewareObj = {
        before: async () => Object.freeze({ statusCode: 200, body: Object.freeze({ a: 1 }) }),
      }
      const handler = gateproof(ok as never, { decorators: [decorator] })
      const result = await handler(eventFor(integration) as never, lambdaContext())
      expect(simulateGateway(integration, { kind: 'returned', value: result }).gatewayError).toBe(
        false,
      )
    },
  )

  it('a valid early answer is sent as given (an equal copy), once judged', async () => {
    const early = { statusCode: 202, headers: { 'x-a': 'b' }, body: 'accepted' }
    const handler = gateproof(ok as never).use({ before: () => early })
    expect(await handler(eventFor('rest') as never, lambdaContext())).toEqual(early)
  })
})

describe('an onError that answers behind gateproof() is judged too', () => {
  it.each(INTEGRATIONS)(
    '%s: a decorator’s onError answering with a frozen invalid response',
    async (integration) => {
      const decorator: MiddlewareObj = {
        onError: () =>
          Object.freeze({ statusCode: 200, headers: Object.freeze({ n: 1 }), body: 'x' }),
      }
      const handler = gateproof(
        async () => {
          throw new Error('boom')
        },
        { decorators: [decorator] },
      )
      const result = await handler(eventFor(integration) as never, lambdaContext())
      expect(simulateGateway(integration, { kind: 'returned', value: result }).gatewayError).toBe(
        false,
      )
    },
  )
})

describe('an early answer that comes after the deadline (H5, H7)', () => {
  it('is not judged: the timeout is the request’s one log line', async () => {
    const { Logger } = await import('@aws-lambda-powertools/logger')
    const { captureOutput } = await import('@gateproof/testing')
    const T0 = Date.UTC(2026, 10, 22, 12, 0, 0)
    vi.useFakeTimers({ fakeNodeBuiltins: true, now: T0 })
    const capture = captureOutput()
    try {
      const slow = async () => {
        await new Promise((resolve) => setTimeout(resolve, 40_000))
        return { statusCode: 200, body: { late: true } }
      }
      const handler = gateproof(ok as never, { logger: new Logger({ serviceName: 'orders' }) }).use(
        { before: slow },
      )
      const invocation = handler(
        eventFor('rest', {}, { arrivedAt: T0 }) as never,
        lambdaContext({ remainingMs: 900_000 }),
      )
      await vi.advanceTimersByTimeAsync(30_000)
      expect(await invocation).toMatchObject({ statusCode: 504 })
      await vi.advanceTimersByTimeAsync(60_000)
    } finally {
      capture.stop()
      vi.useRealTimers()
    }
    expect(capture.logs().map((line) => line.message)).toEqual(['Request timed out'])
  })
})
