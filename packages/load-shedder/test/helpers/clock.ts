import type { Clock } from '@gateproof/core'

export interface FakeClock extends Clock {
  advance(ms: number): void
}

/** A clock only the test moves. */
export function fakeClock(start = 1_767_225_600_000): FakeClock {
  let now = start
  return {
    now: () => now,
    advance(ms) {
      now += ms
    },
  }
}
