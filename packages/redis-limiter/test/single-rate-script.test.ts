import { setTimeout as sleep } from 'node:timers/promises'
import type { Priority } from '@gateproof/load-shedder'
import { redisLimiter } from '@gateproof/redis-limiter'
import fc from 'fast-check'
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { type RedisLimiterOptions, resolveOptions } from '../src/options.js'
import {
  decodeScriptReplies,
  decodeSingleRateReply,
  limiterScript,
  replyShape,
  type ScriptReply,
  singleRateScript,
} from '../src/script.js'
import {
  expectSameStoredState,
  gapInIntervals,
  rateRuleSets,
  resolveRuleSet,
  setTestTime,
  stubClient,
  withTestTime,
} from './helpers/rate-rules.js'
import { describeWithRedis, useRedisServer } from './helpers/redis-server.js'

const client = stubClient
const PRIORITIES: readonly Priority[] = ['critical', 'normal', 'sheddable']
const PRIORITY_INDEX: Record<Priority, string> = { critical: '1', normal: '2', sheddable: '3' }

describeWithRedis('the single-rate script decides as the general script does', () => {
  const redis = useRedisServer()
  beforeEach(async () => {
    await redis.server.admin.script('FLUSH')
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('exists only for one enforced rate rule without concurrency', () => {
    const rules = (options: Partial<RedisLimiterOptions>) =>
      resolveOptions({ client, ...options } as RedisLimiterOptions).rules
    expect(singleRateScript(rules({ rate: { perSecond: 5 } }))).toBeDefined()
    expect(singleRateScript(rules({ rate: [{ perSecond: 5 }] }))).toBeDefined()
    expect(singleRateScript(rules({ rate: { perSecond: 5, shadow: true } }))).toBeUndefined()
    expect(singleRateScript(rules({ rate: [{ perSecond: 5 }, { perSecond: 1 }] }))).toBeUndefined()
    expect(singleRateScript(rules({ concurrency: { limit: 2 } }))).toBeUndefined()
    expect(
      singleRateScript(rules({ rate: { perSecond: 5 }, concurrency: { limit: 2 } })),
    ).toBeUndefined()
  })

  it('gives the same reply, stored TAT and expiry for generated rules, requests and times', async () => {
    const admin = redis.server.admin
    let run = 0
    const step = fc.record({
      // Time passed since the previous request.
      gap: gapInIntervals,
      priority: fc.constantFrom(...PRIORITIES),
      cost: fc.oneof(
        { weight: 4, arbitrary: fc.constant(1) },
        fc.integer({ min: 2, max: 50 }),
        fc.constantFrom(0.5, 2.5, 0.001, 1e-9, 1.1),
      ),
      // A normal request of cost 1 may also spell out its ARGV: the script reads both.
      spelledOut: fc.boolean(),
    })
    await fc.assert(
      fc.asyncProperty(rateRuleSets(step, 25), async (set) => {
        run += 1
        const { rules, processWindowMs, rate } = resolveRuleSet(set)
        const { startUs, steps } = set
        const single = singleRateScript(rules)
        if (single === undefined) throw new Error('no single-rate script')
        const general = withTestTime(limiterScript(rules, processWindowMs).body)
        const cheap = withTestTime(single.body)
        const shape = replyShape(rules)
        const generalKey = `{g${run}}:rate`
        const singleKey = `{s${run}}:rate`
        let now = startUs
        for (const { gap, priority, cost, spelledOut } of steps) {
          now += Math.floor(gap * rate.interval * 1000)
          await setTestTime(admin, now)
          const args = [PRIORITY_INDEX[priority], String(cost)]
          const plain = priority === 'normal' && cost === 1 && !spelledOut
          // One transaction: Redis checks expiry against the time EXEC started, so a TAT
          // with a 1 ms TTL cannot expire between the two scripts and the reads.
          const results = await admin
            .multi()
            .eval(general, 1, generalKey, '', ...args)
            .eval(cheap, 1, singleKey, ...(plain ? [] : args))
            .get(generalKey)
            .get(singleKey)
            .pttl(generalKey)
            .pttl(singleKey)
            // Expiry on the server's clock would race the test's time; an expired TAT and
            // one in the past decide alike, which the steps with long gaps cover.
            .persist(generalKey)
            .persist(singleKey)
            .exec()
          if (results === null) throw new Error('transaction aborted')
          const [[generalError, generalRaw], [singleError, singleRaw]] = results as [
            [Error | null, unknown],
            [Error | null, unknown],
          ]
          const outcome = (error: Error | null, decode: () => ScriptReply) =>
            error ? { error: error.message.includes('invalid expire time') } : { reply: decode() }
          expect(
            outcome(singleError, () => decodeSingleRateReply(singleRaw, rate, priority)),
          ).toEqual(
            outcome(
              generalError,
              () => decodeScriptReplies(generalRaw, 1, shape)[0] as ScriptReply,
            ),
          )
          expectSameStoredState(results)
        }
      }),
      { numRuns: 150 },
    )
  })

  it('treats a rate key holding foreign data as a Redis error, as the general script does', async () => {
    const limiter = redisLimiter({
      client: redis.client,
      budgetMs: 1000,
      rate: { perSecond: 10, burst: 5 },
      failure: 'closed',
    })
    await limiter.ready
    vi.useFakeTimers({ toFake: ['Date'] })
    const request = { key: 'orders', priority: 'normal' as const, deadlineAt: Date.now() + 5000 }
    for (const foreign of [
      () => redis.server.admin.set('{gateproof:orders}:rate', 'not a number'),
      () => redis.server.admin.hset('{gateproof:orders}:rate', 'a', '1'),
    ]) {
      await redis.server.admin.del('{gateproof:orders}:rate')
      await foreign()
      // The first decision of the key runs the general script (heartbeat), the next the single one.
      for (let i = 0; i < 2; i += 1) {
        expect(await limiter.acquire(request)).toMatchObject({
          admitted: false,
          reason: 'unavailable',
        })
      }
    }
    expect(limiter.circuit).toBe('closed')
  })

  it('decides a lone request with it, a batch and a heartbeat with the general script', async () => {
    const options = { client: redis.client, budgetMs: 1000, rate: { perSecond: 1, burst: 100 } }
    const { rules, processWindowMs } = resolveOptions(options)
    const single = singleRateScript(rules)
    const { sha } = limiterScript(rules, processWindowMs)
    const limiter = redisLimiter(options)
    const request = (priority: Priority = 'normal', cost?: number) => ({
      key: 'orders',
      priority,
      cost,
      deadlineAt: Date.now() + 5000,
    })
    await limiter.ready
    // A frozen clock: no second heartbeat falls due, however slowly this host runs the test.
    vi.useFakeTimers({ toFake: ['Date'] })
    expect(await redis.server.admin.script('EXISTS', sha, single?.sha ?? '')).toEqual([1, 1])
    const sent: string[] = []
    const monitor = await redis.server.client().monitor()
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (source !== 'lua') sent.push(`${String(args[0]).toLowerCase()} ${args[1]}`)
    })
    // The first decision of a key marks the process active: the general script.
    expect(await limiter.acquire(request())).toMatchObject({ admitted: true })
    expect(await limiter.acquire(request())).toMatchObject({
      admitted: true,
      quota: { limit: 100, remaining: 98, resetSeconds: 2, windowSeconds: 100 },
    })
    expect(await limiter.acquire(request('critical', 2.5))).toMatchObject({ admitted: true })
    const batch = await Promise.all([limiter.acquire(request()), limiter.acquire(request())])
    expect(batch.map((decision) => decision.admitted)).toEqual([true, true])
    // MONITOR replies arrive after the commands they describe; PING marks the end.
    await redis.server.admin.ping('watch-end')
    while (!sent.includes('ping watch-end')) await sleep(5)
    monitor.disconnect()
    expect(sent.slice(0, sent.indexOf('ping watch-end'))).toEqual([
      `evalsha ${sha}`,
      `evalsha ${single?.sha}`,
      `evalsha ${single?.sha}`,
      `evalsha ${sha}`,
    ])
  })
})
