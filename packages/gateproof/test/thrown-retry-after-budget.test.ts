/**
 * §6.4 (Q-rest-headers), A7, with DESIGN's `Retry-After` on every 429 and 503 gateproof produces: the thrown headers'
 * 8 KiB budget keeps the error's own `Retry-After` whatever comes before it in the bag. A large
 * header first used the budget up, the service's hint (120 s) was left out, and the mapper's
 * default (1 s) went in its place: a throttled client came back 119 s too early.
 */
import { INTEGRATIONS } from '@gateproof/core'
import { eventFor, lambdaContext, simulateGateway } from '@gateproof/testing'
import createHttpError from 'http-errors'
import { describe, expect, it } from 'vitest'
import { gateproof } from '../src/index.js'

describe('Q-rest-headers / A7: the thrown Retry-After is never the header left out', () => {
  it.each(INTEGRATIONS)(
    '%s: a 429 keeps its own Retry-After behind a large header',
    async (integration) => {
      const handler = gateproof(async () => {
        throw createHttpError(429, 'slow down', {
          headers: { 'X-Large': 'l'.repeat(8_180), 'retry-after': '120' },
        })
      })
      const result = await handler(eventFor(integration) as never, lambdaContext())
      const client = simulateGateway(integration, { kind: 'returned', value: result })
      expect(client.gatewayError).toBe(false)
      expect(client.status).toBe(429)
      const text = JSON.stringify(result)
      expect(text).toMatch(/"retry-after":(\["120"\]|"120")/i)
      expect(text).not.toMatch(/"retry-after":(\["1"\]|"1")/i)
    },
  )
})

describe('DESIGN (Retry-After on every 429/503), facts “a 429 the function returns”: the thrown Retry-After is kept past the first 64 headers read', () => {
  it('a 429 whose Retry-After comes after 70 other headers keeps it', async () => {
    const headers: Record<string, string> = {}
    for (let i = 0; i < 70; i++) headers[`x-h${i}`] = 'v'
    headers['Retry-After'] = '120'
    const handler = gateproof(async () => {
      throw createHttpError(429, 'slow down', { headers })
    })
    const text = JSON.stringify(await handler(eventFor('rest') as never, lambdaContext()))
    expect(text).toMatch(/"retry-after":(\["120"\]|"120")/i)
  })
})
