import { assertKnownOptions, assertNumber, GateproofOptionsError, isObject } from '@gateproof/core'
import { DEFAULT_PRIORITY_SHARES, PRIORITIES, type PriorityShares } from './limiter.js'

/**
 * Checks a nested options object (`deadline: { … }`): it must be an object with known keys,
 * named with their parent in any error (`unknown option "deadline.floorMs"`).
 */
export function assertNestedOptions(
  pkg: string,
  parent: string,
  value: unknown,
  known: readonly string[],
): void {
  if (!isObject(value)) {
    throw new GateproofOptionsError(pkg, `option "${parent}" must be an object`, { option: parent })
  }
  // Named with the parent so the message points at the nested key.
  const named = Object.fromEntries(Object.keys(value).map((key) => [`${parent}.${key}`, true]))
  assertKnownOptions(
    pkg,
    named,
    known.map((key) => `${parent}.${key}`),
  )
}

/** Shares are fractions of a limit, never more for a lower priority than for a higher one. */
export function assertShares(pkg: string, name: string, shares: unknown): void {
  if (shares === undefined) return
  assertNestedOptions(pkg, name, shares, PRIORITIES)
  const given = shares as Partial<Record<string, unknown>>
  for (const priority of PRIORITIES) {
    assertNumber(pkg, `${name}.${priority}`, given[priority], { min: Number.MIN_VALUE, max: 1 })
  }
  const resolved: PriorityShares = { ...DEFAULT_PRIORITY_SHARES, ...shares }
  if (!(resolved.critical >= resolved.normal && resolved.normal >= resolved.sheddable)) {
    throw new GateproofOptionsError(
      pkg,
      `option "${name}" must keep critical ≥ normal ≥ sheddable, got ${JSON.stringify(resolved)}`,
      { option: name },
    )
  }
}
