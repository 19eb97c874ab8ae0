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
    const limiter = redisLimiter({
      budgetMs: 1000,
      client: redis.client,
      concurrency: { limit: 3 },
    })
    for (let i = 0; i < 3; i += 1) admitted(await limiter.acquire(request()))
    expect(await limiter.acquire(request())).toEqual({
      admitted: false,
      reason: 'concurrency',
      retryAfterMs: 1000,
    })
  })

  it('hints the time until enough leases expire when that is sooner than retryAfterMs', async () => {
    const limiter = redisLimiter({
      budgetMs: 1000,
      client: redis.client,
      concurrency: { limit: 2, retryAfterMs: 5000 },
    })
    admitted(await limiter.acquire(request('critical', 3000)))
    const sentAt = Date.now()
    admitted(await limiter.acquire(request('critical', 400)))
    const refused = await limiter.acquire(request())
    const elapsed = Date.now() - sentAt
    if (refused.admitted) throw new Error('expected a refusal')
    // Exactly what is left of the 400 ms lease: no threshold on how fast this machine is.
    expect(refused.retryAfterMs).toBeLessThanOrEqual(400)
    expect(refused.retryAfterMs).toBeGreaterThanOrEqual(400 - elapsed - 2)
  })

  it('frees the slot on release', async () => {
    const limiter = redisLimiter({
      budgetMs: 1000,
      client: redis.client,
      concurrency: { limit: 1 },
    })
    const first = admitted(await limiter.acquire(request()))
    expect((await limiter.acquire(request())).admitted).toBe(false)
    first.release()
    expect((await limiter.acquire(request())).admitted).toBe(true)
  })

  it('R14 releases once however often release is called (one ZREM, sent at once, one freed slot)', async () => {
    const limiter = redisLimiter({
      budgetMs: 1000,
      client: redis.client,
      concurrency: { limit: 2 },
    })
    const first = admitted(await limiter.acquire(request()))
    admitted(await limiter.acquire(request()))
    await redis.server.admin.config('RESETSTAT')
    // Never a promise to wait for: the response does not wait on the release.
    expect([first.release(), first.release(), first.release()]).toEqual([
      undefined,
      undefined,
      undefined,
    ])
    // Commands on one connection run in order: the ZREM is done once PING answers.
    await redis.client.ping()
    expect((await commandCalls(redis.server.admin)).zrem).toBe(1)
    expect((await limiter.acquire(request())).admitted).toBe(true)
    expect((await limiter.acquire(request())).admitted).toBe(false)
  })

  it('lets a lease expire at its request deadline when it is never released', async () => {
    const limiter = redisLimiter({
      budgetMs: 1000,
      client: redis.client,
      concurrency: { limit: 1 },
    })
    admitted(await limiter.acquire(request('critical', 200)))
    expect((await limiter.acquire(request())).admitted).toBe(false)
    // The lease key expires with its only lease, at the request's deadline on Redis time.
    while ((await redis.client.exists('{gateproof:orders}:leases')) === 1) await sleep(10)
    expect((await limiter.acquire(request())).admitted).toBe(true)
  })

  it('R14 a limit of 3 admits 3 normal requests; sheddable gets 80 %, critical the reserve on top', async () => {
    const three = redisLimiter({ budgetMs: 1000, client: redis.client, concurrency: { limit: 3 } })
    const normal = []
    for (let i = 0; i < 4; i += 1) normal.push((await three.acquire(request('normal'))).admitted)
    expect(normal).toEqual([true, true, true, false])
    await redis.server.admin.flushall()
    const limiter = redisLimiter({
      budgetMs: 1000,
      client: redis.client,
      concurrency: { limit: 20 },
      criticalReserve: 0.1,
    })
    const take = async (priority: Priority, times: number) => {
      const decisions: boolean[] = []
      for (let i = 0; i < times; i += 1) {
        decisions.push((await limiter.acquire(request(priority))).admitted)
      }
      return decisions
    }
    expect(await take('sheddable', 17)).toEqual([...Array(16).fill(true), false])
    expect(await take('normal', 5)).toEqual([true, true, true, true, false])
    expect(await take('critical', 3)).toEqual([true, true, false])
  })

  it('writes {prefix:key}:leases scored by expiry and expiring with its last lease', async () => {
    const limiter = redisLimiter({
      budgetMs: 1000,
      client: redis.client,
      concurrency: { limit: 5 },
      prefix: 'app',
    })
    admitted(await limiter.acquire(request('critical', 300)))
    admitted(await limiter.acquire(request('critical', 600)))
    expect((await redis.client.keys('*')).sort()).toEqual([
      '{app:orders}:leases',
      '{app:orders}:processes',
    ])
    expect(await redis.client.zcard('{app:orders}:leases')).toBe(2)
    const ttl = await redis.client.pttl('{app:orders}:leases')
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(600)
    while ((await redis.client.exists('{app:orders}:leases')) === 1) await sleep(10)
    expect(await redis.client.zcard('{app:orders}:leases')).toBe(0)
  })

  it('caps a lease without a finite deadline at maxLeaseMs', async () => {
    const limiter = redisLimiter({
      budgetMs: 1000,
      client: redis.client,
      concurrency: { limit: 5, maxLeaseMs: 250 },
    })
    admitted(await limiter.acquire({ key: 'orders', priority: 'critical', deadlineAt: Infinity }))
    const ttl = await redis.client.pttl('{gateproof:orders}:leases')
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(250)
  })

  it('does not use up a rate cell for a request refused by concurrency', async () => {
    const limiter = redisLimiter({
      budgetMs: 1000,
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
    first.release()
    expect(admitted(await limiter.acquire(request())).quota).toEqual({
      limit: 3,
      remaining: 1,
      resetSeconds: 2,
      windowSeconds: 3,
    })
  })
})
