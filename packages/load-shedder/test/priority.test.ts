import { allowance, DEFAULT_PRIORITY_SHARES, PRIORITIES } from '@gateproof/load-shedder'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

describe('allowance: the share of a limit each priority may use', () => {
  it('gives sheddable 80 %, normal 95 % and critical 100 % of a limit by default', () => {
    expect(PRIORITIES.map((p) => allowance(100, p, DEFAULT_PRIORITY_SHARES))).toEqual([100, 95, 80])
    expect(PRIORITIES.map((p) => allowance(20, p, DEFAULT_PRIORITY_SHARES))).toEqual([20, 19, 16])
  })

  it('still admits every priority into a free limit of 1 (standard Lambda)', () => {
    expect(PRIORITIES.map((p) => allowance(1, p, DEFAULT_PRIORITY_SHARES))).toEqual([1, 1, 1])
  })

  it('is at least 1, at most the limit, and never more for a lower priority', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (limit) => {
        const [critical, normal, sheddable] = PRIORITIES.map((p) =>
          allowance(limit, p, DEFAULT_PRIORITY_SHARES),
        ) as [number, number, number]
        expect(critical).toBe(limit)
        expect(normal).toBeLessThanOrEqual(critical)
        expect(sheddable).toBeLessThanOrEqual(normal)
        expect(sheddable).toBeGreaterThanOrEqual(1)
      }),
    )
  })
})
