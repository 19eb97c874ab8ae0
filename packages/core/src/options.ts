import { INTEGRATIONS, isObject } from './integration.js'

/**
 * Options are checked once, when a middleware is built, so a typo fails the
 * deployment's first cold start loudly instead of silently changing behaviour.
 */
export class GateproofOptionsError extends TypeError {
  constructor(pkg: string, message: string, data?: Record<string, unknown>) {
    super(`${pkg}: ${message}`, { cause: { package: pkg, data } })
    this.name = 'GateproofOptionsError'
  }
}

/** A value as a message shows it: strings quoted, everything else as it prints. */
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'function') return 'a function'
  if (Array.isArray(value)) return 'an array'
  if (value === null) return 'null'
  if (typeof value === 'object') return 'an object'
  return String(value)
}

const quoted = (names: readonly string[]): string => names.map((n) => `"${n}"`).join(', ')

/**
 * Whether `options` leaves every option unset: a plain object with no key outside `known`
 * whose `known` options all read `undefined`, or `'auto'` for `integration` (the default
 * spelled out, as the `gateproof()` preset passes it). Options that set nothing have nothing
 * to check, so a middleware built with them skips its checks, and the checking code is then
 * not even compiled: most of what building the default preset cost at a cold start (issue 18).
 * Anything else (an unknown key, a value, a class instance) is checked in full.
 */
export function setsNothing(options: unknown, known: readonly string[]): boolean {
  if (typeof options !== 'object' || options === null) return false
  const prototype = Object.getPrototypeOf(options)
  if (prototype !== Object.prototype && prototype !== null) return false
  for (const key of Object.keys(options)) if (!known.includes(key)) return false
  for (const key of known) {
    const value = (options as Record<string, unknown>)[key]
    if (value !== undefined && !(key === 'integration' && value === 'auto')) return false
  }
  return true
}

/** The options object is a plain object and has no key outside `known` (typos fail). */
export function assertKnownOptions(pkg: string, options: unknown, known: readonly string[]): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new GateproofOptionsError(pkg, `options must be an object, got ${describe(options)}`)
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new GateproofOptionsError(
        pkg,
        `unknown option "${key}"; expected one of ${quoted(known)}`,
        { option: key },
      )
    }
  }
}

function rangeText(min: number, max: number, integer: boolean): string {
  const kind = integer ? 'an integer' : 'a number'
  const hasMin = min !== Number.NEGATIVE_INFINITY
  const hasMax = max !== Number.POSITIVE_INFINITY
  if (hasMin && hasMax) return `${kind} from ${min} to ${max}`
  if (hasMin) return `${kind} ≥ ${min}`
  if (hasMax) return `${kind} ≤ ${max}`
  return kind
}

/** `value` is undefined or a number (not NaN) within `[min, max]`, an integer when asked. */
export function assertNumber(
  pkg: string,
  name: string,
  value: unknown,
  { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY, integer = false } = {},
): asserts value is number | undefined {
  if (value === undefined) return
  const ok =
    typeof value === 'number' &&
    !Number.isNaN(value) &&
    value >= min &&
    value <= max &&
    (!integer || Number.isInteger(value))
  if (!ok) {
    throw new GateproofOptionsError(
      pkg,
      `option "${name}" must be ${rangeText(min, max, integer)}, got ${describe(value)}`,
      { option: name },
    )
  }
}

/** `value` is undefined or one of `allowed`. */
export function assertOneOf<T extends string>(
  pkg: string,
  name: string,
  value: unknown,
  allowed: readonly T[],
): asserts value is T | undefined {
  if (value === undefined || allowed.includes(value as T)) return
  throw new GateproofOptionsError(
    pkg,
    `option "${name}" must be one of ${quoted(allowed)}, got ${describe(value)}`,
    { option: name },
  )
}

/** `value` is undefined or a function. */
export function assertFunction(pkg: string, name: string, value: unknown): void {
  if (value === undefined || typeof value === 'function') return
  throw new GateproofOptionsError(
    pkg,
    `option "${name}" must be a function, got ${describe(value)}`,
    { option: name },
  )
}

/** `value` is undefined or a boolean. */
export function assertBoolean(
  pkg: string,
  name: string,
  value: unknown,
): asserts value is boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return
  throw new GateproofOptionsError(
    pkg,
    `option "${name}" must be true or false, got ${describe(value)}`,
    { option: name },
  )
}

/** `value` is undefined, 429 or 503: the statuses a refusal or a throttle may answer with. */
export function assertThrottleStatus(pkg: string, name: string, value: unknown): void {
  if (value === undefined || value === 429 || value === 503) return
  throw new GateproofOptionsError(
    pkg,
    `option "${name}" must be 429 or 503, got ${String(value)}`,
    {
      option: name,
    },
  )
}

/** `value` is undefined, a formatter function, or one of the built-in body formats. */
export function assertFormat(pkg: string, name: string, value: unknown): void {
  if (typeof value !== 'function') assertOneOf(pkg, name, value, ['problem', 'message'])
}

/** `value` is undefined, `auto` or one of the five front doors. */
export function assertIntegration(pkg: string, name: string, value: unknown): void {
  assertOneOf(pkg, name, value, ['auto', ...INTEGRATIONS])
}

/** A check of one option: `(pkg, name, value)` throws a `GateproofOptionsError` when it fails. */
export type OptionAssertion = (pkg: string, name: string, value: unknown) => void

/** The range of a number option; `nullable` also accepts `null` (e.g. "no gateway timeout"). */
export interface NumberRange {
  min?: number
  max?: number
  integer?: boolean
  nullable?: boolean
}

/**
 * How one option is checked: by an assertion (`assertFunction`, `assertBoolean` or one of
 * its own), against the values it may take (an array), or as a number in a range.
 */
export type OptionCheck = OptionAssertion | readonly unknown[] | NumberRange

/** One check per known option, in the order the options are checked. */
export type OptionChecks = Readonly<Record<string, OptionCheck>>

/**
 * Checks options against a table instead of one call per option: a part's checks read as
 * data, in one place. An unknown key fails first (its message names `known`, by default the
 * table's keys), then each option in the table's order: with several options wrong, that
 * order decides which one is reported. Under a `parent` (`deadline: { … }`) the options must
 * be an object and are named with the parent's name (`deadline.maxKeys`).
 */
export function assertOptionTable(
  pkg: string,
  options: unknown,
  checks: OptionChecks,
  parent?: string,
  known: readonly string[] = Object.keys(checks),
): void {
  const names = Object.keys(checks)
  const prefix = parent === undefined ? '' : `${parent}.`
  if (parent === undefined) assertKnownOptions(pkg, options, known)
  else assertNestedOptions(pkg, parent, options, known)
  for (const name of names) {
    const check = checks[name]
    const value = (options as Record<string, unknown>)[name]
    if (typeof check === 'function') check(pkg, prefix + name, value)
    else if (Array.isArray(check)) assertOneOf(pkg, prefix + name, value, check)
    else if (value !== null || !(check as NumberRange).nullable) {
      assertNumber(pkg, prefix + name, value, check as NumberRange)
    }
  }
}

/**
 * A nested options object (`deadline: { … }`) is an object with known keys, named with their
 * parent in any error (`unknown option "deadline.floorMs"`).
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
