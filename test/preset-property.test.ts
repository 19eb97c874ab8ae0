import { hasSplittingChars, INTEGRATIONS } from '@gateproof/core'
import { eventFor, lambdaContext, simulateGateway } from '@gateproof/testing'
import fc from 'fast-check'
import { gateproof } from 'gateproof'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { prototypeNames, splittingString } from './support/hostile.js'

const RUNS = process.env.CI ? 1_000 : 150

// What handlers really return: proxy-shaped objects with wrong types, bare values, Buffers;
// H3/H4 (issue 12): CR, LF and NUL in every header position, prototype-named header keys.
const text = fc.oneof(fc.string(), splittingString)
const headerValue = fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null))
const headerName = fc.oneof(
  fc.string({ minLength: 1, maxLength: 20 }),
  splittingString,
  prototypeNames,
)
const returned = fc.oneof(
  fc.anything(),
  fc.record(
    {
      statusCode: fc.oneof(
        fc.integer({ min: -10, max: 1000 }),
        fc.string(),
        fc.constantFrom(200, '201'),
      ),
      headers: fc.dictionary(headerName, headerValue),
      multiValueHeaders: fc.dictionary(headerName, fc.array(headerValue)),
      body: fc.oneof(fc.string(), fc.object(), fc.integer(), fc.constant(undefined)),
      isBase64Encoded: fc.oneof(fc.boolean(), fc.string()),
      cookies: fc.array(text),
      extra: fc.anything(),
    },
    { requiredKeys: [] },
  ),
  fc.uint8Array().map((bytes) => ({ statusCode: 200, body: Buffer.from(bytes) })),
)

const SECRET = 'secret-7f3a'
const thrown = fc.oneof(
  fc.constant(new Error(`database password ${SECRET}`)),
  fc.constant(`${SECRET} as a string`),
  fc.constant(null),
  fc.constant({ message: SECRET, statusCode: 503 }),
  fc.anything(),
)

describe('gateproof() on every front door (property)', () => {
  // Without a Logger every 5xx writes one line to console.error (H6): keep the output readable.
  beforeAll(() => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
  })

  for (const integration of INTEGRATIONS) {
    it(`never lets ${integration} answer on its own, whatever the handler returns`, async () => {
      await fc.assert(
        fc.asyncProperty(returned, async (value) => {
          const handler = gateproof(async () => value as never)
          const result = await handler(eventFor(integration) as never, lambdaContext())
          const client = simulateGateway(integration, { kind: 'returned', value: result })
          expect(client.gatewayError).toBe(false)
          expect(headerTexts(result).some(hasSplittingChars)).toBe(false)
        }),
        { numRuns: RUNS },
      )
    })

    it(`answers every thrown thing on ${integration} in the contract without leaking 5xx messages`, async () => {
      await fc.assert(
        fc.asyncProperty(thrown, async (error) => {
          const handler = gateproof(async () => {
            throw error
          })
          const result = await handler(eventFor(integration) as never, lambdaContext())
          const client = simulateGateway(integration, { kind: 'returned', value: result })
          expect(client.gatewayError).toBe(false)
          expect(client.status).toBeGreaterThanOrEqual(400)
          if (client.status >= 500) expect(client.body).not.toContain(SECRET)
        }),
        { numRuns: RUNS },
      )
    })
  }
})

/** Every header name, value and cookie of a response, wherever it put them. */
function headerTexts(response: unknown): string[] {
  // Without statusCode, payload 2.0 sends the value as a JSON body: it has no headers.
  if (typeof response !== 'object' || response === null || !('statusCode' in response)) return []
  const { headers, multiValueHeaders, cookies, statusDescription } = response as Record<
    string,
    unknown
  >
  const texts: string[] = []
  for (const [name, value] of Object.entries((headers as object) ?? {}))
    texts.push(name, String(value))
  for (const [name, values] of Object.entries((multiValueHeaders as object) ?? {})) {
    texts.push(name, ...(Array.isArray(values) ? values.map(String) : [String(values)]))
  }
  if (Array.isArray(cookies)) texts.push(...cookies.map(String))
  if (typeof statusDescription === 'string') texts.push(statusDescription)
  return texts
}
