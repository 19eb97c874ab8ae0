import { setTimeout as sleep } from 'node:timers/promises'
import { redisLimiter } from '@gateproof/redis-limiter'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { bundleWorker, startWorker, type WorkerBundle } from './helpers/fork.js'
import { describeWithRedis, useRedisServer } from './helpers/redis-server.js'

const PROCESSES = 4

describeWithRedis('fleet-wide limits across processes', () => {
  const redis = useRedisServer()
  let bundle: WorkerBundle

  beforeAll(async () => {
    bundle = await bundleWorker()
  }, 60_000)
  afterAll(async () => {
    await bundle?.dispose()
  })

  it('never lets 32 acquirers in 4 processes hold more leases than the concurrency limit', async () => {
    const limit = 5
    const task = {
      kind: 'concurrency',
      port: redis.server.port,
      key: 'fleet',
      limit,
      loops: 8,
      runMs: 1500,
    } as const
    const workers = await Promise.all(
      Array.from({ length: PROCESSES }, () => startWorker(bundle, task)),
    )
    for (const worker of workers) worker.start()
    const reports = Promise.all(workers.map((worker) => worker.report('concurrency')))
    let maxHeld = 0
    let sampling = true
    void reports.finally(() => {
      sampling = false
    })
    while (sampling) {
      maxHeld = Math.max(maxHeld, await redis.server.admin.zcard('{gateproof:fleet}:leases'))
      await sleep(1)
    }
    const results = await reports

    expect(results.map((r) => r.fallbacks)).toEqual(Array(PROCESSES).fill(0))
    expect(results.every((r) => r.admitted > 0 && r.rejected > 0)).toBe(true)
    const maxObserved = Math.max(...results.map((r) => r.maxObserved))
    expect(maxObserved).toBeLessThanOrEqual(limit)
    expect(maxHeld).toBeLessThanOrEqual(limit)
    // The limit was actually contended, so the bound above means something.
    expect(maxHeld).toBe(limit)
    expect(maxObserved).toBeGreaterThan(1)
  })

  it('admits within ±1 of burst + rate × elapsed time when 16 acquirers in 4 processes saturate one key', async () => {
    const perSecond = 50
    const burst = 5
    const task = {
      kind: 'rate',
      port: redis.server.port,
      key: 'fleet-rate',
      perSecond,
      burst,
      loops: 4,
      runMs: 2000,
    } as const
    const workers = await Promise.all(
      Array.from({ length: PROCESSES }, () => startWorker(bundle, task)),
    )
    for (const worker of workers) worker.start()
    const results = await Promise.all(workers.map((worker) => worker.report('rate')))

    expect(results.map((r) => r.fallbacks)).toEqual(Array(PROCESSES).fill(0))
    const sentAt = results.flatMap((r) => r.sentAt)
    const answeredAt = results.flatMap((r) => r.answeredAt)
    // The first and last admissions happened on Redis within these bounds, whatever
    // the scheduling delays of four busy processes.
    const shortest = Math.max(...sentAt) - Math.min(...answeredAt)
    const longest = Math.max(...answeredAt) - Math.min(...sentAt)
    const emissionMs = 1000 / perSecond
    expect(shortest).toBeGreaterThan(1500)
    expect(sentAt.length).toBeGreaterThanOrEqual(burst + shortest / emissionMs - 1)
    expect(sentAt.length).toBeLessThanOrEqual(burst + longest / emissionMs + 1)
  })

  it('frees the leases of a killed process at their deadline, not before and not never', async () => {
    const limit = 3
    const deadlineAt = Date.now() + 1500
    const holder = await startWorker(bundle, {
      kind: 'hold',
      port: redis.server.port,
      key: 'crashed',
      limit,
      leases: limit,
      deadlineAt,
    })
    holder.start()
    expect(await holder.report('held')).toEqual({ kind: 'held', admitted: limit })
    await holder.kill()

    const limiter = redisLimiter({
      client: redis.server.client(),
      concurrency: { limit, retryAfterMs: 60_000 },
      failure: 'closed',
    })
    const request = {
      key: 'crashed',
      priority: 'critical' as const,
      deadlineAt: Date.now() + 10_000,
    }
    const refused = await limiter.acquire(request)
    if (refused.admitted) throw new Error('a killed process still holds every slot')
    expect(refused.reason).toBe('concurrency')
    expect(Math.abs(refused.retryAfterMs - (deadlineAt - Date.now()))).toBeLessThan(100)

    await sleep(deadlineAt - Date.now() - 200)
    expect((await limiter.acquire(request)).admitted).toBe(false)
    await sleep(deadlineAt - Date.now() + 30)
    expect((await limiter.acquire(request)).admitted).toBe(true)
  })
})
