import { gateproofPlugin } from '@gateproof/core'
import { loadShedder } from '@gateproof/load-shedder'
import { redisLimiter } from '@gateproof/redis-limiter'
import { lambdaContext, restEvent } from '@gateproof/testing'
import middy from '@middy/core'
import httpErrorHandler from '@middy/http-error-handler'
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda'
import { expect, it } from 'vitest'
import { describeWithRedis, useRedisServer } from './helpers/redis-server.js'

describeWithRedis('plugged into the load shedder', () => {
  const redis = useRedisServer()

  function handlerWith(limiter: ReturnType<typeof redisLimiter>) {
    const shedder = loadShedder({
      limiter,
      deadline: false,
      jitter: 0,
      key: () => 'orders',
      priority: () => 'critical',
    })
    let invocations = 0
    const waiting: Array<() => void> = []
    const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>(async () => {
      invocations += 1
      await new Promise<void>((resolve) => waiting.push(resolve))
      return { statusCode: 200, body: 'served' }
    }, gateproofPlugin(shedder))
      .use(httpErrorHandler({ logger: false }))
      .use(shedder)
    const finish = () => {
      for (const resolve of waiting.splice(0)) resolve()
    }
    return { handler, invocations: () => invocations, finish }
  }

  it('answers 429 with Retry-After when the fleet is at its concurrency limit, without invoking the handler', async () => {
    const { handler, invocations, finish } = handlerWith(
      redisLimiter({
        budgetMs: 1000,
        client: redis.client,
        concurrency: { limit: 1, retryAfterMs: 2000 },
      }),
    )
    const first = handler(restEvent(), lambdaContext())
    while ((await redis.client.zcard('{gateproof:orders}:leases')) === 0)
      await new Promise((r) => setTimeout(r, 2))

    const refused = await handler(restEvent(), lambdaContext())
    expect(refused).toEqual({
      statusCode: 429,
      headers: {
        'Content-Type': 'text/plain',
        'Retry-After': '2',
        'x-amzn-ErrorType': 'TooManyRequestsException',
      },
      body: 'Too many concurrent requests. Retry after 2 seconds.',
    })
    expect(invocations()).toBe(1)

    finish()
    expect(await first).toMatchObject({ statusCode: 200, body: 'served' })
    // The release leaves at the end of the tick, without holding the response: PING follows it.
    await redis.client.ping()
    expect(await redis.client.zcard('{gateproof:orders}:leases')).toBe(0)
  })

  it('adds RateLimit and RateLimit-Policy from the GCRA quota when the fleet-wide rate is spent', async () => {
    const { handler, finish } = handlerWith(
      redisLimiter({ budgetMs: 1000, client: redis.client, rate: { perSecond: 1, burst: 2 } }),
    )
    const served = [handler(restEvent(), lambdaContext()), handler(restEvent(), lambdaContext())]
    const refused = await handler(restEvent(), lambdaContext())
    expect(refused).toEqual({
      statusCode: 429,
      headers: {
        'Content-Type': 'text/plain',
        'Retry-After': '1',
        RateLimit: '"default";r=0;t=1',
        'RateLimit-Policy': '"default";q=2;w=2',
        'x-amzn-ErrorType': 'TooManyRequestsException',
      },
      body: expect.stringMatching(/Retry after 1 second/),
    })
    finish()
    expect(await Promise.all(served)).toEqual([
      { statusCode: 200, body: 'served' },
      { statusCode: 200, body: 'served' },
    ])
  })
})
