import { GateproofOptionsError } from '@gateproof/core'
import { type Admitted, memoryLimiter } from '@gateproof/load-shedder'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fakeClock } from './helpers/clock.js'

const FAR = Number.MAX_SAFE_INTEGER

describe('memoryLimiter: token bucket', () => {
  it('admits a full burst at once, then one request per refilled token', () => {
    const clock = fakeClock()
    const limiter = memoryLimiter({ rate: { perSecond: 10, burst: 5 }, clock })
    const take = () => limiter.acquire({ key: 'k', priority: 'critical', deadlineAt: FAR })

    const burst = Array.from({ length: 6 }, take)
    expect(burst.map((d) => 'admitted' in d && d.admitted)).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
    ])
    clock.advance(100)
    expect(take()).toMatchObject({ admitted: true })
    expect(take()).toMatchObject({ admitted: false, reason: 'rate' })
  })

  it('tells a refused request when the next token arrives, and the quota as RateLimit sees it', () => {
    const clock = fakeClock()
    const limiter = memoryLimiter({ rate: { perSecond: 2, burst: 4 }, clock })
    for (let i = 0; i < 4; i++) limiter.acquire({ key: 'k', priority: 'critical', deadlineAt: FAR })
    clock.advance(200)

    expect(limiter.acquire({ key: 'k', priority: 'critical', deadlineAt: FAR })).toEqual({
      admitted: false,
      reason: 'rate',
      retryAfterMs: 300,
      quota: { limit: 4, remaining: 0, resetSeconds: 0.3, windowSeconds: 2 },
    })
  })

  it('stays within ±1 token of burst + rate × elapsed for any arrival pattern', () => {
    fc.assert(
      fc.property(
        fc.record({
          perSecond: fc.integer({ min: 1, max: 500 }),
          burst: fc.integer({ min: 1, max: 50 }),
          gaps: fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 400 }),
        }),
        ({ perSecond, burst, gaps }) => {
          const clock = fakeClock()
          const limiter = memoryLimiter({ rate: { perSecond, burst }, clock })
          let admitted = 0
          let elapsed = 0
          for (const gap of gaps) {
            clock.advance(gap)
            elapsed += gap
            const decision = limiter.acquire({ key: 'k', priority: 'critical', deadlineAt: FAR })
            if (decision.admitted) admitted++
            // Never more than the bucket's definition allows, at any moment.
            expect(admitted).toBeLessThanOrEqual(burst + (perSecond * elapsed) / 1000 + 1e-9)
          }
        },
      ),
    )
  })

  it('admits exactly burst + rate × elapsed, within one token, under saturating demand', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        // At ≤ 1 token per 1-ms step, a bucket of ≥ 2 never discards a refill at its cap.
        fc.integer({ min: 2, max: 100 }),
        fc.integer({ min: 1, max: 5000 }),
        (perSecond, burst, durationMs) => {
          const clock = fakeClock()
          const limiter = memoryLimiter({ rate: { perSecond, burst }, clock })
          let admitted = 0
          for (let t = 0; t <= durationMs; t++) {
            // Demand never lets up: each millisecond, requests arrive until one is refused.
            while (limiter.acquire({ key: 'k', priority: 'critical', deadlineAt: FAR }).admitted) {
              admitted++
            }
            clock.advance(1)
          }
          const definition = burst + (perSecond * durationMs) / 1000
          expect(Math.abs(admitted - definition)).toBeLessThanOrEqual(1)
        },
      ),
      { numRuns: 40 },
    )
  })

  it('keeps the last tokens for higher priorities: sheddable stops at 80 %, normal at 95 %', () => {
    const clock = fakeClock()
    const limiter = memoryLimiter({ rate: { perSecond: 1, burst: 20 }, clock })
    const drain = (priority: 'critical' | 'normal' | 'sheddable') => {
      let admitted = 0
      while (limiter.acquire({ key: 'k', priority, deadlineAt: FAR }).admitted) admitted++
      return admitted
    }
    expect(drain('sheddable')).toBe(16)
    expect(drain('normal')).toBe(3)
    expect(drain('critical')).toBe(1)
  })

  it('partitions the bucket by key', () => {
    const limiter = memoryLimiter({ rate: { perSecond: 1, burst: 1 }, clock: fakeClock() })
    expect(limiter.acquire({ key: 'a', priority: 'normal', deadlineAt: FAR }).admitted).toBe(true)
    expect(limiter.acquire({ key: 'a', priority: 'normal', deadlineAt: FAR }).admitted).toBe(false)
    expect(limiter.acquire({ key: 'b', priority: 'normal', deadlineAt: FAR }).admitted).toBe(true)
  })
})

describe('memoryLimiter: concurrency', () => {
  it('never holds more than N leases at once among interleaved async requests', async () => {
    const limiter = memoryLimiter({ concurrency: 3 })
    let held = 0
    let peak = 0
    let refused = 0
    const request = async (delayMs: number) => {
      const decision = await limiter.acquire({ key: 'k', priority: 'critical', deadlineAt: FAR })
      if (!decision.admitted) {
        refused++
        return
      }
      held++
      peak = Math.max(peak, held)
      await new Promise((resolve) => setTimeout(resolve, delayMs))
      held--
      await decision.release()
    }
    await Promise.all(Array.from({ length: 50 }, (_, i) => request(i % 5)))

    expect(peak).toBe(3)
    expect(refused).toBeGreaterThan(0)
    expect(limiter.stats('k')).toEqual({ tokens: undefined, held: 0 })
  })

  it('releases exactly once however often release is called', () => {
    const limiter = memoryLimiter({ concurrency: 2, clock: fakeClock() })
    const first = limiter.acquire({ key: 'k', priority: 'critical', deadlineAt: FAR }) as Admitted
    limiter.acquire({ key: 'k', priority: 'critical', deadlineAt: FAR })
    first.release()
    first.release()
    expect(limiter.stats('k').held).toBe(1)
  })

  it('reclaims a lease nobody released once its deadline has passed', () => {
    const clock = fakeClock()
    const limiter = memoryLimiter({ concurrency: 1, clock })
    limiter.acquire({ key: 'k', priority: 'critical', deadlineAt: clock.now() + 1000 })
    expect(limiter.acquire({ key: 'k', priority: 'critical', deadlineAt: FAR }).admitted).toBe(
      false,
    )
    clock.advance(1000)
    expect(limiter.acquire({ key: 'k', priority: 'critical', deadlineAt: FAR }).admitted).toBe(true)
  })

  it('suggests the observed hold time as the wait for a refused request', () => {
    const clock = fakeClock()
    const limiter = memoryLimiter({ concurrency: 1, clock })
    const lease = limiter.acquire({ key: 'k', priority: 'critical', deadlineAt: FAR }) as Admitted
    clock.advance(1500)
    lease.release()
    limiter.acquire({ key: 'k', priority: 'critical', deadlineAt: FAR })

    expect(limiter.acquire({ key: 'k', priority: 'critical', deadlineAt: FAR })).toEqual({
      admitted: false,
      reason: 'concurrency',
      retryAfterMs: 1500,
    })
  })

  it('shares slots by priority: of 10, sheddable gets 8 and normal 9', () => {
    const limiter = memoryLimiter({ concurrency: 10, clock: fakeClock() })
    const fill = (priority: 'critical' | 'normal' | 'sheddable') => {
      let admitted = 0
      while (limiter.acquire({ key: 'k', priority, deadlineAt: FAR }).admitted) admitted++
      return admitted
    }
    expect([fill('sheddable'), fill('normal'), fill('critical')]).toEqual([8, 1, 1])
  })

  it('does not spend a token on a request the semaphore refuses', () => {
    const clock = fakeClock()
    const limiter = memoryLimiter({ rate: { perSecond: 1, burst: 5 }, concurrency: 1, clock })
    limiter.acquire({ key: 'k', priority: 'critical', deadlineAt: FAR })
    expect(limiter.acquire({ key: 'k', priority: 'critical', deadlineAt: FAR })).toMatchObject({
      admitted: false,
      reason: 'concurrency',
    })
    expect(limiter.stats('k').tokens).toBe(4)
  })
})

describe('memoryLimiter: bounded keys', () => {
  it('forgets a key at rest to make room, and lumps new keys together when none is at rest', () => {
    const clock = fakeClock()
    const limiter = memoryLimiter({ concurrency: 1, maxKeys: 2, clock })
    const a = limiter.acquire({ key: 'a', priority: 'critical', deadlineAt: FAR }) as Admitted
    limiter.acquire({ key: 'b', priority: 'critical', deadlineAt: FAR })
    // Both held: a third key goes to the shared overflow partition.
    expect(limiter.acquire({ key: 'c', priority: 'critical', deadlineAt: FAR }).admitted).toBe(true)
    expect(limiter.acquire({ key: 'd', priority: 'critical', deadlineAt: FAR }).admitted).toBe(
      false,
    )
    expect(limiter.size).toBe(3)
    a.release()
    // `a` is at rest now, so `e` takes its place.
    expect(limiter.acquire({ key: 'e', priority: 'critical', deadlineAt: FAR }).admitted).toBe(true)
    expect(limiter.size).toBe(3)
  })
})

describe('memoryLimiter: options', () => {
  it.each([
    [{}, /needs "rate", "concurrency" or both/],
    [{ concurrency: 0 }, /"concurrency" must be an integer from 1/],
    [{ rate: { perSecond: 0 } }, /"rate.perSecond" must be a number/],
    [{ rate: { burst: 2 } }, /"rate.perSecond" is required/],
    [{ rate: { perSecond: 1, brust: 2 } }, /unknown option "rate.brust"/],
    [{ concurrency: 1, shares: { sheddable: 1, normal: 0.5 } }, /critical ≥ normal ≥ sheddable/],
    [{ concurrency: 1, size: 3 }, /unknown option "size"/],
  ])('rejects %j when it is built', (options, message) => {
    expect(() => memoryLimiter(options as never)).toThrow(GateproofOptionsError)
    expect(() => memoryLimiter(options as never)).toThrow(message)
  })
})
