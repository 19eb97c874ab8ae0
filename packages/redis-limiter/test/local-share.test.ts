import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decideLocally, newLocalKey } from '../src/local-share.js'
import { type RedisLimiterClient, resolveOptions } from '../src/options.js'

const client: RedisLimiterClient = {
  evalsha: async () => null,
  eval: async () => null,
  zrem: async () => 0,
}

describe('local share (issue 14: degrade to a share of the limit, not to "admit everything")', () => {
  it('R14 each of 4 active processes enforces floor(5 / 4) = 1 of a concurrency limit of 5', () => {
    const { rules } = resolveOptions({ client, concurrency: { limit: 5 } })
    const local = newLocalKey(rules)
    local.processes = 4
    const first = decideLocally(local, rules, 'normal', 1, 0)
    expect(first.admitted).toBe(true)
    expect(decideLocally(local, rules, 'normal', 1, 0)).toMatchObject({
      admitted: false,
      reason: 'concurrency',
    })
    if (first.admitted) first.release()
    expect(decideLocally(local, rules, 'normal', 1, 0).admitted).toBe(true)
  })

  it('R14 at least 1 when there are more processes than the limit', () => {
    const { rules } = resolveOptions({ client, concurrency: { limit: 2 } })
    const local = newLocalKey(rules)
    local.processes = 50
    expect(decideLocally(local, rules, 'normal', 1, 0).admitted).toBe(true)
  })

  it('R14 a rate share: perSecond / processes with burst / processes', () => {
    const { rules } = resolveOptions({ client, rate: { perSecond: 10, burst: 4 } })
    const local = newLocalKey(rules)
    local.processes = 2
    // 5/s and a burst of 2 here: two at once, then one every 200 ms.
    expect([0, 0, 0].map(() => decideLocally(local, rules, 'normal', 1, 1000).admitted)).toEqual([
      true,
      true,
      false,
    ])
    expect(decideLocally(local, rules, 'normal', 1, 1199).admitted).toBe(false)
    expect(decideLocally(local, rules, 'normal', 1, 1200).admitted).toBe(true)
  })

  it('R14 property: the fleet admits at most the limit at once when every process holds its share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 100 }),
        (limit, processes, attempts) => {
          const { rules } = resolveOptions({ client, concurrency: { limit } })
          let admittedFleetWide = 0
          for (let p = 0; p < processes; p += 1) {
            const local = newLocalKey(rules)
            local.processes = processes
            for (let i = 0; i < attempts; i += 1) {
              if (decideLocally(local, rules, 'normal', 1, 0).admitted) admittedFleetWide += 1
            }
          }
          expect(admittedFleetWide).toBeLessThanOrEqual(Math.max(limit, processes))
          if (processes <= limit) expect(admittedFleetWide).toBeLessThanOrEqual(limit)
        },
      ),
    )
  })
})
