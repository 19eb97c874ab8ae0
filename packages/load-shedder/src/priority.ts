import {
  DEFAULT_PRIORITY_SHARES,
  PRIORITIES,
  type Priority,
  type PriorityShares,
} from './limiter.js'

// Guards `Math.floor` against float products such as 0.95 × 20 = 18.999….
const EPSILON = 1e-9

/**
 * How much of a limit a priority may use: the first `⌊limit × share⌋` units, at least one,
 * so a limit of 1 (standard Lambda) still admits every priority when it is free.
 */
export const allowance = (limit: number, priority: Priority, shares: PriorityShares): number =>
  Math.max(1, Math.floor(limit * shares[priority] + EPSILON))

export const isPriority = (value: unknown): value is Priority =>
  typeof value === 'string' && (PRIORITIES as readonly string[]).includes(value)

/** Fills in the default shares for the priorities an option leaves out. */
export const resolveShares = (shares: Partial<PriorityShares> | undefined): PriorityShares => ({
  ...DEFAULT_PRIORITY_SHARES,
  ...shares,
})
