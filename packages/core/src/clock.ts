import type { RequestState } from './request-state.js'

/** Where gateproof reads the time. Tests pass their own; `Date.now` follows fake timers too. */
export interface Clock {
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }

/**
 * `Date.now()` for a part's `before` hook, or the reading the previous part of the same request
 * took, when nothing but gateproof's own bookkeeping ran since: one clock reading passed along
 * instead of one per part (each costs a call into the runtime, ~50 ns).
 *
 * Readings are shared only while the timeout guard's execution mode watches the request
 * (`state.sharesClock`): it forgets the reading before any middleware that is not marked
 * `keepsClock` runs, when a middleware returns a promise, and before the handler starts. So a
 * reading is never reused across someone else's code or an await, and with fake timers the
 * value is the one a fresh reading would give. Parts on their own, or in any order, read the
 * clock as before.
 */
export function requestNow(state: RequestState): number {
  const reading = state.clockReading
  if (!Number.isNaN(reading)) return reading
  const now = Date.now()
  if (state.sharesClock) state.clockReading = now
  return now
}

/** Someone else's code is about to run: the next part reads the clock again. */
export function forgetClockReading(state: RequestState): void {
  state.clockReading = Number.NaN
}

/** Marks a gateproof `before` middleware that runs no code but gateproof's own. */
export const KEEPS_CLOCK: unique symbol = Symbol.for('gateproof.keeps-clock')

/** Marks `middleware` as running only gateproof's own synchronous bookkeeping (see `requestNow`). */
export function keepsClock<T extends object>(middleware: T): T {
  ;(middleware as { [KEEPS_CLOCK]?: boolean })[KEEPS_CLOCK] = true
  return middleware
}
