/**
 * §6.4 (`Q-rest-headers`, UNCONFIRMED: we answer 502) with §6.2: REST renames `Authorization`,
 * `Connection`, `Content-MD5`, `Date`, `Max-Forwards`, `Server`, `User-Agent` and
 * `WWW-Authenticate` to `X-Amzn-Remapped-<name>`, 16 bytes longer each. Header lines that fit
 * the 10 240-byte budget as the function wrote them can be over it as the gateway sends them:
 * the budget is checked on the remapped lines, as the simulator counts them.
 */
import { validateProxyResult } from '@gateproof/proxy-shape'
import { simulateGateway } from '@gateproof/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { through } from './helpers.js'

const RUNS = process.env.CI ? 1_000 : 150

const REMAPPED = [
  'Authorization',
  'Connection',
  'Content-MD5',
  'Date',
  'Max-Forwards',
  'Server',
  'User-Agent',
  'WWW-Authenticate',
]

/** `name: value\r\n` in bytes, and the `Content-Type` line REST adds (R22). */
const lineBytes = (headers: Record<string, string>) =>
  32 +
  Object.entries(headers).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value) + 4,
    0,
  )

/** Remapped headers plus one filler, `total` bytes of lines as written. */
function headersOf(total: number): Record<string, string> {
  const headers: Record<string, string> = Object.fromEntries(REMAPPED.map((name) => [name, 'x']))
  headers['X-Fill'] = 'f'.repeat(total - lineBytes(headers) - 'X-Fill'.length - 4)
  return headers
}

describe('Q-rest-headers after §6.2’s remapping', () => {
  it('lines of 10 235 bytes as written, over 10 240 once remapped: a header-size violation', () => {
    const headers = headersOf(10_235)
    expect(lineBytes(headers)).toBe(10_235)
    const result = { statusCode: 200, headers, body: 'ok' }
    expect(validateProxyResult(result, 'rest').violations.map((v) => v.rule)).toContain(
      'header-size',
    )
    expect(validateProxyResult(result, 'universal').violations.map((v) => v.rule)).toContain(
      'header-size',
    )
    // HTTP API does not remap (§6.2 is REST's table) and has no such budget.
    expect(validateProxyResult(result, 'http-v1').valid).toBe(true)
  })

  it('whatever the headers, what proxy-shape sends REST is not over the budget REST applies (property)', async () => {
    const name = fc.oneof(fc.constantFrom(...REMAPPED), fc.constantFrom('X-A', 'x-b', 'Vary'))
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(name, fc.string({ maxLength: 40 }), { maxKeys: 12 }),
        fc.integer({ min: 9_000, max: 10_400 }),
        async (extra, total) => {
          const headers = { ...headersOf(total), ...extra }
          const response = await through('rest', { statusCode: 200, headers, body: 'ok' })
          const client = simulateGateway('rest', { kind: 'returned', value: response })
          expect(client.rows).not.toContain('Q-rest-headers')
          expect(client.gatewayError).toBe(false)
        },
      ),
      { numRuns: RUNS },
    )
  })
})
