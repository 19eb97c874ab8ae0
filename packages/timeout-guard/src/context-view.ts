import { contextCopier } from './context-copy.js'
import type { DeadlineHandle, RequestGuard } from './request-guard.js'

/** The longest delay `setTimeout` honours; Node fires anything longer after 1 ms. */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1

const GUARD = Symbol.for('gateproof.timeout-guard')

/** Shared by every guard in the process: contexts are alike whichever guard sees them. */
const copyContext = contextCopier()

type RemainingTime = () => number

/**
 * The handler's context: a copy of the caller's, which stays unchanged, with its own
 * `getRemainingTimeInMillis()` counting down to the earlier of Lambda's and the gateway's
 * limits. Middy arms its early timeout from this function, so its timer fires at that
 * limit minus the margin, which is the deadline.
 *
 * A copy, not `Object.create(context)`: turning each invocation's fresh context into a
 * prototype costs V8 microseconds, more than the rest of the guard together. Lambda's
 * context is a plain object of values and closures, so a copy behaves the same; an accessor
 * such as `callbackWaitsForEmptyEventLoop` is copied as its value, which only
 * callback-style handlers (not Middy's) would notice. `copyContext` says why it is not
 * always a spread.
 */
export function contextView(original: object): Record<PropertyKey, unknown> {
  return copyContext(original)
}

/** A prototype not read: the context could not tell it (a Proxy whose trap throws). */
const UNREAD = Symbol('unread')

/** The context's prototype for `guardView`, or `UNREAD` when reading it throws. */
export function prototypeOf(original: object): unknown {
  try {
    return Object.getPrototypeOf(original)
  } catch {
    return UNREAD
  }
}

/**
 * Makes a `contextView` the request's: its own handle (even when the caller's context is the
 * view of an enclosing guard) and its countdown, set as own properties before the caller's
 * prototype (which may have accessors of those names) is put under them.
 */
export function guardView(
  view: Record<PropertyKey, unknown>,
  original: object,
  read: unknown,
  guard: RequestGuard,
  remainingTime: RemainingTime | undefined,
): object {
  view[GUARD] = guard.handle
  if (remainingTime !== undefined) view.getRemainingTimeInMillis = remainingTime
  // Read again to throw here, once the request's guard is stored: it keeps its deadline.
  const prototype = read === UNREAD ? Object.getPrototypeOf(original) : read
  if (prototype !== Object.prototype && typeof prototype === 'object') {
    Object.setPrototypeOf(view, prototype)
  }
  return view
}

/** The deadline of a context made by `contextView`. */
export const deadlineOfContext = (context: unknown): DeadlineHandle | undefined =>
  typeof context === 'object' && context !== null
    ? ((context as Record<symbol, unknown>)[GUARD] as DeadlineHandle | undefined)
    : undefined

/** Milliseconds until `min(Lambda, gateway)` at `now`, as an integer `setTimeout` accepts. */
export function untilLimit(guard: RequestGuard, now: number = Date.now()): number {
  return timerDelay(Math.floor(guard.deadline.at - now + guard.deadline.marginMs))
}

/** A delay `setTimeout` honours as given: at most 2³¹−1 ms, never negative. */
export const timerDelay = (ms: number): number => Math.min(MAX_TIMER_DELAY_MS, Math.max(0, ms))

/** Whether the caller's context counts down (read before the deadline's clock reading). */
export const countsDown = (original: object): boolean =>
  typeof (original as { getRemainingTimeInMillis?: unknown }).getRemainingTimeInMillis ===
  'function'

/** Whether the request needs a `getRemainingTimeInMillis` of the guard's own. */
export const hasLimit = (guard: RequestGuard, countingDown: boolean): boolean =>
  Number.isFinite(guard.deadline.at) || countingDown

/** Swaps the view's countdown once Middy has captured the one it arms its timer from. */
export function replaceRemainingTime(
  view: { getRemainingTimeInMillis?: RemainingTime },
  remainingTime: RemainingTime,
): void {
  view.getRemainingTimeInMillis = remainingTime
}
