import {
  assertBoolean,
  assertFunction,
  assertKnownOptions,
  assertNumber,
  assertOneOf,
  assertOptionTable,
  GateproofOptionsError,
  type OptionChecks,
} from '@gateproof/core'
import { describe, expect, it } from 'vitest'

const PKG = '@gateproof/load-shedder'

describe('assertKnownOptions', () => {
  it('accepts an object whose keys are all known', () => {
    expect(() =>
      assertKnownOptions(PKG, { maxInFlight: 1 }, ['maxInFlight', 'dryRun']),
    ).not.toThrow()
    expect(() => assertKnownOptions(PKG, {}, [])).not.toThrow()
  })

  it('names the unknown option and the ones expected', () => {
    expect(() => assertKnownOptions(PKG, { maxInflight: 1 }, ['maxInFlight', 'dryRun'])).toThrow(
      `${PKG}: unknown option "maxInflight"; expected one of "maxInFlight", "dryRun"`,
    )
  })

  it('rejects options that are not an object', () => {
    for (const [options, shown] of [
      [null, 'null'],
      ['fast', '"fast"'],
      [[1], 'an array'],
      [7, '7'],
    ] as const) {
      expect(() => assertKnownOptions(PKG, options, [])).toThrow(
        `${PKG}: options must be an object, got ${shown}`,
      )
    }
  })

  it('throws a TypeError subclass with the package and option in its cause', () => {
    try {
      assertKnownOptions(PKG, { typo: true }, ['known'])
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(TypeError)
      expect(error).toBeInstanceOf(GateproofOptionsError)
      expect(error).toMatchObject({
        name: 'GateproofOptionsError',
        cause: { package: PKG, data: { option: 'typo' } },
      })
    }
  })
})

describe('assertNumber', () => {
  it('accepts undefined and numbers in range', () => {
    expect(() => assertNumber(PKG, 'marginMs', undefined, { min: 0 })).not.toThrow()
    expect(() => assertNumber(PKG, 'marginMs', 0, { min: 0 })).not.toThrow()
    expect(() => assertNumber(PKG, 'ratio', 0.5, { min: 0, max: 1 })).not.toThrow()
    expect(() => assertNumber(PKG, 'limit', Number.POSITIVE_INFINITY, { min: 1 })).not.toThrow()
  })

  it.each([
    ['below the minimum', -1, { min: 0 }, 'option "marginMs" must be a number ≥ 0, got -1'],
    [
      'above the maximum',
      2,
      { min: 0, max: 1 },
      'option "marginMs" must be a number from 0 to 1, got 2',
    ],
    [
      'not an integer',
      1.5,
      { min: 1, integer: true },
      'option "marginMs" must be an integer ≥ 1, got 1.5',
    ],
    ['NaN', Number.NaN, {}, 'option "marginMs" must be a number, got NaN'],
    [
      'a numeric string',
      '500',
      { max: 1000 },
      'option "marginMs" must be a number ≤ 1000, got "500"',
    ],
    ['null', null, {}, 'option "marginMs" must be a number, got null'],
  ])('rejects %s with a clear message', (_what, value, range, message) => {
    expect(() => assertNumber(PKG, 'marginMs', value, range)).toThrow(`${PKG}: ${message}`)
  })
})

describe('assertOneOf', () => {
  it('accepts undefined and the allowed values', () => {
    expect(() => assertOneOf(PKG, 'status', undefined, ['429', '503'])).not.toThrow()
    expect(() => assertOneOf(PKG, 'mode', 'strict', ['strict', 'repair'])).not.toThrow()
  })

  it('lists the allowed values', () => {
    expect(() => assertOneOf(PKG, 'mode', 'lenient', ['strict', 'repair'])).toThrow(
      `${PKG}: option "mode" must be one of "strict", "repair", got "lenient"`,
    )
    expect(() => assertOneOf(PKG, 'mode', () => 'strict', ['strict'])).toThrow(
      `${PKG}: option "mode" must be one of "strict", got a function`,
    )
  })
})

describe('assertFunction and assertBoolean', () => {
  it('accept undefined and values of their type', () => {
    expect(() => assertFunction(PKG, 'format', undefined)).not.toThrow()
    expect(() => assertFunction(PKG, 'format', () => ({}))).not.toThrow()
    expect(() => assertBoolean(PKG, 'dryRun', undefined)).not.toThrow()
    expect(() => assertBoolean(PKG, 'dryRun', false)).not.toThrow()
  })

  it('say what they expected and what they got', () => {
    expect(() => assertFunction(PKG, 'format', 'problem')).toThrow(
      `${PKG}: option "format" must be a function, got "problem"`,
    )
    expect(() => assertBoolean(PKG, 'dryRun', 'yes')).toThrow(
      `${PKG}: option "dryRun" must be true or false, got "yes"`,
    )
    expect(() => assertBoolean(PKG, 'dryRun', { on: true })).toThrow(
      `${PKG}: option "dryRun" must be true or false, got an object`,
    )
  })
})

describe('assertOptionTable', () => {
  const checks: OptionChecks = {
    mode: ['strict', 'repair'],
    dryRun: assertBoolean,
    timeoutMs: { min: 1, integer: true, nullable: true },
    policy: (pkg, name, value) => {
      if (value !== undefined) {
        assertOptionTable(pkg, value, { maxKeys: { min: 1 }, predict: assertBoolean }, name)
      }
    },
  }

  it('accepts unset and valid options, and null where a range allows it', () => {
    expect(() => assertOptionTable(PKG, {}, checks)).not.toThrow()
    const valid = { mode: 'strict', dryRun: true, timeoutMs: null, policy: { maxKeys: 5 } }
    expect(() => assertOptionTable(PKG, valid, checks)).not.toThrow()
  })

  it("fails an unknown key first, naming the table's keys in order", () => {
    expect(() => assertOptionTable(PKG, { mode: 'lenient', typo: 1 }, checks)).toThrow(
      `${PKG}: unknown option "typo"; expected one of "mode", "dryRun", "timeoutMs", "policy"`,
    )
  })

  it('checks each option as its entry says', () => {
    expect(() => assertOptionTable(PKG, { mode: 'lenient' }, checks)).toThrow(
      `${PKG}: option "mode" must be one of "strict", "repair", got "lenient"`,
    )
    expect(() => assertOptionTable(PKG, { dryRun: 1 }, checks)).toThrow(
      `${PKG}: option "dryRun" must be true or false, got 1`,
    )
    expect(() => assertOptionTable(PKG, { timeoutMs: 1.5 }, checks)).toThrow(
      `${PKG}: option "timeoutMs" must be an integer ≥ 1, got 1.5`,
    )
  })

  it('names nested options with their parent', () => {
    expect(() => assertOptionTable(PKG, { policy: 7 }, checks)).toThrow(
      `${PKG}: option "policy" must be an object`,
    )
    expect(() => assertOptionTable(PKG, { policy: { max: 1 } }, checks)).toThrow(
      `${PKG}: unknown option "policy.max"; expected one of "policy.maxKeys", "policy.predict"`,
    )
    expect(() => assertOptionTable(PKG, { policy: { maxKeys: 0 } }, checks)).toThrow(
      `${PKG}: option "policy.maxKeys" must be a number ≥ 1, got 0`,
    )
  })
})
