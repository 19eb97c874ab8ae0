import { GateproofOptionsError } from '@gateproof/core'
import { memoryLimiter } from '@gateproof/load-shedder'
import { type RedisLimiterOptions, redisLimiter } from '@gateproof/redis-limiter'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'

// Never connects: option checks happen before any command is sent.
const client = new Redis({ lazyConnect: true })
afterAll(() => client.disconnect())

const build = (options: Record<string, unknown>) => () =>
  redisLimiter({ client, rate: { perSecond: 10 }, ...options } as RedisLimiterOptions)

describe('redisLimiter options', () => {
  it('builds with only a client and a limit, and names itself redis', () => {
    const limiter = redisLimiter({ client, concurrency: { limit: 5 } })
    expect(limiter.name).toBe('redis')
    expect(limiter.circuit).toBe('closed')
  })

  it('is also the default export', async () => {
    const module = await import('@gateproof/redis-limiter')
    expect(module.default).toBe(redisLimiter)
  })

  it('refuses to build without anything to limit', () => {
    expect(() => redisLimiter({ client })).toThrow(GateproofOptionsError)
    expect(() => redisLimiter({ client })).toThrow(
      '@gateproof/redis-limiter: set "rate", "concurrency" or both: there is nothing to limit',
    )
  })

  it.each([
    [
      { client: {} },
      'option "client" must be a Redis client with evalsha, eval and zrem (ioredis)',
    ],
    [{ budget: 10 }, 'unknown option "budget"'],
    [{ budgetMs: 0 }, 'option "budgetMs" must be a number from 1 to 60000, got 0'],
    [
      { rate: { perSecond: 0 } },
      'option "rate.perSecond" must be a number from 0.001 to 1000000, got 0',
    ],
    [{ rate: { burst: 5 } }, 'option "rate.perSecond" is required'],
    [
      { rate: { perSecond: 5, burst: 1.5 } },
      'option "rate.burst" must be an integer from 1 to 1000000, got 1.5',
    ],
    [{ rate: { perSecond: 5, window: 1 } }, 'unknown option "window"'],
    [
      { concurrency: { limit: 0 } },
      'option "concurrency.limit" must be an integer from 1 to 1000000, got 0',
    ],
    [{ concurrency: {} }, 'option "concurrency.limit" is required'],
    [
      { shares: { sheddable: 0.5 } },
      'option "shares" was replaced: normal traffic now gets the whole limit; use "criticalReserve"',
    ],
    [{ sheddableShare: 0 }, 'option "sheddableShare" must be a number from 0.01 to 1, got 0'],
    [{ criticalReserve: -1 }, 'option "criticalReserve" must be a number from 0 to 10, got -1'],
    [{ prefix: 'a{b}' }, 'option "prefix" must be a non-empty string without "{" or "}"'],
    [
      { failure: 'ignore' },
      'option "failure" must be "local", "open", "closed" or { fallback: Limiter }',
    ],
    [
      { failure: { fallback: {} } },
      'option "failure" must be "local", "open", "closed" or { fallback: Limiter }',
    ],
    [
      { breaker: { failures: 3 } },
      'option "breaker.failures" was replaced by "breaker.failureRatio" and "breaker.minCalls"',
    ],
    [
      { breaker: { failureRatio: 0 } },
      'option "breaker.failureRatio" must be a number from 0.01 to 1, got 0',
    ],
    [{ breaker: { minCalls: 0 } }, 'option "breaker.minCalls" must be an integer ≥ 1, got 0'],
    [
      { breaker: { coolDownMs: -1 } },
      'option "breaker.coolDownMs" must be a number from 0 to 3600000, got -1',
    ],
    [
      { breaker: { probes: 0 } },
      'option "breaker.probes" must be an integer from 1 to 1000, got 0',
    ],
    [{ rate: [] }, 'option "rate" must hold 1 to 8 rate rules'],
    [
      { rate: [{ perSecond: 1 }, { perSecond: 0 }] },
      'option "rate[1].perSecond" must be a number from 0.001 to 1000000, got 0',
    ],
    [{ rate: { perSecond: 1, shadow: 'yes' } }, 'option "rate.shadow" must be a boolean'],
    [
      { overrides: { vip: {} } },
      'set "overrides["vip"].rate", "overrides["vip"].concurrency" or both',
    ],
    [
      { overrides: { vip: { concurrency: { limit: -1 } } } },
      'option "overrides["vip"].concurrency.limit" must be an integer from 1 to 1000000, got -1',
    ],
    [{ maxWaitMs: -1 }, 'option "maxWaitMs" must be a number from 0 to 60000, got -1'],
    [{ nearLimit: 2 }, 'option "nearLimit" must be a number from 0 to 1, got 2'],
    [{ blockedCache: 'no' }, 'option "blockedCache" must be a boolean'],
    [
      { processWindowMs: 10 },
      'option "processWindowMs" must be a number from 1000 to 3600000, got 10',
    ],
  ])('refuses %j when built', (options, message) => {
    expect(build(options)).toThrow(GateproofOptionsError)
    expect(build(options)).toThrow(message)
  })

  it('accepts another Limiter as the fallback', () => {
    expect(build({ failure: { fallback: memoryLimiter({ concurrency: 1 }) } })).not.toThrow()
  })
})
