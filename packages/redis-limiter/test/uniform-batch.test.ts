import { setTimeout as sleep } from 'node:timers/promises'
import type { LimiterDecision } from '@gateproof/load-shedder'
import { redisLimiter } from '@gateproof/redis-limiter'
import fc from 'fast-check'
import { beforeEach, expect, it } from 'vitest'
import { resolveOptions } from '../src/options.js'
import {
  decodeScriptReplies,
  decodeUniformReplies,
  limiterScript,
  replyShape,
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

describeWithRedis('a batch of normal requests of cost 1 sent as its count', () => {
  const redis = useRedisServer()
  beforeEach(async () => {
    await redis.server.admin.script('FLUSH')
  })

  it('is offered only for the single-rate shape of rules', () => {
    const uniform = (options: object) =>
      limiterScript(resolveOptions({ client, ...options }).rules, 10_000).uniform
    expect(uniform({ rate: { perSecond: 5 } })).toBe(true)
    expect(uniform({ rate: [{ perSecond: 5 }] })).toBe(true)
    expect(uniform({ rate: { perSecond: 5, shadow: true } })).toBe(false)
    expect(uniform({ rate: [{ perSecond: 5 }, { perSecond: 1 }] })).toBe(false)
    expect(uniform({ concurrency: { limit: 2 } })).toBe(false)
    expect(uniform({ rate: { perSecond: 5 }, concurrency: { limit: 2 } })).toBe(false)
  })

  it('gives the same decisions, stored TAT and expiry as the requests sent one by one', async () => {
    const admin = redis.server.admin
    let run = 0
    const step = fc.record({
      // Time passed since the previous batch.
      gap: gapInIntervals,
      count: fc.integer({ min: 1, max: 40 }),
    })
    await fc.assert(
      fc.asyncProperty(rateRuleSets(step, 12), async (set) => {
        run += 1
        const { rules, processWindowMs, rate } = resolveRuleSet(set)
        const { startUs, steps } = set
        const body = withTestTime(limiterScript(rules, processWindowMs).body)
        const shape = replyShape(rules)
        const pairsKey = `{p${run}}:rate`
        const countKey = `{c${run}}:rate`
        let now = startUs
        for (const { gap, count } of steps) {
          now += Math.floor(gap * rate.interval * 1000)
          await setTestTime(admin, now)
          const pairs = Array.from({ length: count }, () => ['2', '1']).flat()
          // One transaction: Redis checks expiry against the time EXEC started.
          const results = await admin
            .multi()
            .eval(body, 1, pairsKey, '', ...pairs)
            .eval(body, 1, countKey, '', String(count))
            .get(pairsKey)
            .get(countKey)
            .pttl(pairsKey)
            .pttl(countKey)
            .persist(pairsKey)
            .persist(countKey)
            .exec()
          if (results === null) throw new Error('transaction aborted')
          const [[pairsError, pairsRaw], [countError, countRaw]] = results as [
            [Error | null, unknown],
            [Error | null, unknown],
          ]
          expect(countError?.message).toBe(pairsError?.message)
          if (pairsError) continue
          expect(decodeUniformReplies(countRaw, count, rate)).toEqual(
            decodeScriptReplies(pairsRaw, count, shape),
          )
          expectSameStoredState(results)
        }
      }),
      { numRuns: 100 },
    )
  })

  it('is how the limiter sends such a batch, a heartbeat too; a batch with another priority or cost spells it out', async () => {
    const options = { client: redis.client, budgetMs: 1000, rate: { perSecond: 1, burst: 100 } }
    const limiter = redisLimiter(options)
    const request = (priority: 'normal' | 'critical' = 'normal', cost?: number) => ({
      key: 'orders',
      priority,
      cost,
      deadlineAt: Date.now() + 5000,
    })
    await limiter.ready
    const sent: string[][] = []
    const monitor = await redis.server.client().monitor()
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (source !== 'lua') sent.push(args.map(String))
    })
    const all = (...requests: ReturnType<typeof request>[]) =>
      Promise.all(requests.map((r) => limiter.acquire(r)))
    const quota = (decisions: LimiterDecision[]) =>
      decisions.map((decision) => decision.admitted && decision.quota?.remaining)
    // The first decisions of a key mark the process active: the count follows its id.
    expect(quota(await all(request(), request(), request()))).toEqual([99, 98, 97])
    expect(quota(await all(request(), request('critical')))).toEqual([96, 95])
    expect(quota(await all(request(), request(undefined, 2)))).toEqual([94, 92])
    await redis.server.admin.ping('watch-end')
    while (!sent.some((args) => args[1] === 'watch-end')) await sleep(5)
    monitor.disconnect()
    const argv = sent
      .filter((args) => args[0]?.toLowerCase() === 'evalsha')
      .map((args) => args.slice(3 + Number(args[2])))
    expect(argv).toHaveLength(3)
    expect(argv[0]?.[1]).toBe('3')
    expect(argv[0]?.[0]).not.toBe('')
    expect(argv[1]?.slice(1)).toEqual(['2', '1', '1', '1'])
    expect(argv[2]?.slice(1)).toEqual(['2', '1', '2', '2'])
  })
})
