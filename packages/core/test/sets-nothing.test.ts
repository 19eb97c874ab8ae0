import { setsNothing } from '@gateproof/core'
import { describe, expect, it } from 'vitest'

const KNOWN = ['integration', 'metrics', 'logger', 'format', 'marginMs']

describe('setsNothing (options with nothing to check skip the checks, issue 18)', () => {
  it('is true for no options, options left undefined and integration "auto"', () => {
    expect(setsNothing({}, KNOWN)).toBe(true)
    expect(setsNothing(Object.create(null), KNOWN)).toBe(true)
    expect(
      setsNothing(
        { integration: 'auto', metrics: undefined, logger: undefined, format: undefined },
        KNOWN,
      ),
    ).toBe(true)
  })

  it('is false as soon as an option is set, even to a default or a falsy value', () => {
    for (const options of [
      { marginMs: 0 },
      { marginMs: null },
      { format: 'problem' },
      { integration: 'rest' },
      { logger: false },
    ]) {
      expect(setsNothing(options, KNOWN)).toBe(false)
    }
  })

  it('is false for what the full checks must reject or read: unknown keys, non-objects, other prototypes', () => {
    expect(setsNothing({ marginMS: undefined }, KNOWN)).toBe(false)
    for (const options of [null, undefined, 'auto', 1, [], () => {}]) {
      expect(setsNothing(options, KNOWN)).toBe(false)
    }
    // An inherited option is read by the resolver, so it is checked too.
    expect(setsNothing(Object.create({ marginMs: -1 }), KNOWN)).toBe(false)
    expect(setsNothing(new (class Options {})(), KNOWN)).toBe(false)
  })
})
