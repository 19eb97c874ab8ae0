import { INTEGRATIONS } from '@gateproof/core'
import { eventFor, lambdaContext, simulateGateway } from '@gateproof/testing'
import fc from 'fast-check'
import { gateproof } from 'gateproof'
import { beforeAll, describe, expect, it, vi } from 'vitest'

const RUNS = process.env.CI ? 1_000 : 150

// What handlers really return: proxy-shaped objects with wrong types, bare values, Buffers.
const headerValue = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null))
const returned = fc.oneof(
  fc.anything(),
  fc.record(
    {
      statusCode: fc.oneof(
        fc.integer({ min: -10, max: 1000 }),
        fc.string(),
        fc.constantFrom(200, '201'),
      ),
      headers: fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), headerValue),
      body: fc.oneof(fc.string(), fc.object(), fc.integer(), fc.constant(undefined)),
      isBase64Encoded: fc.oneof(fc.boolean(), fc.string()),
      cookies: fc.array(fc.string()),
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
