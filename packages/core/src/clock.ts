/** Where gateproof reads the time. Tests pass their own; `Date.now` follows fake timers too. */
export interface Clock {
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }
