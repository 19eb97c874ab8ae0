import fc from 'fast-check'
import type { Redis } from 'ioredis'
import { expect } from 'vitest'
import { resolveOptions } from '../../src/options.js'

/** A client the option resolver accepts; the scripts under test run on a real redis-server. */
export const stubClient = { evalsha: async () => null, eval: async () => null, zrem: async () => 0 }

/**
 * A script body that reads the time from a list the test sets (`test:time`), so two forms of a
 * decision run at the same instant. Matches `redis.call('TIME')` and a local `call('TIME')`.
 */
const TIME = "call('TIME')"
export function withTestTime(body: string): string {
  expect(body.split(TIME)).toHaveLength(2)
  return body.replace(TIME, "call('LRANGE', 'test:time', 0, 1)")
}

/** Sets the time `withTestTime` scripts read: `now` in µs, as `TIME` gives it. */
export async function setTestTime(admin: Redis, now: number): Promise<void> {
  await admin.del('test:time')
  await admin.rpush('test:time', Math.floor(now / 1e6), now % 1e6)
}

/** The resolved rules of a generated rule set, and its one rate rule. */
export function resolveRuleSet(set: {
  perSecond: number
  burst: number
  criticalReserve: number
  sheddableShare: number
}) {
  const { perSecond, burst, criticalReserve, sheddableShare } = set
  const resolved = resolveOptions({
    client: stubClient,
    rate: { perSecond, burst },
    criticalReserve,
    sheddableShare,
  })
  const rate = resolved.rules.rates[0]
  if (rate === undefined) throw new Error('no rate rule')
  return { ...resolved, rate }
}

/**
 * Time passed between two steps, in emission intervals of the rule: none, a few (the TAT just
 * ahead or behind), or long enough for any stored state to expire.
 */
export const gapInIntervals = fc.oneof(
  fc.constant(0),
  fc.double({ min: 0, max: 3, noNaN: true }),
  fc.double({ min: 0, max: 2_000_000, noNaN: true }),
)

/**
 * One rate rule, its priority shares and a start time in µs, with up to `maxSteps` of `step`:
 * the rule sets the script-equivalence properties generate, hostile rates included.
 */
export const rateRuleSets = <S>(step: fc.Arbitrary<S>, maxSteps: number) =>
  fc.record({
    perSecond: fc.oneof(
      fc.constantFrom(0.001, 0.1, 1, 3, 7, 10, 100, 1000, 1_000_000),
      fc.double({ min: 0.001, max: 1_000_000, noNaN: true }),
    ),
    burst: fc.oneof(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 1_000_000 })),
    criticalReserve: fc.constantFrom(0, 0.1, 0.5, 2),
    sheddableShare: fc.constantFrom(0.01, 0.5, 0.8, 1),
    startUs: fc.integer({ min: 1_700_000_000_000_000, max: 1_800_000_000_000_000 }),
    steps: fc.array(step, { minLength: 1, maxLength: maxSteps }),
  })

/**
 * The stored TAT and expiry after both forms of a decision (`MULTI` results ending in the two
 * GETs and two PTTLs of the test's keys): the same TAT, the same expiry within 5 ms.
 */
export function expectSameStoredState(results: unknown): void {
  const [, , [, firstTat], [, secondTat], [, firstTtl], [, secondTtl]] = results as [
    unknown,
    unknown,
    [null, string | null],
    [null, string | null],
    [null, number],
    [null, number],
  ]
  expect(secondTat).toBe(firstTat)
  if (firstTtl < 0) expect(secondTtl).toBe(firstTtl)
  else expect(Math.abs(secondTtl - firstTtl)).toBeLessThanOrEqual(5)
}
