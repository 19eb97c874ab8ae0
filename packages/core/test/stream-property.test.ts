import {
  checkPrelude,
  getStreamState,
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

// Header text that tries to split the response or end the prelude early.
const hostileText = fc.oneof(
  fc.string(),
  fc.constantFrom(
    'a\r\nSet-Cookie: x=1',
    'nul\0inside',
    '\n',
    'ok',
    'tab\tok',
    '\u2028',
    ' padded ',
  ),
  fc.string({ unit: fc.constantFrom('a', '\r', '\n', '\0', '\u007f', 'é') }),
)
const headerName = fc.oneof(
  fc.constantFrom('content-type', 'x-id', '__proto__', 'constructor', 'bad name', 'x\r\ny', ''),
  fc.string(),
)
const status = fc.oneof(
  fc.integer({ min: 100, max: 599 }),
  fc.constantFrom<unknown>(0, 99, 600, 200.5, '200', null, Number.NaN),
)
const prelude = fc.record(
  {
    statusCode: status,
    headers: fc.dictionary(
      headerName,
      fc.oneof(hostileText, fc.integer() as fc.Arbitrary<unknown>),
      {
        maxKeys: 4,
      },
    ),
    cookies: fc.array(hostileText, { maxLength: 3 }),
    isBase64Encoded: fc.boolean(),
  },
  { requiredKeys: ['statusCode'] },
)
// Binary chunks, some empty, occasionally a big one.
const chunk = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.string(),
  fc.integer({ min: 65_536, max: 400_000 }).map((n) => Buffer.alloc(n, 0)),
)
const failure = fc.constantFrom('none', 'before-first-chunk', 'after-first-chunk', 'handler-throws')

describe('stream tap properties (core)', () => {
  it('ST3, ST16, ST27: what leaves is a valid prelude + the whole body, a clean truncation, or the contract 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        prelude,
        fc.array(chunk, { maxLength: 6 }),
        failure,
        fc.boolean(),
        async (meta, parts, fail, rest) => {
          const outcomes: StreamOutcome[] = []
          async function* body() {
            if (fail === 'before-first-chunk') throw new Error('early')
            let index = 0
            for (const part of parts) {
              yield part
              if (fail === 'after-first-chunk' && index++ === 0) throw new Error('late')
            }
          }
          const handler = middy(
            (async () => {
              if (fail === 'handler-throws') throw new Error('thrown')
              return { ...meta, body: body() }
            }) as never,
            { executionMode: streamingExecutionMode() },
          ).use({
            before: (request) => {
              getStreamState(request as unknown as RequestLike)?.onEnd.push((o) => outcomes.push(o))
            },
          })
          const event = rest ? restEvent() : functionUrlEvent()
          const result = await invokeStreaming(handler, event)
          expect(result.ended).toBe('complete')
          const sent = result.prelude as Record<string, unknown>
          expect(sent).toBeDefined()
          expect(
            Object.keys(sent).every((key) => ['statusCode', 'headers', 'cookies'].includes(key)),
          ).toBe(true)
          expect(checkPrelude(sent).ok).toBe(true)
          const check = checkPrelude(meta, rest ? 'rest' : 'function-url')
          const whole = Buffer.concat(
            parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)),
          )
          if (!check.ok || fail === 'handler-throws' || fail === 'before-first-chunk') {
            expect(sent.statusCode).toBe(500)
            expect(JSON.parse(result.body.toString())).toMatchObject({ status: 500 })
          } else if (fail === 'after-first-chunk' && parts.length > 0) {
            expect(sent).toEqual(check.prelude)
            expect(outcomes[0]).toMatchObject({ ended: 'truncated', reason: 'body-error' })
            const first = parts[0] as string | Uint8Array
            expect(result.body.equals(Buffer.from(first as never))).toBe(true)
          } else {
            expect(sent).toEqual(check.prelude)
            expect(result.body.equals(whole)).toBe(true)
            expect(outcomes[0]).toMatchObject({ ended: 'complete', bytes: whole.length })
          }
        },
      ),
      { numRuns: 150 },
    )
  })
})
