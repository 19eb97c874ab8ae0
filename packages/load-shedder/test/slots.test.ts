import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InFlightSlots, type Slot } from '../src/slots.js'

type Step =
  | { op: 'acquire'; expiresAt: number }
  | { op: 'release'; pick: number }
  | { op: 'reclaim'; now: number }

const step = fc.oneof(
  fc.record({ op: fc.constant('acquire' as const), expiresAt: fc.integer({ min: 0, max: 100 }) }),
  fc.record({ op: fc.constant('release' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('reclaim' as const), now: fc.integer({ min: 0, max: 100 }) }),
)

describe('InFlightSlots', () => {
  it('counts exactly the slots acquired and neither released nor expired, in any order of operations', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 200 }), (steps: Step[]) => {
        const slots = new InFlightSlots()
        const all: Slot[] = []
        const held = new Set<Slot>()
        let reclaimed = 0
        for (const s of steps) {
          if (s.op === 'acquire') {
            const slot: Slot = { expiresAt: 0, slotIndex: -1 }
            slots.acquire(slot, s.expiresAt)
            all.push(slot)
            held.add(slot)
          } else if (s.op === 'release' && all.length > 0) {
            // Any slot, held or not: releasing twice or after a reclaim must do nothing.
            const slot = all[s.pick % all.length] as Slot
            expect(slots.release(slot)).toBe(held.delete(slot))
          } else if (s.op === 'reclaim') {
            const expired = [...held].filter((slot) => slot.expiresAt <= s.now)
            for (const slot of expired) held.delete(slot)
            reclaimed += expired.length
            expect(slots.reclaimExpired(s.now)).toBe(expired.length)
          }
          expect(slots.count).toBe(held.size)
        }
        expect(slots.reclaimed).toBe(reclaimed)
      }),
    )
  })
})
