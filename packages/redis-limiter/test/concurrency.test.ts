import { setTimeout as sleep } from 'node:timers/promises'
import type { Admitted, LimiterDecision, Priority } from '@gateproof/load-shedder'
import { redisLimiter } from '@gateproof/redis-limiter'
import { expect, it } from 'vitest'
import { commandCalls, describeWithRedis, useRedisServer } from './helpers/redis-server.js'

const request = (priority: Priority = 'critical', deadlineInMs = 10_000, key = 'orders') => ({
  key,
  priority,
  deadlineAt: Date.now() + deadlineInMs,
})

function admitted(decision: LimiterDecision): Admitted {
  if (!decision.admitted) throw new Error(`expected an admission, got ${JSON.stringify(decision)}`)
  return decision
}

describeWithRedis('concurrency limit (leases on Redis)', () => {
  const redis = useRedisServer()

  it('admits `limit` requests in flight and refuses the next with reason concurrency', async () => {
    const limiter = redisLimiter({ client: redis.client, concurrency: { limit: 3 } })
    for (let i = 0; i < 3; i += 1) admitted(await limiter.acquire(request()))
    expect(await limiter.acquire(request())).toEqual({
      admitted: false,
      reason: 'concurrency',
      retryAfterMs: 1000,
    })
  })

  it('hints the time until enough leases expire when that is sooner than retryAfterMs', async () => {
    const limiter = redisLimiter({
      client: redis.client,
      concurrency: { limit: 2, retryAfterMs: 5000 },
    })
    admitted(await limiter.acquire(request('critical', 3000)))
    admitted(await limiter.acquire(request('critical', 400)))
    const refused = await limiter.acquire(request())
    if (refused.admitted) throw new Error('expected a refusal')
    expect(refused.retryAfterMs).toBeGreaterThan(300)
    expect(refused.retryAfterMs).toBeLessThanOrEqual(400)
  })

  it('frees the slot on release', async () => {
    const limiter = redisLimiter({ client: redis.client, concurrency: { limit: 1 } })
    const first = admitted(await limiter.acquire(request()))
    expect((await limiter.acquire(request())).admitted).toBe(false)
    await first.release()
    expect((await limiter.acquire(request())).admitted).toBe(true)
  })

  it('releases once however often release is called (one ZREM, one freed slot)', async () => {
    const limiter = redisLimiter({ client: redis.client, concurrency: { limit: 2 } })
    const first = admitted(await limiter.acquire(request()))
    admitted(await limiter.acquire(request()))
    await redis.server.admin.config('RESETSTAT')
    const releases = [first.release(), first.release(), first.release()]
    expect(releases[1]).toBe(releases[0])
    await Promise.all(releases)
    expect((await commandCalls(redis.server.admin)).zrem).toBe(1)
    expect((await limiter.acquire(request())).admitted).toBe(true)
    expect((await limiter.acquire(request())).admitted).toBe(false)
  })

  it('lets a lease expire at its request deadline when it is never released', async () => {
    const limiter = redisLimiter({ client: redis.client, concurrency: { limit: 1 } })
    admitted(await limiter.acquire(request('critical', 200)))
    expect((await limiter.acquire(request())).admitted).toBe(false)
    await sleep(260)
    expect((await limiter.acquire(request())).admitted).toBe(true)
  })

  it('refuses sheddable traffic at 80 % of the limit and normal at 95 %, keeping the rest for critical', async () => {
    const limiter = redisLimiter({ client: redis.client, concurrency: { limit: 20 } })
    const take = async (priority: Priority, times: number) => {
      const decisions: boolean[] = []
      for (let i = 0; i < times; i += 1) {
        decisions.push((await limiter.acquire(request(priority))).admitted)
      }
      return decisions
    }
    expect(await take('sheddable', 17)).toEqual([...Array(16).fill(true), false])
    expect(await take('normal', 4)).toEqual([true, true, true, false])
    expect(await take('critical', 2)).toEqual([true, false])
  })

  it('writes {prefix:key}:leases scored by expiry and expiring with its last lease', async () => {
    const limiter = redisLimiter({ client: redis.client, concurrency: { limit: 5 }, prefix: 'app' })
    admitted(await limiter.acquire(request('critical', 300)))
    admitted(await limiter.acquire(request('critical', 600)))
    expect(await redis.client.keys('*')).toEqual(['{app:orders}:leases'])
    expect(await redis.client.zcard('{app:orders}:leases')).toBe(2)
    const ttl = await redis.client.pttl('{app:orders}:leases')
    expect(ttl).toBeGreaterThan(500)
    expect(ttl).toBeLessThanOrEqual(600)
    await sleep(ttl + 20)
    expect(await redis.client.exists('{app:orders}:leases')).toBe(0)
  })

  it('caps a lease without a finite deadline at maxLeaseMs', async () => {
    const limiter = redisLimiter({
      client: redis.client,
      concurrency: { limit: 5, maxLeaseMs: 250 },
    })
    admitted(await limiter.acquire({ key: 'orders', priority: 'critical', deadlineAt: Infinity }))
    const ttl = await redis.client.pttl('{gateproof:orders}:leases')
    expect(ttl).toBeGreaterThan(150)
    expect(ttl).toBeLessThanOrEqual(250)
  })

  it('does not use up a rate cell for a request refused by concurrency', async () => {
    const limiter = redisLimiter({
      client: redis.client,
      rate: { perSecond: 1, burst: 3 },
      concurrency: { limit: 1 },
    })
    const first = admitted(await limiter.acquire(request()))
    expect(await limiter.acquire(request())).toEqual({
      admitted: false,
      reason: 'concurrency',
      retryAfterMs: 1000,
      quota: { limit: 3, remaining: 2, resetSeconds: 1, windowSeconds: 3 },
    })
    expect(await limiter.acquire(request())).toMatchObject({
      admitted: false,
      reason: 'concurrency',
    })
    await first.release()
    expect(admitted(await limiter.acquire(request())).quota).toEqual({
      limit: 3,
      remaining: 1,
      resetSeconds: 2,
      windowSeconds: 3,
    })
  })
})
