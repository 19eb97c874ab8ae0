import { limiterKeys, redisLimiter } from '@gateproof/redis-limiter'
import fc from 'fast-check'
import { Cluster } from 'ioredis'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  commandCalls,
  describeWithRedis,
  useRedisServer,
  watchCommands,
} from './helpers/redis-server.js'

const request = () => ({
  key: 'orders',
  priority: 'critical' as const,
  deadlineAt: Date.now() + 5000,
})

describeWithRedis('one round trip per decision', () => {
  const redis = useRedisServer()
  beforeEach(async () => {
    await redis.server.admin.script('FLUSH')
  })

  it('decides rate and concurrency together with a single EVALSHA once the script is loaded', async () => {
    const limiter = redisLimiter({
      budgetMs: 1000,
      client: redis.client,
      rate: { perSecond: 1000, burst: 100 },
      concurrency: { limit: 100 },
    })
    await limiter.acquire(request())
    const sent = await watchCommands(redis.server)
    for (let i = 0; i < 20; i += 1) await limiter.acquire(request())
    await sent.stop()
    expect(sent.fromClients).toEqual(Array(20).fill('evalsha'))
  })

  it('falls back to EVAL on NOSCRIPT (after SCRIPT FLUSH or a restart), decides normally, then uses EVALSHA again', async () => {
    const limiter = redisLimiter({
      budgetMs: 1000,
      client: redis.client,
      concurrency: { limit: 1 },
      failure: 'closed',
    })
    await redis.server.admin.config('RESETSTAT')
    const first = await limiter.acquire(request())
    if (!first.admitted) throw new Error('expected an admission')
    expect(await commandCalls(redis.server.admin)).toMatchObject({ evalsha: 1, eval: 1 })
    // Loaded by that EVAL: the next decision is one EVALSHA.
    expect(await limiter.acquire(request())).toMatchObject({ admitted: false })
    expect(await commandCalls(redis.server.admin)).toMatchObject({ evalsha: 2, eval: 1 })

    await redis.server.admin.script('FLUSH')
    expect(await limiter.acquire(request())).toEqual({
      admitted: false,
      reason: 'concurrency',
      retryAfterMs: 1000,
    })
    expect(await commandCalls(redis.server.admin)).toMatchObject({ evalsha: 3, eval: 2 })
    expect(limiter.circuit).toBe('closed')
  })
})

describe('hash tags', () => {
  const hashTag = (key: string) => {
    const open = key.indexOf('{')
    const close = open < 0 ? -1 : key.indexOf('}', open + 1)
    return close > open + 1 ? key.slice(open + 1, close) : key
  }

  it('gives every key of a decision the same hash tag, whatever the key contains', () => {
    fc.assert(
      fc.property(fc.string(), (key) => {
        const keys = limiterKeys('gateproof', key)
        const tags = [...keys.rates, keys.leases, keys.processes].map(hashTag)
        expect(new Set(tags).size).toBe(1)
      }),
    )
  })
})

describeWithRedis('Redis Cluster', () => {
  const redis = useRedisServer({ cluster: true })
  let cluster: Cluster

  beforeAll(async () => {
    cluster = new Cluster([{ host: '127.0.0.1', port: redis.server.port }])
    cluster.on('error', () => {})
    await new Promise((resolve) => cluster.once('ready', resolve))
  })
  afterAll(() => {
    cluster.disconnect()
  })

  it('hashes every key of any decision to one slot (CLUSTER KEYSLOT)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), async (key) => {
        const keys = limiterKeys('gateproof', key, 2)
        const slots = new Set(
          await Promise.all(
            [...keys.rates, keys.leases, keys.processes].map((name) =>
              redis.server.admin.call('CLUSTER', 'KEYSLOT', name),
            ),
          ),
        )
        expect(slots.size).toBe(1)
      }),
      { numRuns: 200 },
    )
  })

  it('runs the script through an ioredis Cluster client', async () => {
    const limiter = redisLimiter({
      budgetMs: 1000,
      client: cluster,
      rate: { perSecond: 1, burst: 2 },
      concurrency: { limit: 5 },
      failure: 'closed',
    })
    const decisions = []
    for (let i = 0; i < 3; i += 1) decisions.push(await limiter.acquire(request()))
    expect(decisions.map((d) => d.admitted && 'admitted')).toEqual(['admitted', 'admitted', false])
    expect(decisions[2]).toMatchObject({ reason: 'rate' })
  })
})
