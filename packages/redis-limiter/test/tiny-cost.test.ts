// A cost is any positive number. One so small that it cannot move a TAT of "now" by one µs
// (below half a unit in the last place of µs since 1970) must still be decided by Redis: it
// once made the script ask for an expiry of 0 ms, which Redis refuses, so every such request
// became a Redis failure, counted by the breaker and decided by the fallback.

import type { LimiterDecision } from '@gateproof/load-shedder'
import { redisLimiter } from '@gateproof/redis-limiter'
import { expect, it } from 'vitest'
import { describeWithRedis, useRedisServer } from './helpers/redis-server.js'

const tiny = (priority: 'critical' | 'normal') => ({
  key: 'feeds',
  priority,
  cost: 1e-6,
  deadlineAt: Date.now() + 5_000,
})

/** Only a decision Redis made carries the rule's quota; a fallback's does not. */
const decidedByRedis = {
  admitted: true,
  quota: expect.objectContaining({ remaining: expect.any(Number) }),
}

describeWithRedis('a cost too small to move the bucket (R14 cost per request)', () => {
  const redis = useRedisServer()
  /** 100 000 per second: a cell is 10 µs, and 1e-6 of one is far below a µs. */
  const fastRate = async () => {
    const limiter = redisLimiter({
      budgetMs: 1000,
      client: redis.client,
      rate: { perSecond: 100_000 },
    })
    await limiter.ready
    return limiter
  }

  it('R14 a lone request of tiny cost is decided by Redis, not by the fallback', async () => {
    const limiter = await fastRate()
    const decisions: LimiterDecision[] = []
    for (let i = 0; i < 5; i += 1) decisions.push(await limiter.acquire(tiny('normal')))
    decisions.push(await limiter.acquire(tiny('critical')))
    expect(decisions).toEqual(decisions.map(() => expect.objectContaining(decidedByRedis)))
  })

  it('R14 requests of tiny cost batched into one script call are decided by Redis', async () => {
    const limiter = await fastRate()
    const decisions = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        limiter.acquire(tiny(i % 2 === 0 ? 'normal' : 'critical')),
      ),
    )
    expect(decisions).toEqual(decisions.map(() => expect.objectContaining(decidedByRedis)))
  })

  it('R14 fractions of a cell that do move the bucket still add up', async () => {
    const limiter = redisLimiter({
      budgetMs: 1000,
      client: redis.client,
      rate: { perSecond: 1, burst: 2 },
    })
    await limiter.ready
    const threeQuarters = { ...tiny('normal'), cost: 0.75 }
    expect(await limiter.acquire(threeQuarters)).toMatchObject(decidedByRedis)
    expect(await limiter.acquire(threeQuarters)).toMatchObject(decidedByRedis)
    // 2.25 cells asked of a burst of 2, a few ms (a few thousandths of a cell) later.
    expect(await limiter.acquire(threeQuarters)).toMatchObject({ admitted: false, reason: 'rate' })
  })
})
