import { checkPrelude, parsePreludeStream } from '@gateproof/core'
import {
  functionUrlEvent,
  installStreamingGlobals,
  invokeStreaming,
  restEvent,
} from '@gateproof/testing'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { gateproof } from '../src/index.js'

let uninstall: () => void
beforeAll(() => {
  uninstall = installStreamingGlobals()
})
afterAll(() => uninstall())

const RUNS = process.env.CI ? 1_000 : 120

const SPLITTERS = ['a\r\nSet-Cookie: evil=1', 'nul\0x', '\n', '\u2028', ' ok ', 'ok']
const text = fc.oneof(fc.constantFrom(...SPLITTERS), fc.string({ maxLength: 8 }))
const name = fc.constantFrom(
  'content-type',
  'x-id',
  '__proto__',
  'constructor',
  'toString',
  'bad name',
)
const scalar = fc.oneof(
  text,
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.constant(10n),
  fc.array(text, { maxLength: 2 }),
  fc.object({ maxDepth: 1 }),
)

/** A map of `entries` made hostile: as built, frozen, null-prototype, a toJSON, a flipping getter, a Proxy. */
const hostileMap = (entries: fc.Arbitrary<[string, unknown][]>) =>
  fc
    .tuple(
      entries,
      fc.constantFrom('plain', 'frozen', 'null-proto', 'toJSON', 'getter', 'proxy'),
      text,
    )
    .map(([pairs, how, dirty]) => () => {
      const map: Record<string, unknown> = how === 'null-proto' ? Object.create(null) : {}
      for (const [key, value] of pairs) {
        Object.defineProperty(map, key, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        })
      }
      if (how === 'frozen') return Object.freeze(map)
      if (how === 'toJSON')
        return Object.defineProperty(map, 'toJSON', { value: () => ({ x: dirty }) })
      if (how === 'getter') {
        let reads = 0
        return Object.defineProperty(map, 'x-flip', {
          enumerable: true,
          get: () => (reads++ === 0 ? 'ok' : dirty),
        })
      }
      if (how === 'proxy') {
        return new Proxy(map, {
          get: (target, key) =>
            key === 'toJSON' ? () => ({ x: dirty }) : Reflect.get(target, key),
        })
      }
      return map
    })

const headers = hostileMap(fc.array(fc.tuple(name, scalar), { maxLength: 3 }))
const multi = hostileMap(
  fc.array(fc.tuple(name, fc.oneof(fc.array(text, { maxLength: 2 }), scalar)), { maxLength: 2 }),
)
const cookies = fc.oneof(
  fc.constant(() => undefined),
  fc.array(text, { maxLength: 2 }).map((list) => () => list),
  fc.tuple(fc.array(text, { maxLength: 2 }), text).map(
    ([list, dirty]) =>
      () =>
        Object.defineProperty([...list], 'toJSON', { value: () => [dirty] }),
  ),
)
const status = fc.oneof(
  fc.integer({ min: 100, max: 599 }),
  fc.constantFrom<unknown>('200', 99, 600, 200.5, null, undefined, Number.NaN),
)
const body = fc.constantFrom<() => unknown>(
  () => 'text',
  () => Buffer.from([0, 1, 2, 255]),
  () => ({ json: true }),
  () =>
    (async function* () {
      yield 'a'
      yield Buffer.alloc(70_000, 0)
    })(),
  () =>
    (async function* () {
      yield 'a'
      throw new Error('late')
    })(),
  () =>
    (async function* () {
      yield { not: 'bytes' }
    })(),
)

/** Every header value and cookie of a prelude, as the front door decodes them. */
function metadataValues(prelude: Record<string, unknown>): string[] {
  const values: string[] = []
  for (const key of ['headers', 'multiValueHeaders', 'cookies']) {
    const field = prelude[key]
    if (field === undefined) continue
    values.push(...(Object.values(field as object).flat() as string[]))
  }
  return values
}

describe('gateproof streaming under hostile results (property)', () => {
  it('ST2, ST3: whatever the handler returns, what leaves starts with a prelude the gateway can read, clean and checked', async () => {
    const handler = gateproof(
      // The event carries the hostile result: one handler, built once as on Lambda.
      async (event) => (event as unknown as { hostile: () => never }).hostile(),
      { streaming: true, logger: false },
    )
    await fc.assert(
      fc.asyncProperty(
        status,
        headers,
        multi,
        cookies,
        body,
        fc.boolean(),
        async (statusCode, makeHeaders, makeMulti, makeCookies, makeBody, rest) => {
          const event = Object.assign(rest ? restEvent() : functionUrlEvent(), {
            hostile: () => ({
              statusCode,
              headers: makeHeaders(),
              multiValueHeaders: makeMulti(),
              cookies: makeCookies(),
              body: makeBody(),
            }),
          })
          const result = await invokeStreaming(handler as never, event)
          expect(result.ended).toBe('complete')
          const wire = Buffer.concat(result.chunks.map((chunk) => chunk.bytes))
          const parsed = parsePreludeStream(wire)
          expect(parsed.ok).toBe(true)
          const prelude = result.prelude as Record<string, unknown>
          expect(checkPrelude(prelude, rest ? 'rest' : 'function-url').ok).toBe(true)
          // After JSON decoding, no value can split a header or end the prelude early.
          for (const value of metadataValues(prelude)) {
            expect(value, JSON.stringify(value)).not.toMatch(/[\r\n\0\u2028\u2029]/)
          }
        },
      ),
      { numRuns: RUNS },
    )
  })
})
