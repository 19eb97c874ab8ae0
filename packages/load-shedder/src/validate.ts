import { assertNestedOptions, assertNumber, GateproofOptionsError } from '@gateproof/core'
import { DEFAULT_PRIORITY_SHARES, PRIORITIES, type PriorityShares } from './limiter.js'

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
