/**
 * H3 (issue 12), names: an empty header name, or one with whitespace, a colon, a control
 * character or a non-ASCII letter, is no header any front door can send as meant: `a b: v`,
 * `X-A: 1: v` and `: v` end or split the field name. The stream tap and the error renderer
 * (core's `mergeHeaders`) never let such a name out; the buffered path must not either.
 */
import { validateProxyResult } from '@gateproof/proxy-shape'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DOORS, integrationOf, internalError, rulesOf, through } from './helpers.js'

const RUNS = process.env.CI ? 2_000 : 200

const INVALID_NAMES = ['', 'a b', 'X-Evil: 1', 'é-accent', 'tab\tname', 'del\u007f', ' X-Lead']

/** Visible ASCII but the colon: a name the wire carries as written. */
const sendable = (name: string) => /^[!-9;-~]+$/.test(name)

/** Every header name a response carries, wherever it put them. */
function headerNames(response: unknown): string[] {
  const r = response as Record<string, unknown>
  return [
    ...Object.keys((r.headers as object | null) ?? {}),
    ...Object.keys((r.multiValueHeaders as object | null) ?? {}),
  ]
}

describe('H3: header names that are not HTTP tokens never leave', () => {
  it.each(DOORS)(
    'H3 %s: repair drops them from headers and multiValueHeaders, keeps the rest, and records header-field',
    async (door) => {
      const result = {
        statusCode: 200,
        headers: Object.fromEntries([
          ...INVALID_NAMES.map((name) => [name, 'x']),
          ['X-Ok', 'fine'],
        ]),
        multiValueHeaders: Object.fromEntries([
          ...INVALID_NAMES.map((name) => [name, ['y']]),
          ['X-List', ['good']],
        ]),
        body: 'ok',
      }
      const flagged = rulesOf(result, door).filter(([, rule]) => rule === 'header-field')
      expect(flagged.length).toBeGreaterThanOrEqual(INVALID_NAMES.length)
      const response = await through(door, result)
      expect(headerNames(response).every(sendable)).toBe(true)
      expect(JSON.stringify(response)).toContain('fine')
      expect(JSON.stringify(response)).toContain('good')
    },
  )

  it.each(DOORS)(
    'H3 %s: the common shape (a literal with string headers) is checked too',
    async (door) => {
      const result =
        door === 'alb-multi'
          ? {
              statusCode: 200,
              multiValueHeaders: { 'a b': ['v'] },
              body: 'ok',
              isBase64Encoded: false,
            }
          : door === 'alb'
            ? { statusCode: 200, headers: { 'a b': 'v' }, body: 'ok', isBase64Encoded: false }
            : { statusCode: 200, headers: { 'a b': 'v' }, body: 'ok' }
      expect(
        validateProxyResult(result, integrationOf(door), {
          albMultiValueHeaders: door === 'alb-multi',
        }).valid,
      ).toBe(false)
      expect(headerNames(await through(door, result)).every(sendable)).toBe(true)
    },
  )

  it.each(DOORS)('H3 %s: strict renders the 500 for such a name', async (door) => {
    const result = { statusCode: 200, headers: { 'X-Evil: 1': 'v' }, body: 'ok' }
    expect(await through(door, result, { mode: 'strict' })).toEqual(internalError(door))
  })

  it('H3: whatever the names, every name that leaves is a token (property)', async () => {
    const name = fc.oneof(fc.string(), fc.constantFrom(...INVALID_NAMES), fc.constant('X-Ok'))
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...DOORS),
        fc.dictionary(name, fc.string()),
        fc.dictionary(name, fc.array(fc.string())),
        async (door, headers, multiValueHeaders) => {
          const response = await through(door, {
            statusCode: 200,
            headers,
            multiValueHeaders,
            body: '',
          })
          expect(headerNames(response).every(sendable)).toBe(true)
        },
      ),
      { numRuns: RUNS },
    )
  })
})
