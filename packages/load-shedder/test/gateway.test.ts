import { gateproofPlugin, getHeader, type Integration } from '@gateproof/core'
import { loadShedder, memoryLimiter } from '@gateproof/load-shedder'
import { eventFor, lambdaContext, simulateGateway } from '@gateproof/testing'
import middy from '@middy/core'
import { describe, expect, it } from 'vitest'
import { fakeClock } from './helpers/clock.js'
import { contractRenderer, OK, type Response } from './helpers/middy.js'

/** The shedder's refusal as the function returns it. */
async function refusalFor(integration: Integration): Promise<Response> {
  const clock = fakeClock()
  const limiter = memoryLimiter({ rate: { perSecond: 1, burst: 1 }, clock })
  const shedder = loadShedder({ limiter, clock, jitter: 0 })
  const handler = middy<unknown, Response>(async () => OK, gateproofPlugin(shedder))
    .use(contractRenderer())
    .use(shedder)
  await handler(eventFor(integration, {}, { arrivedAt: clock.now() }), lambdaContext({ clock }))
  return handler(eventFor(integration, {}, { arrivedAt: clock.now() }), lambdaContext({ clock }))
}

// gateway-facts §5 "Function-returned 429": a well-formed 429 passes through every front door,
// where a platform throttle does not reach REST or ALB clients as a 429 (§2.1, F-throttle).
describe('what the client of each front door sees instead of a Lambda throttle', () => {
  it.each<[Integration, string[], boolean, number]>([
    ['rest', ['R-format'], true, 500],
    ['alb', ['A1'], true, 502],
    ['function-url', ['U4', 'U6'], true, 429],
  ])(
    '%s: the 429 with Retry-After and RateLimit reaches the client (rows %j), where a throttle gives F-throttle %i',
    async (integration, rows, confirmed, throttleStatus) => {
      const client = simulateGateway(integration, {
        kind: 'returned',
        value: await refusalFor(integration),
      })

      expect(client.status).toBe(429)
      expect(client.gatewayError).toBe(false)
      expect(getHeader(client.headers, 'retry-after')).toBe('1')
      expect(getHeader(client.headers, 'ratelimit')).toBe('"default";r=0;t=1')
      expect(JSON.parse(client.body)).toMatchObject({
        status: 429,
        errorType: 'TooManyRequestsException',
      })
      expect([client.rows, client.confirmed]).toEqual([rows, confirmed])
      expect(simulateGateway(integration, { kind: 'throttled' }).status).toBe(throttleStatus)
    },
  )

  it.each<[Integration, string]>([
    ['http-v1', 'H1-1'],
    ['http-v2', 'H2-3'],
  ])(
    '%s: the 429 and Retry-After reach the client (%s); whether x-amzn-ErrorType passes is unconfirmed (§6.1)',
    async (integration, row) => {
      const client = simulateGateway(integration, {
        kind: 'returned',
        value: await refusalFor(integration),
      })

      expect(client.status).toBe(429)
      expect(getHeader(client.headers, 'retry-after')).toBe('1')
      expect(client.rows).toEqual([row, 'HDR-http-x-amzn'])
      expect(client.confirmed).toBe(false)
    },
  )
})
