import { AimdLimit, Gradient2Limit, type Gradient2Options } from '@gateproof/load-shedder'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

const gradient2 = (overrides: Partial<Gradient2Options> = {}) =>
  new Gradient2Limit({
    initialLimit: 20,
    minLimit: 5,
    maxLimit: 200,
    tolerance: 1.5,
    smoothing: 0.2,
    ...overrides,
  })

describe('Gradient2Limit', () => {
  it('grows while latency stays at its long-term level and the limit is in use', () => {
    const limit = gradient2()
    for (let i = 0; i < 50; i++)
      limit.update({ durationMs: 100, inFlight: limit.limit, dropped: false })
    expect(limit.limit).toBeGreaterThan(40)
  })

  it('does not grow while less than half the limit is in use', () => {
    const limit = gradient2()
    for (let i = 0; i < 50; i++) limit.update({ durationMs: 100, inFlight: 9, dropped: false })
    expect(limit.limit).toBe(20)
  })

  it('shrinks when latency rises well above its long-term average', () => {
    const limit = gradient2({ initialLimit: 100 })
    for (let i = 0; i < 100; i++) limit.update({ durationMs: 100, inFlight: 100, dropped: false })
    const before = limit.limit
    for (let i = 0; i < 20; i++) {
      limit.update({ durationMs: 1000, inFlight: limit.limit, dropped: false })
    }
    expect(limit.limit).toBeLessThan(before / 2)
  })

  it('stays within its bounds whatever the latencies', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ durationMs: fc.nat(60_000), inFlight: fc.nat(500) }), {
          maxLength: 300,
        }),
        (samples) => {
          const limit = gradient2({ minLimit: 3, maxLimit: 50 })
          for (const sample of samples) {
            limit.update({ ...sample, dropped: false })
            expect(limit.limit).toBeGreaterThanOrEqual(3)
            expect(limit.limit).toBeLessThanOrEqual(50)
          }
        },
      ),
    )
  })
})

describe('AimdLimit', () => {
  const aimd = () =>
    new AimdLimit({
      initialLimit: 10,
      minLimit: 2,
      maxLimit: 12,
      backoffRatio: 0.5,
      latencyThresholdMs: 1000,
    })

  it('adds one per good request that used at least half the limit, up to the maximum', () => {
    const limit = aimd()
    limit.update({ durationMs: 50, inFlight: 5, dropped: false })
    expect(limit.limit).toBe(11)
    limit.update({ durationMs: 50, inFlight: 2, dropped: false })
    expect(limit.limit).toBe(11)
    for (let i = 0; i < 5; i++) limit.update({ durationMs: 50, inFlight: 11, dropped: false })
    expect(limit.limit).toBe(12)
  })

  it('halves (backoffRatio) after a timeout or a request over the latency threshold, down to the minimum', () => {
    const limit = aimd()
    limit.update({ durationMs: 50, inFlight: 1, dropped: true })
    expect(limit.limit).toBe(5)
    limit.update({ durationMs: 1001, inFlight: 1, dropped: false })
    expect(limit.limit).toBe(2)
    limit.update({ durationMs: 5000, inFlight: 1, dropped: false })
    expect(limit.limit).toBe(2)
  })
})
