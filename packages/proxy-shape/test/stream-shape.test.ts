import { checkPrelude } from '@gateproof/core'
import { shapeStreamResponse, streamShape } from '@gateproof/proxy-shape'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

const hostileText = fc.oneof(
  fc.string(),
  fc.constantFrom('a\r\nSet-Cookie: x=1', 'nul\0inside', '\n', '\u0085', 'ok', ' padded '),
)
const hostileValue = fc.oneof(
  hostileText,
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileText, { maxLength: 3 }),
  fc.constant(Object.create(null)),
  fc.constant(Object.freeze({ toString: () => 'x' })),
)
const headerName = fc.oneof(
  fc.constantFrom('content-type', '__proto__', 'constructor', 'bad name', 'x\r\ny', ''),
  fc.string(),
)
const body = fc.oneof(
  fc.string(),
  fc.uint8Array({ maxLength: 32 }),
  fc.constantFrom<unknown>(undefined, null, 42, true, { a: 1 }, [1, 2], new ArrayBuffer(4)),
  fc.integer({ min: 1_000_000, max: 3_000_000 }).map((n) => 'x'.repeat(n)),
)
const response = fc.oneof(
  fc.record(
    {
      statusCode: fc.oneof(
        fc.integer({ min: 0, max: 700 }),
        fc.constantFrom<unknown>('200', '2xx', null),
      ),
      headers: fc.oneof(
        fc.dictionary(headerName, hostileValue, { maxKeys: 4 }),
        fc.constant('nope'),
      ),
      multiValueHeaders: fc.dictionary(headerName, fc.array(hostileValue, { maxLength: 2 }), {
        maxKeys: 2,
      }),
      cookies: fc.oneof(fc.array(hostileValue, { maxLength: 3 }), hostileText),
      isBase64Encoded: fc.boolean(),
      statusDescription: fc.string(),
      body,
    },
    { requiredKeys: [] },
  ),
  body,
)

describe('streamShape', () => {
  it('ST3, ST27, ST28: what it lets through has a prelude core accepts and a body that streams — or it says it cannot', () => {
    fc.assert(
      fc.property(
        response,
        fc.constantFrom('rest', 'function-url') as fc.Arbitrary<'rest' | 'function-url'>,
        (value, target) => {
          const result = shapeStreamResponse(value, target)
          if (!result.repairable) {
            expect(result.violations.length).toBeGreaterThan(0)
            return
          }
          const out = result.response as Record<string, unknown>
          const { body: streamed, ...meta } = out
          expect(checkPrelude(meta, target)).toMatchObject({ ok: true })
          expect(
            streamed === undefined ||
              streamed === null ||
              typeof streamed === 'string' ||
              streamed instanceof Uint8Array,
          ).toBe(true)
          if (result.violations.length === 0) expect(out).toBe(value)
        },
      ),
      { numRuns: 400 },
    )
  })

  it('ST3: a valid streaming response passes untouched (same object)', () => {
    const ok = {
      statusCode: 200,
      headers: { 'content-type': 'text/plain' },
      cookies: ['a=1'],
      body: 'x',
    }
    expect(shapeStreamResponse(ok, 'rest')).toEqual({
      response: ok,
      violations: [],
      repairable: true,
    })
  })

  it('REST: multiValueHeaders stay; Function URL: they fold into headers, Set-Cookie into cookies', () => {
    const value = {
      statusCode: 200,
      multiValueHeaders: { 'set-cookie': ['a=1', 'b=2'], vary: ['x', 'y'] },
    }
    expect(shapeStreamResponse(value, 'rest').violations).toEqual([])
    expect(shapeStreamResponse(value, 'function-url').response).toEqual({
      statusCode: 200,
      headers: { vary: 'x, y' },
      cookies: ['a=1', 'b=2'],
      body: undefined,
    })
  })

  it('options are checked when the middleware is built', () => {
    expect(() => streamShape({ mode: 'lenient' as never })).toThrow(/mode/)
    expect(() => streamShape({ integration: 'alb' as never })).toThrow(/integration/)
  })

  it('a metrics or logger that is not a Powertools instance fails when the middleware is built, as in proxyShape', () => {
    expect(() => streamShape({ metrics: {} as never })).toThrow(
      'option "metrics" must be a Powertools Metrics instance',
    )
    expect(() => streamShape({ logger: { info: 1 } as never })).toThrow(
      'option "logger" must be a Powertools Logger instance or false',
    )
    expect(() => streamShape({ logger: false })).not.toThrow()
  })
})
