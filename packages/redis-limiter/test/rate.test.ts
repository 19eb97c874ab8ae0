import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import type { LimiterDecision, Priority } from '@gateproof/load-shedder'
import { redisLimiter } from '@gateproof/redis-limiter'
import { expect, it } from 'vitest'
import { describeWithRedis, useRedisServer } from './helpers/redis-server.js'

const request = (priority: Priority = 'critical', key = 'orders') => ({
  key,
  priority,
  deadlineAt: Date.now() + 10_000,
})

/** Timers may fire early by the time the event loop spent since it last read the clock. */
async function sleepAtLeast(ms: number): Promise<void> {
  const until = performance.now() + ms
  while (performance.now() < until) await sleep(Math.max(1, until - performance.now()))
}

const admittedCount = (decisions: LimiterDecision[]) => decisions.filter((d) => d.admitted).length

describeWithRedis('rate limit (GCRA on Redis time)', () => {
  const redis = useRedisServer()

  it('admits a burst of `burst` requests at once, then refuses with the time to the next conforming request', async () => {
    const limiter = redisLimiter({
      budgetMs: 1000,
      client: redis.client,
      rate: { perSecond: 10, burst: 5 },
    })
    const burst = []
    for (let i = 0; i < 5; i += 1) burst.push(await limiter.acquire(request()))
    expect(admittedCount(burst)).toBe(5)

    const refused = await limiter.acquire(request())
    expect(refused).toEqual({
      admitted: false,
      reason: 'rate',
      retryAfterMs: expect.any(Number),
      quota: { limit: 10, remaining: 0, resetSeconds: 1, windowSeconds: 1 },
    })
    // The sixth request conforms one emission interval (100 ms) after the burst began.
    const { retryAfterMs } = refused as { retryAfterMs: number }
    expect(retryAfterMs).toBeGreaterThan(0)
    expect(retryAfterMs).toBeLessThanOrEqual(100)
  })

  it('admits a request sent exactly retryAfterMs after a refusal, and refuses the one right behind it', async () => {
    const limiter = redisLimiter({
      budgetMs: 1000,
      client: redis.client,
      rate: { perSecond: 20, burst: 1 },
    })
    expect((await limiter.acquire(request())).admitted).toBe(true)
    for (let round = 0; round < 5; round += 1) {
      const refused = await limiter.acquire(request())
      if (refused.admitted) throw new Error('expected a refusal right after an admission')
      await sleepAtLeast(refused.retryAfterMs)
      expect((await limiter.acquire(request())).admitted).toBe(true)
    }
  })

  it('describes the quota of an admitted request for RateLimit headers', async () => {
    const limiter = redisLimiter({
      budgetMs: 1000,
      client: redis.client,
      rate: { perSecond: 1, burst: 10 },
    })
    expect(await limiter.acquire(request())).toEqual({
      admitted: true,
      release: expect.any(Function),
      quota: { limit: 10, remaining: 9, resetSeconds: 1, windowSeconds: 10 },
    })
    expect(await limiter.acquire(request())).toEqual({
      admitted: true,
      release: expect.any(Function),
      quota: { limit: 10, remaining: 8, resetSeconds: 2, windowSeconds: 10 },
    })
  })

  it('R14 normal traffic gets the whole burst, sheddable 80 %, critical the reserve on top', async () => {
    const limiter = redisLimiter({
      budgetMs: 1000,
      client: redis.client,
      rate: { perSecond: 1, burst: 20 },
      criticalReserve: 0.1,
    })
    const take = async (priority: Priority, times: number) => {
      const decisions: LimiterDecision[] = []
      for (let i = 0; i < times; i += 1) decisions.push(await limiter.acquire(request(priority)))
      return decisions.map((d) => d.admitted)
    }
    expect(await take('sheddable', 17)).toEqual([...Array(16).fill(true), false])
    expect(await take('normal', 5)).toEqual([true, true, true, true, false])
    expect(await take('critical', 3)).toEqual([true, true, false])
  })

  it('honours a custom sheddableShare', async () => {
    const limiter = redisLimiter({
      budgetMs: 1000,
      client: redis.client,
      rate: { perSecond: 1, burst: 10 },
      sheddableShare: 0.5,
    })
    const decisions = []
    for (let i = 0; i < 6; i += 1) decisions.push(await limiter.acquire(request('sheddable')))
    expect(decisions.map((d) => d.admitted)).toEqual([true, true, true, true, true, false])
    expect((await limiter.acquire(request('normal'))).admitted).toBe(true)
  })

  it('keeps keys apart: one tenant at its limit does not slow another', async () => {
    const limiter = redisLimiter({
      budgetMs: 1000,
      client: redis.client,
      rate: { perSecond: 1, burst: 1 },
    })
    expect((await limiter.acquire(request('critical', 'tenant-a'))).admitted).toBe(true)
    expect((await limiter.acquire(request('critical', 'tenant-a'))).admitted).toBe(false)
    expect((await limiter.acquire(request('critical', 'tenant-b'))).admitted).toBe(true)
  })

  it('writes {prefix:key}:rate, expiring when the bucket is full again, and the process key', async () => {
    const limiter = redisLimiter({
      budgetMs: 1000,
      client: redis.client,
      rate: { perSecond: 10, burst: 5 },
      prefix: 'app',
    })
    for (let i = 0; i < 3; i += 1) await limiter.acquire(request('critical', 'orders'))
    expect((await redis.client.keys('*')).sort()).toEqual([
      '{app:orders}:processes',
      '{app:orders}:rate',
    ])
    const ttl = await redis.client.pttl('{app:orders}:rate')
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(300)
    await sleep(ttl + 20)
    expect(await redis.client.exists('{app:orders}:rate')).toBe(0)
  })

  it('counts requests from every environment (connection) against one bucket per key', async () => {
    const environments = [redis.client, redis.server.client(), redis.server.client()].map(
      (client) => redisLimiter({ budgetMs: 1000, client, rate: { perSecond: 1, burst: 6 } }),
    )
    const decisions = []
    for (let i = 0; i < 9; i += 1) {
      decisions.push(await (environments[i % 3] as (typeof environments)[0]).acquire(request()))
    }
    expect(admittedCount(decisions)).toBe(6)
  })
})
