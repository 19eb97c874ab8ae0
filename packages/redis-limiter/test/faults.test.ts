import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import {
  type Admitted,
  type LimiterDecision,
  type LimiterRequest,
  memoryLimiter,
} from '@gateproof/load-shedder'
import { type RedisLimiter, redisLimiter } from '@gateproof/redis-limiter'
import { type Capture, captureOutput, findLogs, findMetrics } from '@gateproof/testing'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { describeWithRedis, useRedisServer } from './helpers/redis-server.js'

const BUDGET_MS = 25
/** Scheduling slack on a busy CI machine: a correctness bound, not a speed target. */
const SLACK_MS = 150

const request = (key = 'orders'): LimiterRequest => ({
  key,
  priority: 'critical',
  deadlineAt: Date.now() + 10_000,
})

function admitted(decision: LimiterDecision): Admitted {
  if (!decision.admitted) throw new Error(`expected an admission, got ${JSON.stringify(decision)}`)
  return decision
}

async function timed(
  limiter: RedisLimiter,
  req = request(),
): Promise<{ decision: LimiterDecision; ms: number }> {
  const started = performance.now()
  const decision = await limiter.acquire(req)
  return { decision, ms: performance.now() - started }
}

/** Sends requests until a probe finds Redis again and the circuit closes (bounded). */
async function untilRecovered(limiter: RedisLimiter, key: string): Promise<void> {
  const giveUpAt = Date.now() + 15_000
  while (limiter.circuit !== 'closed') {
    if (Date.now() > giveUpAt) throw new Error('the circuit never closed again')
    await limiter.acquire(request(key))
    await sleep(50)
  }
}

describeWithRedis('when Redis fails', () => {
  const redis = useRedisServer({ scope: 'test' })
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

  it('stopped mid-run: no request waits past the budget, requests fail open, one log line per transition, limits hold after recovery', async () => {
    const limiter = redisLimiter({
      client: redis.client,
      concurrency: { limit: 2 },
      budgetMs: BUDGET_MS,
      breaker: { failures: 3, coolDownMs: 300 },
      metrics,
      logger,
    })
    admitted(await limiter.acquire(request('warm-up')))
    await redis.server.kill()

    const outage = []
    for (let i = 0; i < 10; i += 1) outage.push(await timed(limiter))
    for (const { decision, ms } of outage) {
      expect(decision).toEqual({ admitted: true, release: expect.any(Function) })
      expect(ms).toBeLessThan(BUDGET_MS + SLACK_MS)
    }
    expect(limiter.circuit).toBe('open')
    const fallbacks = findMetrics(capture, { name: 'RedisLimiterFallback' })
    expect(fallbacks).toHaveLength(10)
    expect(fallbacks.map((m) => m.dimensions)).toEqual([
      ...Array(3).fill({
        service: 'orders',
        Mode: 'open',
        Cause: expect.stringMatching(/^(timeout|error)$/),
      }),
      ...Array(7).fill({ service: 'orders', Mode: 'open', Cause: 'circuit-open' }),
    ])
    const opened = findLogs(capture, { level: 'warn', message: /circuit opened/ })
    expect(opened).toHaveLength(1)
    expect(opened[0]?.line).toMatchObject({
      package: '@gateproof/redis-limiter',
      from: 'closed',
      to: 'open',
      failureMode: 'open',
      consecutiveFailures: 3,
      coolDownMs: 300,
    })

    await redis.server.restart()
    await untilRecovered(limiter, 'probe')
    expect(findLogs(capture, { level: 'info', message: /circuit closed/ }).length).toBeGreaterThan(
      0,
    )
    // Requests that timed out during the outage may still run once Redis is back; the
    // leases they take are handed back, so the limit is whole again.
    await sleep(50)
    admitted(await limiter.acquire(request()))
    admitted(await limiter.acquire(request()))
    expect(await limiter.acquire(request())).toMatchObject({
      admitted: false,
      reason: 'concurrency',
    })
  })

  it('paused beyond the budget (CLIENT PAUSE): requests fail closed within the budget and no lease leaks', async () => {
    const limiter = redisLimiter({
      client: redis.client,
      concurrency: { limit: 3 },
      budgetMs: BUDGET_MS,
      failure: 'closed',
      breaker: { failures: 2, coolDownMs: 200 },
      metrics,
      logger,
    })
    const held = admitted(await limiter.acquire(request()))
    await redis.server.admin.call('CLIENT', 'PAUSE', '500', 'ALL')

    const during = []
    for (let i = 0; i < 6; i += 1) during.push(await timed(limiter))
    for (const { decision, ms } of during) {
      expect(decision).toEqual({
        admitted: false,
        reason: 'unavailable',
        retryAfterMs: expect.any(Number),
      })
      expect(ms).toBeLessThan(BUDGET_MS + SLACK_MS)
    }

    await sleep(600)
    await untilRecovered(limiter, 'probe')
    await sleep(50)
    // Only the lease taken before the pause is held: the two calls that timed out ran
    // after the pause and were released at once.
    expect(await redis.client.zcard('{gateproof:orders}:leases')).toBe(1)
    admitted(await limiter.acquire(request()))
    admitted(await limiter.acquire(request()))
    expect(await limiter.acquire(request())).toMatchObject({
      admitted: false,
      reason: 'concurrency',
    })
    await held.release()
    admitted(await limiter.acquire(request()))
  })

  it('script flushed mid-run (SCRIPT FLUSH): decisions go on through EVAL with no fallback', async () => {
    const limiter = redisLimiter({
      client: redis.client,
      rate: { perSecond: 1, burst: 10 },
      failure: 'closed',
      metrics,
      logger,
    })
    const decisions = []
    for (let i = 0; i < 14; i += 1) {
      if (i === 5) await redis.server.admin.script('FLUSH')
      decisions.push(await limiter.acquire(request()))
    }
    expect(decisions.map((d) => d.admitted)).toEqual([
      ...Array(10).fill(true),
      ...Array(4).fill(false),
    ])
    expect(findMetrics(capture, { name: 'RedisLimiterFallback' })).toEqual([])
    expect(limiter.circuit).toBe('closed')
  })

  it('decides with the fallback limiter while Redis is unreachable', async () => {
    const local = memoryLimiter({ concurrency: 1 })
    const limiter = redisLimiter({
      client: redis.client,
      concurrency: { limit: 10 },
      budgetMs: BUDGET_MS,
      failure: { fallback: local },
      metrics,
    })
    await redis.server.kill()
    const first = await timed(limiter)
    const second = await timed(limiter)
    expect(first.decision).toEqual({ admitted: true, release: expect.any(Function) })
    expect(second.decision).toEqual({
      admitted: false,
      reason: 'concurrency',
      retryAfterMs: expect.any(Number),
    })
    expect(Math.max(first.ms, second.ms)).toBeLessThan(BUDGET_MS + SLACK_MS)
    expect(
      findMetrics(capture, { name: 'RedisLimiterFallback', dimensions: { Mode: 'fallback' } }),
    ).toHaveLength(2)
    await (first.decision as Admitted).release()
    expect(local.stats('orders').held).toBe(0)
  })

  it('half-open: one probe waits for Redis, every other request falls back at once', async () => {
    const limiter = redisLimiter({
      client: redis.client,
      concurrency: { limit: 10 },
      budgetMs: BUDGET_MS,
      failure: 'closed',
      breaker: { failures: 1, coolDownMs: 100 },
      metrics,
    })
    await redis.server.admin.call('CLIENT', 'PAUSE', '2000', 'ALL')
    await limiter.acquire(request())
    expect(limiter.circuit).toBe('open')
    await sleep(160)

    const finished: number[] = []
    await Promise.all(
      Array.from({ length: 5 }, (_, i) => limiter.acquire(request()).then(() => finished.push(i))),
    )
    // The first caller after the cool down is the probe and the only one to wait.
    expect(finished).toEqual([1, 2, 3, 4, 0])
    expect(
      findMetrics(capture, { name: 'RedisLimiterFallback' }).map((m) => m.dimensions.Cause),
    ).toEqual([
      'timeout',
      'circuit-open',
      'circuit-open',
      'circuit-open',
      'circuit-open',
      'timeout',
    ])
    expect(limiter.circuit).toBe('open')
  })

  it('release never throws nor waits past the budget, even with Redis gone', async () => {
    const limiter = redisLimiter({
      client: redis.client,
      concurrency: { limit: 2 },
      budgetMs: BUDGET_MS,
    })
    const lease = admitted(await limiter.acquire(request()))
    await redis.server.kill()
    const started = performance.now()
    await expect(lease.release()).resolves.toBeUndefined()
    expect(performance.now() - started).toBeLessThan(BUDGET_MS + SLACK_MS)
  })

  it('leaves no timer behind once a decision or release is made', async () => {
    const limiter = redisLimiter({
      client: redis.client,
      rate: { perSecond: 1000, burst: 1000 },
      concurrency: { limit: 100 },
    })
    await limiter.acquire(request())
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length
    const before = timers()
    const decisions = await Promise.all(
      Array.from({ length: 50 }, () => limiter.acquire(request())),
    )
    await Promise.all(decisions.map((d) => d.admitted && d.release()))
    // Other timers (ioredis reconnects of earlier tests) may end meanwhile; 100 leaked
    // budget timers could not hide behind them.
    expect(timers()).toBeLessThanOrEqual(before)
  })
})
