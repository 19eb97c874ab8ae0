/** Where gateproof reads the time. Tests pass their own; `Date.now` follows fake timers too. */
export interface Clock {
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }

/**
 * One clock reading passed along (DESIGN: "one clock read passed along"). The preset's folded
 * `before` runs the guard's and the shedder's `before` back to back with no other code between
 * them; each part exposes, under this key, a `before` that takes the reading to decide on
 * instead of reading the clock again. Not part of any public type: only the preset calls it.
 */
export const WITH_READING: unique symbol = Symbol.for('gateproof.withReading')

/**
 * Marks a `before` middleware after which the request's last clock reading is still "now"
 * when it returns synchronously: it ran no code but gateproof's since the reading. The guard's
 * request loop then checks the deadline before the handler at that reading (`RequestGuard.reading`).
 */
export const ENDS_AT_READING: unique symbol = Symbol.for('gateproof.endsAtReading')
