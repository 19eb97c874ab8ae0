import {
  checkPrelude,
  getStreamState,
  parsePreludeStream,
  type RequestLike,
  type StreamOutcome,
  streamingExecutionMode,
} from '@gateproof/core'
import {
  functionUrlEvent,
  installStreamingGlobals,
  invokeStreaming,
  restEvent,
} from '@gateproof/testing'
import middy from '@middy/core'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

let uninstall: () => void
beforeAll(() => {
  uninstall = installStreamingGlobals()
})
afterAll(() => uninstall())

const SPLIT = 'x\r\nSet-Cookie: evil=1'

/** A streaming Middy handler through core's execution mode alone (no streamShape in front). */
function streaming(make: () => unknown, outcomes: StreamOutcome[] = []) {
  return middy((async () => make()) as never, { executionMode: streamingExecutionMode() }).use({
    before: (request) => {
      getStreamState(request as unknown as RequestLike)?.onEnd.push((o) => outcomes.push(o))
    },
  })
}

/** `value` with a `toJSON` the prelude check never reads but `JSON.stringify` does. */
function withToJSON<T extends object>(value: T, json: () => unknown, onPrototype = false): T {
  if (onPrototype) return Object.assign(Object.create({ toJSON: json }), value) as T
  return Object.defineProperty(value, 'toJSON', { value: json })
}

/** A header map whose value is clean for the first `cleanReads` reads, then splits. */
function flipping(cleanReads: number): Record<string, string> {
  let reads = 0
  return Object.defineProperty({}, 'x-flip', {
    enumerable: true,
    get: () => (reads++ < cleanReads ? 'ok' : SPLIT),
  })
}

/** What the runtime would write, split as the front door splits it (ST2, ST3). */
async function sent(make: () => unknown, event: unknown) {
  const outcomes: StreamOutcome[] = []
  const result = await invokeStreaming(streaming(make, outcomes), event)
  return { result, outcomes }
}

// Every prelude metadata value a front door reads, after JSON: never a line break, NUL or control
// character (ST3), whatever the handler's objects do when they are read a second time.
function expectCleanWire(prelude: Record<string, unknown> | undefined): void {
  expect(prelude).toBeDefined()
  expect(checkPrelude(prelude).ok).toBe(true)
  expect(JSON.stringify(prelude)).not.toMatch(/\\[rn]|\\u00/)
}

describe('ST3: the prelude that leaves is the prelude that was checked', () => {
  it('ST3: a toJSON on headers, cookies or multiValueHeaders (own or inherited) cannot put CR/LF into the sent prelude', async () => {
    const cases: Array<[string, () => unknown, unknown]> = [
      [
        'headers.toJSON',
        () => ({
          statusCode: 200,
          headers: withToJSON({ a: 'b' }, () => ({ a: SPLIT })),
          body: 'hi',
        }),
        restEvent(),
      ],
      [
        'inherited headers.toJSON',
        () => ({
          statusCode: 200,
          headers: withToJSON({ a: 'b' }, () => ({ a: SPLIT }), true),
          body: 'hi',
        }),
        functionUrlEvent(),
      ],
      [
        'cookies.toJSON',
        () => ({ statusCode: 200, cookies: withToJSON(['a=1'], () => [SPLIT]), body: 'hi' }),
        functionUrlEvent(),
      ],
      [
        'multiValueHeaders.toJSON',
        () => ({
          statusCode: 200,
          multiValueHeaders: withToJSON({ a: ['1'] }, () => ({ a: [SPLIT] })),
          body: 'hi',
        }),
        restEvent(),
      ],
      [
        'multiValueHeaders list toJSON',
        () => ({
          statusCode: 200,
          multiValueHeaders: { a: withToJSON(['1'], () => [SPLIT]) },
          body: 'hi',
        }),
        restEvent(),
      ],
    ]
    for (const [label, make, event] of cases) {
      const { result } = await sent(make, event)
      expect(result.ended, label).toBe('complete')
      expectCleanWire(result.prelude)
      expect(result.body.toString(), label).toBe('hi')
    }
  })

  it('ST3: a header getter that turns dirty after it was checked cannot reach the sent prelude', async () => {
    for (const cleanReads of [1, 2, 3]) {
      const { result } = await sent(
        () => ({ statusCode: 200, headers: flipping(cleanReads), body: 'hi' }),
        restEvent(),
      )
      expectCleanWire(result.prelude)
      expect(result.prelude).toMatchObject({ statusCode: 200, headers: { 'x-flip': 'ok' } })
    }
  })

  it('ST2, ST3: headers whose toJSON throws are answered with the contract 500, never an empty stream without a prelude', async () => {
    const outcomes: StreamOutcome[] = []
    const result = await invokeStreaming(
      streaming(
        () => ({
          statusCode: 200,
          headers: withToJSON({ a: 'b' }, () => {
            throw new Error('toJSON says no')
          }),
          body: 'hi',
        }),
        outcomes,
      ),
      restEvent(),
    )
    // Either the checked headers leave (the throwing toJSON is never called) or a contract 500:
    // both are a prelude the gateway can read (ST2: nothing flows before valid metadata).
    expect(parsePreludeStream(Buffer.concat(result.chunks.map((c) => c.bytes)))).toMatchObject({
      ok: true,
    })
    expect(result.prelude).toMatchObject({ statusCode: 200, headers: { a: 'b' } })
    expect(outcomes[0]).toMatchObject({ ended: 'complete' })
  })

  it('ST3 (property): hostile metadata objects — toJSON, flipping getters, Proxies — leave a clean prelude or the contract 500', async () => {
    const hostileHeaders = fc.oneof(
      fc.constant(() => withToJSON({ a: 'b' }, () => ({ a: SPLIT }))),
      fc.constant(() => withToJSON({ a: 'b' }, () => ({ a: 'nul\0x' }), true)),
      fc.integer({ min: 0, max: 3 }).map((n) => () => flipping(n)),
      fc.constant(
        () =>
          new Proxy(
            { a: 'b' },
            {
              get: (target, key) =>
                key === 'toJSON' ? () => ({ a: SPLIT }) : Reflect.get(target, key),
            },
          ),
      ),
      fc.constant(() => Object.freeze(Object.assign(Object.create(null), { __proto__: 'p' }))),
    )
    const hostileCookies = fc.oneof(
      fc.constant(() => undefined),
      fc.constant(() => withToJSON(['a=1'], () => [SPLIT])),
      fc.constant(() => new Proxy(['a=1'], {})),
    )
    await fc.assert(
      fc.asyncProperty(
        hostileHeaders,
        hostileCookies,
        fc.boolean(),
        async (headers, cookies, rest) => {
          const { result } = await sent(
            () => ({ statusCode: 200, headers: headers(), cookies: cookies(), body: 'hi' }),
            rest ? restEvent() : functionUrlEvent(),
          )
          expect(result.ended).toBe('complete')
          expectCleanWire(result.prelude)
        },
      ),
      { numRuns: 60 },
    )
  })
})

describe('ST3: CR/LF at either end of a value is as dirty as in its middle', () => {
  const EDGES = ['evil\r\n', '\r\nevil', '\n', '\r\n', 'a\u2028', '\u000b', 'x\f']
  it('ST3: checkPrelude refuses a header value, multi-value or cookie that starts or ends with a line break', () => {
    for (const value of EDGES) {
      const label = JSON.stringify(value)
      expect(checkPrelude({ statusCode: 200, headers: { a: value } }).ok, label).toBe(false)
      expect(checkPrelude({ statusCode: 200, cookies: [value] }).ok, label).toBe(false)
      expect(
        checkPrelude({ statusCode: 200, multiValueHeaders: { a: [value] } }, 'rest').ok,
        label,
      ).toBe(false)
    }
    // Surrounding spaces and tabs are whitespace a header may carry, not control characters.
    expect(checkPrelude({ statusCode: 200, headers: { a: ' padded\t' } }).ok).toBe(true)
  })

  it('ST3: such a value never leaves in the prelude (core mode alone: the contract 500)', async () => {
    for (const value of EDGES) {
      const { result } = await sent(
        () => ({ statusCode: 200, headers: { 'x-a': value }, cookies: ['c=1'], body: 'hi' }),
        restEvent(),
      )
      expectCleanWire(result.prelude)
      expect(result.prelude, JSON.stringify(value)).toMatchObject({ statusCode: 500 })
    }
  })
})
