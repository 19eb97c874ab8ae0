// Issue 15: every guarantee of the streaming preset under hostile handlers, results, thrown values and
// events — what leaves is a valid prelude + body, a clean truncation, or the contract's answer.
import { checkPrelude } from '@gateproof/core'
import {
  functionUrlEvent,
  installStreamingGlobals,
  invokeStreaming,
  restEvent,
} from '@gateproof/testing'
import fc from 'fast-check'
import { gateproof } from 'gateproof'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  foreignEvents,
  hostileThrown,
  oddObjects,
  prototypeNames,
  revokedProxy,
  splittingString,
} from './support/hostile.js'

let uninstall: () => void
beforeAll(() => {
  uninstall = installStreamingGlobals()
})
afterAll(() => uninstall())

const boom = (): never => {
  throw new Error('getter says no')
}

/** Results a hostile handler returns, as thunks (fresh per call, never read by fast-check). */
const hostileResult: fc.Arbitrary<() => unknown> = fc.oneof(
  fc.anything().map((value) => () => value),
  oddObjects,
  revokedProxy,
  fc.constantFrom('statusCode', 'headers', 'body', 'cookies').map((field) => () => {
    const result: Record<string, unknown> = { statusCode: 200, body: 'x' }
    Object.defineProperty(result, field, { get: boom, enumerable: true })
    return result
  }),
  fc.constant(
    () => new Proxy({ statusCode: 200, body: 'x' }, { get: boom, ownKeys: boom }) as unknown,
  ),
  fc.tuple(prototypeNames, splittingString).map(([name, value]) => () => ({
    statusCode: 200,
    headers: { [name]: value },
    body: 'x',
  })),
  fc.tuple(splittingString, fc.uint8Array({ maxLength: 64 })).map(([cookie, bytes]) => () => ({
    statusCode: 201,
    cookies: [cookie],
    body: (async function* () {
      yield bytes
      yield 'tail'
    })(),
  })),
  fc.constant(() =>
    Object.freeze({ statusCode: 200, headers: Object.freeze({ a: 'b' }), body: 'x' }),
  ),
)

const handlerOf = (result: () => unknown, thrown: (() => unknown) | undefined) =>
  gateproof(
    async () => {
      if (thrown) throw thrown()
      return result() as never
    },
    { streaming: true, loadShedder: false },
  )

describe('streaming preset under hostile handlers (issue 15)', () => {
  it('ST3, ST8, ST20: an HTTP request always gets a valid prelude and an ended stream, never a failed invocation', async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileResult,
        fc.option(hostileThrown, { nil: undefined }),
        fc.boolean(),
        async (result, thrown, rest) => {
          const handler = handlerOf(result, thrown)
          const event = rest ? restEvent() : functionUrlEvent()
          const streamed = await invokeStreaming(handler, event)
          expect(streamed.ended).toBe('complete')
          expect(streamed.prelude).toBeDefined()
          expect(checkPrelude(streamed.prelude, rest ? 'rest' : 'function-url')).toMatchObject({
            ok: true,
          })
        },
      ),
      { numRuns: 200 },
    )
  })

  it('events of other triggers pass through: no prelude is invented, errors are the runtime’s', async () => {
    await fc.assert(
      fc.asyncProperty(foreignEvents, async (event) => {
        const handler = handlerOf(() => 'raw body', undefined)
        const streamed = await invokeStreaming(handler, event)
        expect(streamed.prelude).toBeUndefined()
        expect(streamed.body.toString()).toBe('raw body')
      }),
      { numRuns: 50 },
    )
  })
})
