import { setTimeout as sleep } from 'node:timers/promises'
import { Metrics } from '@aws-lambda-powertools/metrics'
import { limiterScript, redisLimiter } from '@gateproof/redis-limiter'
import { type Capture, captureOutput, findMetrics } from '@gateproof/testing'
import { Redis } from 'ioredis'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { resolveOptions } from '../src/options.js'
import { describeWithRedis, useRedisServer, watchCommands } from './helpers/redis-server.js'

const request = () => ({
  key: 'orders',
  priority: 'normal' as const,
  deadlineAt: Date.now() + 5000,
})

describeWithRedis('`await limiter.ready`: connected, then the decision path run once', () => {
  const redis = useRedisServer()
  let capture: Capture
  let metrics: Metrics

  beforeEach(async () => {
    await redis.server.admin.script('FLUSH')
    metrics = new Metrics({ namespace: 'test', serviceName: 'orders' })
    capture = captureOutput()
  })
  afterEach(() => {
    capture.stop()
  })

  it('sends nothing until `ready` is read, then one script call that loads the script and writes nothing', async () => {
    const options = {
      client: redis.client,
      budgetMs: 1000,
      concurrency: { limit: 2 },
      rate: { perSecond: 10, burst: 5 },
      metrics,
    }
    const { sha } = limiterScript(resolveOptions(options).rules, 10_000)
    expect(await redis.server.admin.script('EXISTS', sha)).toEqual([0])
    const sent = await watchCommands(redis.server)
    const limiter = redisLimiter(options)
    await sleep(50)
    expect(sent.fromClients).toEqual([])
    await limiter.ready
    await sent.stop()
    // NOSCRIPT after the SCRIPT FLUSH: the warm-up's EVAL loaded it.
    expect(sent.fromClients).toEqual(['evalsha', 'eval'])
    expect(await redis.server.admin.script('EXISTS', sha)).toEqual([1])
    expect(await redis.server.admin.keys('*')).toEqual([])
    expect(limiter.circuit).toBe('closed')
    // The first decision is one EVALSHA and decides as always.
    const after = await watchCommands(redis.server)
    expect(await limiter.acquire(request())).toMatchObject({ admitted: true })
    await after.stop()
    expect(after.fromClients).toEqual(['evalsha'])
    expect(findMetrics(capture, { name: 'RedisLimiterFallback' })).toEqual([])
  })

  it('reading `ready` again runs no second warm-up', async () => {
    const limiter = redisLimiter({
      client: redis.client,
      budgetMs: 1000,
      concurrency: { limit: 2 },
    })
    await limiter.ready
    const sent = await watchCommands(redis.server)
    await limiter.ready
    await sent.stop()
    expect(sent.fromClients).toEqual([])
  })

  it('a warm-up that fails (Redis paused past the budget) settles `ready` and counts neither for the breaker nor in metrics', async () => {
    const client = redis.server.client()
    await client.ping()
    try {
      const limiter = redisLimiter({
        client,
        concurrency: { limit: 2 },
        budgetMs: 25,
        breaker: { minCalls: 1, failureRatio: 1 },
        metrics,
      })
      redis.server.pause()
      try {
        await limiter.ready
      } finally {
        redis.server.resume()
      }
      expect(limiter.circuit).toBe('closed')
      expect(findMetrics(capture, { name: 'RedisLimiterFallback' })).toEqual([])
    } finally {
      client.disconnect()
    }
  })

  it('settles without a warm-up when the client never connects', async () => {
    const client = new Redis({ host: '127.0.0.1', port: 1, retryStrategy: () => 50 })
    client.on('error', () => {})
    try {
      const limiter = redisLimiter({ client, concurrency: { limit: 2 }, metrics })
      await limiter.ready
      expect(limiter.circuit).toBe('closed')
      expect(findMetrics(capture, { name: 'RedisLimiterFallback' })).toEqual([])
    } finally {
      client.disconnect()
    }
  })
})
