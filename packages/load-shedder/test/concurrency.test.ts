import { gateproofPlugin } from '@gateproof/core'
import { type LoadShedderOptions, loadShedder, memoryLimiter } from '@gateproof/load-shedder'
import { httpApiEvent, lambdaContext } from '@gateproof/testing'
import middy from '@middy/core'
import type { APIGatewayProxyEventV2 } from 'aws-lambda'
import { describe, expect, it } from 'vitest'
import { contractRenderer, OK, type Response } from './helpers/middy.js'

/**
 * Lambda Managed Instances run many invocations of one handler object concurrently in a
 * Node worker thread (gateway-facts §5): these tests invoke one Middy handler hundreds of
 * times at once and watch how many handler bodies really run together.
 */
function managedInstance(options: LoadShedderOptions) {
  const shedder = loadShedder(options)
  const running = new Map<string, number>()
  const peak = new Map<string, number>()
  const handler = middy<APIGatewayProxyEventV2, Response>(async (event: APIGatewayProxyEventV2) => {
    const route = event.routeKey
    const now = (running.get(route) ?? 0) + 1
    running.set(route, now)
    peak.set(route, Math.max(peak.get(route) ?? 0, now))
    // Handlers finish in a different order than they started.
    await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 8)))
    running.set(route, (running.get(route) ?? 1) - 1)
    return OK
  }, gateproofPlugin(shedder))
    .use(contractRenderer())
    .use(shedder)
  const burst = (count: number, routes = ['GET /orders/{id}']) =>
    Promise.all(
      Array.from({ length: count }, (_, i) =>
        handler(httpApiEvent({ routeKey: routes[i % routes.length] as string }), lambdaContext()),
      ),
    )
  return { shedder, burst, peak }
}

describe('loadShedder on Managed Instances: one handler, many concurrent invocations', () => {
  it('never runs more handlers at once than the in-flight cap, and refuses the rest', async () => {
    const { shedder, burst, peak } = managedInstance({ inFlight: 16 })

    const responses = await burst(500)

    const admitted = responses.filter((r) => r.statusCode === 200).length
    const refused = responses.filter((r) => r.statusCode === 429).length
    expect(peak.get('GET /orders/{id}')).toBe(16)
    expect(admitted + refused).toBe(500)
    expect(admitted).toBeGreaterThanOrEqual(16)
    expect(shedder.stats().inFlight).toBe(0)
  })

  it('never lets more than N of one route run at once through the memory limiter, per route', async () => {
    const limiter = memoryLimiter({ concurrency: 5 })
    const { shedder, burst, peak } = managedInstance({ limiter })

    const responses = await burst(400, ['GET /orders/{id}', 'POST /orders'])

    // Without priorities every request is `normal`: 95 % of 5 slots is 4.
    expect(peak.get('GET /orders/{id}')).toBe(4)
    expect(peak.get('POST /orders')).toBe(4)
    expect(responses.filter((r) => r.statusCode === 429).length).toBeGreaterThan(0)
    expect(shedder.stats().inFlight).toBe(0)
    expect(limiter.stats('GET /orders/{id}').held).toBe(0)
    expect(limiter.stats('POST /orders').held).toBe(0)
  })

  it('keeps each invocation to its own slot when they finish out of order', async () => {
    const { shedder, burst } = managedInstance({ inFlight: 1000 })
    const responses = await burst(300)
    expect(responses.every((r) => r.statusCode === 200)).toBe(true)
    expect(shedder.stats()).toEqual({ inFlight: 0, adaptiveLimit: undefined, reclaimed: 0 })
  })
})
