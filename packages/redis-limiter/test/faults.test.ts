import { once } from 'node:events'
import { createServer } from 'node:net'
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
import { Redis } from 'ioredis'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { describeWithRedis, useRedisServer } from './helpers/redis-server.js'

const BUDGET_MS = 25
/** Scheduling slack on a busy CI machine: a correctness bound, not a speed target. */
const SLACK_MS = 150
const LEASES = '{gateproof:orders}:leases'

const request = (key = 'orders'): LimiterRequest => ({
  key,
  priority: 'normal',
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

/** Sends requests until the probes find Redis again and the circuit closes (bounded). */
async function untilRecovered(limiter: RedisLimiter, key: string): Promise<void> {
  const giveUpAt = Date.now() + 15_000
  while (limiter.circuit !== 'closed') {
    if (Date.now() > giveUpAt) throw new Error('the circuit never closed again')
    const decision = await limiter.acquire(request(key))
    if (decision.admitted) decision.release()
    await sleep(20)
  }
}

async function untilStatus(client: Redis, ready: boolean): Promise<void> {
  const giveUpAt = Date.now() + 15_000
  while ((client.status === 'ready') !== ready) {
    if (Date.now() > giveUpAt) throw new Error(`client status stayed ${client.status}`)
    await sleep(5)
  }
}

async function closedPort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  server.close()
  await once(server, 'close')
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

describeWithRedis('when Redis fails (issue 14 fault matrix, real redis-server)', () => {
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

  it('R14 killed: answered within the budget, this process enforces its share locally (default), one log line, limits whole and the count back to 0 after a restart', async () => {
    const limiter = redisLimiter({
      client: redis.client,
      concurrency: { limit: 2 },
      budgetMs: BUDGET_MS,
      metrics,
      logger,
    })
    // Its reply tells this process how many processes share the key: 1.
    admitted(await limiter.acquire(request())).release()
    await redis.server.kill()
    await untilStatus(redis.client, false)

    const outage = []
    for (let i = 0; i < 3; i += 1) outage.push(await timed(limiter))
    for (const { ms } of outage) expect(ms).toBeLessThan(BUDGET_MS + SLACK_MS)
    // One process active for the key: its share is the whole limit, never "admit everything".
    expect(outage.map(({ decision }) => decision.admitted)).toEqual([true, true, false])
    expect(outage[2]?.decision).toMatchObject({ reason: 'concurrency' })
    expect(findMetrics(capture, { name: 'RedisLimiterFallback' }).map((m) => m.dimensions)).toEqual(
      Array(3).fill({ service: 'orders', Mode: 'local', Cause: 'disconnected' }),
    )
    expect(findLogs(capture, { level: 'warn', message: /lost its connection/ })).toHaveLength(1)
    for (const { decision } of outage) if (decision.admitted) decision.release()

    await redis.server.restart()
    await untilStatus(redis.client, true)
    const leases = [
      admitted(await limiter.acquire(request())),
      admitted(await limiter.acquire(request())),
    ]
    expect(await limiter.acquire(request())).toMatchObject({
      admitted: false,
      reason: 'concurrency',
    })
    expect(findLogs(capture, { level: 'info', message: /connected again/ })).toHaveLength(1)
    for (const lease of leases) lease.release()
    await redis.client.ping()
    expect(await redis.server.admin.zcard(LEASES)).toBe(0)
  })

  it('R14 paused (SIGSTOP): answered within the budget, the breaker opens on the failure ratio, the local share holds, and no lease outlives its request after SIGCONT', async () => {
    const limiter = redisLimiter({
      client: redis.client,
      concurrency: { limit: 3 },
      budgetMs: BUDGET_MS,
      breaker: { minCalls: 4, coolDownMs: 100, probes: 1 },
      metrics,
      logger,
    })
    const held = admitted(await limiter.acquire(request()))
    redis.server.pause()
    try {
      const during = []
      for (let i = 0; i < 8; i += 1) {
        const result = await timed(limiter)
        during.push(result)
        if (result.decision.admitted) result.decision.release()
      }
      for (const { ms } of during) expect(ms).toBeLessThan(BUDGET_MS + SLACK_MS)
      // A slow moment (circuit still closed) is refused rather than guessed at; once the
      // breaker has seen enough failures, Redis is gone and the local share decides.
      expect(during.map(({ decision }) => decision.admitted)).toEqual([
        false,
        false,
        false,
        true,
        true,
        true,
        true,
        true,
      ])
      expect(during[0]?.decision).toMatchObject({ reason: 'concurrency' })
      expect(limiter.circuit).not.toBe('closed')
      const opened = findLogs(capture, { level: 'warn', message: /circuit opened/ })
      expect(opened).toHaveLength(1)
      expect(opened[0]?.line).toMatchObject({ failureMode: 'local', calls: 4, failures: 3 })
      // Locally, one active process: at most the limit at once, the lease Redis granted
      // before the pause included.
      const local = []
      for (let i = 0; i < 4; i += 1) local.push(await limiter.acquire(request()))
      expect(local.map((d) => d.admitted)).toEqual([true, true, false, false])
      for (const decision of local) if (decision.admitted) decision.release()
    } finally {
      redis.server.resume()
    }
    await untilRecovered(limiter, 'probe')
    // Decisions that timed out ran once Redis woke up; what they admitted was handed back:
    // the first PING follows their replies, the second the ZREMs those replies caused.
    await redis.client.ping()
    await redis.client.ping()
    expect(await redis.server.admin.zcard(LEASES)).toBe(1)
    held.release()
    await redis.client.ping()
    expect(await redis.server.admin.zcard(LEASES)).toBe(0)
  })

  it('R14 slow (DEBUG SLEEP): the wait is cut at the budget and leases taken late are handed back', async () => {
    const limiter = redisLimiter({
      client: redis.client,
      concurrency: { limit: 5 },
      budgetMs: BUDGET_MS,
      metrics,
    })
    admitted(await limiter.acquire(request('warm-up'))).release()
    const fallbacksBefore = findMetrics(capture, { name: 'RedisLimiterFallback' }).length
    const sleeping = redis.server.admin.call('DEBUG', 'SLEEP', '0.3').catch(() => undefined)
    await sleep(5)
    const during = await Promise.all(Array.from({ length: 3 }, () => timed(limiter)))
    for (const { ms } of during) expect(ms).toBeLessThan(BUDGET_MS + SLACK_MS)
    expect(
      findMetrics(capture, { name: 'RedisLimiterFallback' })
        .slice(fallbacksBefore)
        .map((m) => m.dimensions.Cause),
    ).toEqual(['timeout', 'timeout', 'timeout'])
    for (const { decision } of during) if (decision.admitted) decision.release()
    await sleeping
    // The first PING follows the late replies, the second the ZREMs they caused.
    await redis.client.ping()
    await redis.client.ping()
    expect(await redis.server.admin.zcard(LEASES)).toBe(0)
  })

  it('R14 CLIENT PAUSE with failure "closed": refused within the budget with reason unavailable, no lease leaks', async () => {
    const limiter = redisLimiter({
      client: redis.client,
      concurrency: { limit: 3 },
      budgetMs: BUDGET_MS,
      failure: 'closed',
      breaker: { minCalls: 2, coolDownMs: 200, probes: 1 },
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
    await redis.server.admin.call('CLIENT', 'UNPAUSE')
    await untilRecovered(limiter, 'probe')
    await redis.client.ping()
    await redis.client.ping()
    // Only the lease taken before the pause is held: the calls that timed out ran
    // after the pause and were released at once.
    expect(await redis.client.zcard(LEASES)).toBe(1)
    held.release()
    await redis.client.ping()
    expect(await redis.client.zcard(LEASES)).toBe(0)
  })

  it('R14 SCRIPT FLUSH mid-run: decisions go on through EVAL with no fallback', async () => {
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

  it('R14 out of memory (maxmemory, noeviction): answered within the budget, no unhandled rejection, no lease left once memory is free', async () => {
    const limiter = redisLimiter({
      client: redis.client,
      concurrency: { limit: 2 },
      budgetMs: BUDGET_MS,
      metrics,
      logger,
    })
    admitted(await limiter.acquire(request())).release()
    await redis.server.admin.config('SET', 'maxmemory-policy', 'noeviction')
    await redis.server.admin.config('SET', 'maxmemory', '1')
    const decisions = []
    try {
      // A new key: its first script call marks the process active, a write Redis refuses
      // (OOM). Calls whose first write only deletes expired leases may still go through.
      for (let i = 0; i < 3; i += 1) decisions.push(await timed(limiter, request('new-key')))
    } finally {
      await redis.server.admin.config('SET', 'maxmemory', '0')
    }
    for (const { ms } of decisions) expect(ms).toBeLessThan(BUDGET_MS + SLACK_MS)
    expect(
      findMetrics(capture, { name: 'RedisLimiterFallback', dimensions: { Cause: 'error' } }).length,
    ).toBeGreaterThan(0)
    for (const { decision } of decisions) if (decision.admitted) decision.release()
    await redis.client.ping()
    await redis.client.ping()
    expect(await redis.server.admin.zcard('{gateproof:new-key}:leases')).toBe(0)
    expect(await redis.server.admin.zcard(LEASES)).toBe(0)
  })

  it('R14 ACL-denied commands (NOPERM): decided locally within the budget, the circuit opens with the error in its log line', async () => {
    await redis.server.admin.call(
      'ACL',
      'SETUSER',
      'limiter',
      'on',
      '>secret',
      '~*',
      '+@all',
      '-evalsha',
      '-eval',
    )
    const client = redis.server.client({ username: 'limiter', password: 'secret' })
    await client.ping()
    const limiter = redisLimiter({
      client,
      concurrency: { limit: 2 },
      budgetMs: BUDGET_MS,
      breaker: { minCalls: 3 },
      metrics,
      logger,
    })
    const decisions = []
    for (let i = 0; i < 4; i += 1) decisions.push(await timed(limiter))
    for (const { ms } of decisions) expect(ms).toBeLessThan(BUDGET_MS + SLACK_MS)
    expect(limiter.circuit).toBe('open')
    expect(findLogs(capture, { level: 'warn', message: /circuit opened/ })[0]?.line).toMatchObject({
      cause: 'error',
      error: expect.stringContaining('NOPERM'),
    })
    expect(await redis.server.admin.exists(LEASES)).toBe(0)
  })

  it('R14 refusing connections from the start: `ready` settles, every request is answered within the budget, none counts as a Redis failure', async () => {
    const client = new Redis({
      host: '127.0.0.1',
      port: await closedPort(),
      retryStrategy: () => 20,
    })
    client.on('error', () => {})
    try {
      const limiter = redisLimiter({
        client,
        concurrency: { limit: 2 },
        budgetMs: BUDGET_MS,
        metrics,
      })
      await limiter.ready
      const decisions = []
      for (let i = 0; i < 3; i += 1) decisions.push(await timed(limiter))
      for (const { ms } of decisions) expect(ms).toBeLessThan(BUDGET_MS + SLACK_MS)
      // Never counted by Redis: this process assumes it is one of 10 and keeps 1 of the 2 slots.
      expect(decisions.map(({ decision }) => decision.admitted)).toEqual([true, false, false])
      expect(
        findMetrics(capture, { name: 'RedisLimiterFallback' }).map((m) => m.dimensions.Cause),
      ).toEqual(['connecting', 'connecting', 'connecting'])
      expect(limiter.circuit).toBe('closed')
    } finally {
      client.disconnect()
    }
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
    await untilStatus(redis.client, false)
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

  it('R14 half-open: the probes wait for Redis, every other request falls back at once', async () => {
    const limiter = redisLimiter({
      client: redis.client,
      concurrency: { limit: 10 },
      budgetMs: BUDGET_MS,
      failure: 'closed',
      breaker: { minCalls: 1, coolDownMs: 100, probes: 1 },
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
    await redis.server.admin.call('CLIENT', 'UNPAUSE')
  })

  it('R14 release is one command sent at once: it returns nothing to wait for and never throws, even with Redis gone', async () => {
    const limiter = redisLimiter({
      client: redis.client,
      concurrency: { limit: 2 },
      budgetMs: BUDGET_MS,
    })
    const lease = admitted(await limiter.acquire(request()))
    await redis.server.kill()
    expect(lease.release()).toBeUndefined()
    // Its failure, when it comes, is swallowed: an unhandled rejection would fail this file.
    await sleep(BUDGET_MS * 2)
  })

  it('leaves no timer behind (beyond one budget) once decisions and releases are answered', async () => {
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
    for (const decision of decisions) if (decision.admitted) decision.release()
    // The releases leave at the end of this tick: the second PING follows their ZREM.
    await redis.client.ping()
    await redis.client.ping()
    // The budget's one timer ends within one budget once nothing waits.
    await sleep(100)
    await new Promise((resolve) => setImmediate(resolve))
    // Other timers (ioredis reconnects of earlier tests) may end meanwhile; a leaked
    // budget timer could not hide behind them.
    expect(timers()).toBeLessThanOrEqual(before)
  })
})
