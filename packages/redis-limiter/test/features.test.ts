import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import { gateproofPlugin } from '@gateproof/core'
import {
  type Admitted,
  type LimiterDecision,
  type LimiterRequest,
  loadShedder,
  type Priority,
} from '@gateproof/load-shedder'
import { redisLimiter } from '@gateproof/redis-limiter'
import {
  type Capture,
  captureOutput,
  findLogs,
  findMetrics,
  lambdaContext,
  restEvent,
} from '@gateproof/testing'
import middy from '@middy/core'
import httpErrorHandler from '@middy/http-error-handler'
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { commandCalls, describeWithRedis, useRedisServer } from './helpers/redis-server.js'

const request = (
  key = 'orders',
  priority: Priority = 'normal',
  extra: Partial<LimiterRequest> = {},
): LimiterRequest => ({ key, priority, deadlineAt: Date.now() + 10_000, ...extra })

const admittedOf = (decisions: LimiterDecision[]) => decisions.map((d) => d.admitted)

function admitted(decision: LimiterDecision): Admitted {
  if (!decision.admitted) throw new Error(`expected an admission, got ${JSON.stringify(decision)}`)
  return decision
}

async function inSequence(times: number, decide: () => Promise<LimiterDecision>) {
  const decisions: LimiterDecision[] = []
  for (let i = 0; i < times; i += 1) decisions.push(await decide())
  return decisions
}

describeWithRedis('what fleets need (issue 14)', () => {
  const redis = useRedisServer()
  let capture: Capture
  let metrics: Metrics
  let logger: Logger

  beforeEach(() => {
    metrics = new Metrics({ namespace: 'test', serviceName: 'orders' })
    logger = new Logger({ serviceName: 'orders' })
    capture = captureOutput()
  })
  afterEach(() => {
    capture.stop()
  })

  it('R14 the default burst is 1: a rate of 10/s admits one request at once, not ten', async () => {
    const limiter = redisLimiter({ budgetMs: 1000, client: redis.client, rate: { perSecond: 10 } })
    expect(admittedOf(await inSequence(2, () => limiter.acquire(request())))).toEqual([true, false])
  })

  it('R14 per-key overrides replace the default rules for that key only', async () => {
    const limiter = redisLimiter({
      budgetMs: 1000,
      client: redis.client,
      concurrency: { limit: 1 },
      overrides: { 'tenant-vip': { concurrency: { limit: 3 } } },
    })
    const vip = await inSequence(4, () => limiter.acquire(request('tenant-vip')))
    const other = await inSequence(2, () => limiter.acquire(request('tenant-basic')))
    expect(admittedOf(vip)).toEqual([true, true, true, false])
    expect(admittedOf(other)).toEqual([true, false])
  })

  it('R14 a request costs `cost` cells of every rate window', async () => {
    const limiter = redisLimiter({
      budgetMs: 1000,
      client: redis.client,
      rate: { perSecond: 1, burst: 5 },
    })
    const heavy = await limiter.acquire(request('orders', 'normal', { cost: 3 }))
    expect(heavy).toMatchObject({ admitted: true, quota: { remaining: 2 } })
    expect(await limiter.acquire(request('orders', 'normal', { cost: 3 }))).toMatchObject({
      admitted: false,
      reason: 'rate',
    })
    // The refusal of a cost of 3 does not refuse a cost of 2, which still fits.
    expect(await limiter.acquire(request('orders', 'normal', { cost: 2 }))).toMatchObject({
      admitted: true,
      quota: { remaining: 0 },
    })
  })

  it('R14 the load shedder passes its `cost` option to the limiter', async () => {
    const limiter = redisLimiter({
      budgetMs: 1000,
      client: redis.client,
      rate: { perSecond: 1, burst: 10 },
    })
    const shedder = loadShedder<'rest'>({
      limiter,
      deadline: false,
      key: () => 'batch',
      cost: (event: APIGatewayProxyEvent) => Number(event.headers?.['x-items'] ?? 1),
    })
    const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>(
      async () => ({ statusCode: 200, body: 'ok' }),
      gateproofPlugin(shedder),
    )
      .use(httpErrorHandler({ logger: false }))
      .use(shedder)
    const batchOf = (items: number) => restEvent({ headers: { 'x-items': String(items) } })
    expect(await handler(batchOf(8), lambdaContext())).toMatchObject({ statusCode: 200 })
    expect(await handler(batchOf(3), lambdaContext())).toMatchObject({ statusCode: 429 })
    expect(await handler(batchOf(2), lambdaContext())).toMatchObject({ statusCode: 200 })
  })

  it('R14 several windows at once: a burst window and a sustained rate, the tightest refuses', async () => {
    const limiter = redisLimiter({
      budgetMs: 1000,
      client: redis.client,
      // The burst window refills one token per 500 ms: four decisions in a row see it spent
      // however slow a loaded machine makes them (at 1000/s one late decision found a token).
      rate: [
        { perSecond: 2, burst: 3 },
        { perSecond: 0.5, burst: 5 },
      ],
    })
    const first = await inSequence(4, () => limiter.acquire(request()))
    expect(admittedOf(first)).toEqual([true, true, true, false])
    // The quota describes the tightest window: the burst one, spent.
    expect(first[2]).toMatchObject({ quota: { remaining: 0 } })
    expect(first[3]).toMatchObject({ reason: 'rate' })
    expect(await redis.client.exists('{gateproof:orders}:rate', '{gateproof:orders}:rate:1')).toBe(
      2,
    )
  })

  it('R14 shadow mode per rule: would-be refusals are counted and logged, nothing is refused', async () => {
    const limiter = redisLimiter({
      budgetMs: 1000,
      client: redis.client,
      rate: [
        { perSecond: 1000, burst: 100 },
        { perSecond: 1, burst: 2, shadow: true },
      ],
      concurrency: { limit: 2, shadow: true },
      metrics,
      logger,
    })
    const decisions = await inSequence(4, () => limiter.acquire(request()))
    expect(admittedOf(decisions)).toEqual([true, true, true, true])
    const shadow = findMetrics(capture, { name: 'RedisLimiterShadowRefusal' })
    // Requests 3 and 4 exceed the shadow rate (burst 2); the shadow concurrency limit of 2
    // is reached at request 3 by the two leases still held.
    expect(shadow.map((m) => m.dimensions.Rule).sort()).toEqual([
      'concurrency',
      'concurrency',
      'rate',
      'rate',
    ])
    // One log line per rule, not per request.
    expect(findLogs(capture, { message: /shadow rule would refuse/ })).toHaveLength(2)
    for (const decision of decisions) if (decision.admitted) decision.release()
  })

  it('R14 shadow concurrency: held leases are counted, refusals only reported', async () => {
    const limiter = redisLimiter({
      budgetMs: 1000,
      client: redis.client,
      concurrency: { limit: 2, shadow: true },
      metrics,
      logger,
    })
    const decisions = await inSequence(3, () => limiter.acquire(request()))
    expect(admittedOf(decisions)).toEqual([true, true, true])
    expect(
      findMetrics(capture, { name: 'RedisLimiterShadowRefusal' }).map((m) => m.dimensions.Rule),
    ).toEqual(['concurrency'])
    expect(await redis.client.zcard('{gateproof:orders}:leases')).toBe(2)
    for (const decision of decisions) if (decision.admitted) decision.release()
  })

  it('R14 counts a near-limit decision once a rule is at 80 % of its limit', async () => {
    const limiter = redisLimiter({
      budgetMs: 1000,
      client: redis.client,
      concurrency: { limit: 5 },
      metrics,
    })
    const decisions = await inSequence(5, () => limiter.acquire(request()))
    // Leases 4 and 5 of 5 put the key at 80 % and 100 %.
    expect(findMetrics(capture, { name: 'RedisLimiterNearLimit' })).toHaveLength(2)
    for (const decision of decisions) if (decision.admitted) decision.release()
  })

  it('R14 criticalReserve is capacity on top of the limit that only critical requests use', async () => {
    const limiter = redisLimiter({
      budgetMs: 1000,
      client: redis.client,
      concurrency: { limit: 4 },
      criticalReserve: 0.5,
    })
    const normal = await inSequence(5, () => limiter.acquire(request('orders', 'normal')))
    const critical = await inSequence(3, () => limiter.acquire(request('orders', 'critical')))
    expect(admittedOf(normal)).toEqual([true, true, true, true, false])
    expect(admittedOf(critical)).toEqual([true, true, false])
  })

  it('R14 maxWaitMs: a request waits for a slot that frees within its wait instead of being refused', async () => {
    const limiter = redisLimiter({
      budgetMs: 1000,
      client: redis.client,
      concurrency: { limit: 1 },
      maxWaitMs: 5000,
    })
    const first = admitted(await limiter.acquire(request()))
    const events: string[] = []
    const waiting = limiter.acquire(request()).then((decision) => {
      events.push(`second ${decision.admitted ? 'admitted' : 'refused'}`)
      return decision
    })
    // Still queued: nothing decided it while the slot is held.
    await redis.client.ping()
    events.push('first released')
    first.release()
    admitted(await waiting).release()
    expect(events).toEqual(['first released', 'second admitted'])
  })

  it('R14 maxWaitMs never waits past the request deadline', async () => {
    const limiter = redisLimiter({
      budgetMs: 1000,
      client: redis.client,
      concurrency: { limit: 1 },
      maxWaitMs: 60_000,
    })
    const first = admitted(await limiter.acquire(request()))
    const deadlineAt = Date.now() + 50
    const refused = await limiter.acquire(request('orders', 'normal', { deadlineAt }))
    expect(refused).toMatchObject({ admitted: false, reason: 'concurrency' })
    expect(Date.now()).toBeLessThanOrEqual(deadlineAt + 1000)
    first.release()
  })

  it('R14 a key refused by a rate is answered from the local cache until its retry time, without Redis', async () => {
    const limiter = redisLimiter({
      budgetMs: 1000,
      client: redis.client,
      rate: { perSecond: 0.1, burst: 1 },
    })
    admitted(await limiter.acquire(request()))
    const refused = await limiter.acquire(request())
    expect(refused).toMatchObject({ admitted: false, reason: 'rate' })
    await redis.server.admin.config('RESETSTAT')
    const cached = await inSequence(5, () => limiter.acquire(request()))
    for (const decision of cached)
      expect(decision).toMatchObject({ admitted: false, reason: 'rate' })
    expect((await commandCalls(redis.server.admin)).evalsha).toBeUndefined()
    // Another priority is not refused by this one's cache entry.
    expect(await limiter.acquire(request('orders', 'critical'))).toMatchObject({ reason: 'rate' })
    expect((await commandCalls(redis.server.admin)).evalsha).toBe(1)
  })

  it('R14 concurrent decisions of one key share one round trip (one EVALSHA for the batch)', async () => {
    const limiter = redisLimiter({
      budgetMs: 1000,
      client: redis.client,
      concurrency: { limit: 5 },
    })
    await limiter.acquire(request('warm-up'))
    await redis.server.admin.config('RESETSTAT')
    const decisions = await Promise.all(
      Array.from({ length: 20 }, () => limiter.acquire(request())),
    )
    expect(admittedOf(decisions).filter(Boolean)).toHaveLength(5)
    expect((await commandCalls(redis.server.admin)).evalsha).toBe(1)
    for (const decision of decisions) if (decision.admitted) decision.release()
    await redis.client.ping()
    await redis.client.ping()
    // The five releases of the same tick left in one ZREM.
    expect((await commandCalls(redis.server.admin)).zrem).toBe(1)
    expect(await redis.client.zcard('{gateproof:orders}:leases')).toBe(0)
  })
})
