import type { Logger } from '@aws-lambda-powertools/logger'
import type { Metrics } from '@aws-lambda-powertools/metrics'
import {
  assertFormat,
  assertIntegration,
  assertKnownOptions,
  assertLogger,
  assertMetrics,
  assertNumber,
  assertOneOf,
  assertOptionTable,
  assertThrottleStatus,
  type ErrorFormat,
  GateproofOptionsError,
  type Integration,
  isErrorStatus,
  isObject,
  type LogLevel,
  type OptionCheck,
  setsNothing,
} from '@gateproof/core'
import { BUILT_IN_RULES } from './built-in-rules.js'
import { isErrorTypeName } from './map-error.js'
import type { ErrorRule } from './rule.js'

export const PACKAGE = '@gateproof/error-mapper'

/** Log level of the one line written per error, by status class. */
export interface LogLevels {
  /** Default `warn`. */
  '4xx'?: LogLevel
  /** Default `error`. */
  '5xx'?: LogLevel
}

export interface ErrorMapperOptions<I extends Integration = Integration> {
  /** Body format: `problem` (application/problem+json, default), `message`, or a formatter. */
  format?: ErrorFormat
  /** The front door, or `auto` (default) to detect it from each event. */
  integration?: I | 'auto'
  /** Your rules; they run before the built-in ones, first match wins. */
  rules?: readonly ErrorRule[]
  /** The built-in rules, to reorder, drop or extend them (default `BUILT_IN_RULES`). */
  builtInRules?: readonly ErrorRule[]
  /** Status for a dependency's throttle (AWS SDK throttling errors): 503 (default) or 429. */
  throttleStatus?: 429 | 503
  /** `Retry-After` on a 429/503 that brings no hint of its own, in seconds (default 1). */
  retryAfterSeconds?: number
  logLevels?: LogLevels
  /** `x-amzn-ErrorType` per status, over the built-in table. */
  errorTypes?: Readonly<Record<number, string>>
  /** Powertools Metrics: one `Error` EMF metric per error. */
  metrics?: Metrics
  /**
   * Powertools Logger: one structured line per failed request. Without one, a 5xx still
   * writes one JSON line to `console.error`; `false` silences that too.
   */
  logger?: Logger | false
  /**
   * Custom error types kept as the `ErrorType` metric dimension. Every distinct value is
   * a CloudWatch metric series, so a thrown error's own `errorType` counts as `Other`
   * unless it is built in, in `errorTypes`, a rule's static `errorType`, or listed here.
   */
  metricErrorTypes?: readonly string[]
}

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error']
const RULE_KEYS = ['name', 'match', 'map']
const MATCH_KEYS = ['instanceOf', 'name', 'code']
const MAPPING_KEYS = [
  'status',
  'errorType',
  'title',
  'detail',
  'expose',
  'headers',
  'retryAfterSeconds',
  'extensions',
]

export interface ResolvedOptions {
  format: ErrorFormat
  integration: Integration | 'auto'
  rules: readonly ErrorRule[]
  throttleStatus: 429 | 503
  retryAfterSeconds: number
  logLevels: Required<LogLevels>
  errorTypes: Readonly<Record<number, string>> | undefined
  metrics: Metrics | undefined
  logger: Logger | false | undefined
  /** Error types the `ErrorType` dimension keeps besides the built-in and status ones. */
  metricErrorTypes: ReadonlySet<string>
}

function fail(message: string, option: string): never {
  throw new GateproofOptionsError(PACKAGE, message, { option })
}

/** Checks every option once, when the middleware is built, and fills in the defaults. */
export function resolveOptions(options: ErrorMapperOptions): ResolvedOptions {
  // Options that set nothing (the preset's default) have nothing to check.
  if (!setsNothing(options, OPTION_KEYS)) {
    assertOptionTable(PACKAGE, options, checks(), undefined, OPTION_KEYS)
  }
  const allRules = [...(options.rules ?? []), ...(options.builtInRules ?? BUILT_IN_RULES)]
  const { logLevels } = options
  return {
    format: options.format ?? 'problem',
    integration: options.integration ?? 'auto',
    rules: Object.freeze(allRules),
    throttleStatus: options.throttleStatus ?? 503,
    retryAfterSeconds: options.retryAfterSeconds ?? 1,
    logLevels: { '4xx': logLevels?.['4xx'] ?? 'warn', '5xx': logLevels?.['5xx'] ?? 'error' },
    errorTypes: options.errorTypes,
    metrics: options.metrics,
    logger: options.logger,
    metricErrorTypes: metricErrorTypesOf(options.metricErrorTypes, allRules),
  }
}

const OPTION_KEYS = [
  'format',
  'integration',
  'rules',
  'builtInRules',
  'throttleStatus',
  'retryAfterSeconds',
  'logLevels',
  'errorTypes',
  'metrics',
  'logger',
  'metricErrorTypes',
] as const

/**
 * Every option's check, in the order they were checked before the table (issue 18: with
 * several options wrong, the same one is reported). Built only when options are checked:
 * built at import, the table would cost a cold start more than its code saves (issue 18).
 */
function checks(): Record<(typeof OPTION_KEYS)[number], OptionCheck> {
  return {
    format: assertFormat,
    integration: assertIntegration,
    throttleStatus: assertThrottleStatus,
    retryAfterSeconds: { min: 1, max: 86_400, integer: true },
    // `null` takes the default, as `undefined` does.
    rules: (_pkg, name, rules) => assertRules(name, rules ?? []),
    builtInRules: (_pkg, name, rules) => assertRules(name, rules ?? BUILT_IN_RULES),
    metrics: assertMetrics,
    logger: assertLogger,
    errorTypes: assertErrorTypes,
    logLevels: assertLogLevels,
    metricErrorTypes: (_pkg, name, listed) => {
      if (listed !== undefined && (!Array.isArray(listed) || !listed.every(isErrorTypeName))) {
        fail('option "metricErrorTypes" must be an array of error type names', name)
      }
    },
  }
}

/** The listed types plus every rule's static `errorType`: those are registered in options. */
function metricErrorTypesOf(
  listed: readonly string[] | undefined,
  rules: readonly ErrorRule[],
): ReadonlySet<string> {
  const types = new Set<string>(listed ?? [])
  for (const rule of rules) {
    if (isObject(rule.map) && isErrorTypeName(rule.map.errorType)) types.add(rule.map.errorType)
  }
  return types
}

/**
 * Rule lists already checked that nothing can change since: frozen lists of frozen rules,
 * such as `BUILT_IN_RULES`. Every `errorMapper()` (and every preset) in the process takes the
 * built-in rules, so they are checked at the first construction instead of at each one.
 */
const checkedForGood = new WeakSet<readonly unknown[]>()

function assertRules(option: string, rules: unknown): readonly ErrorRule[] {
  if (!Array.isArray(rules)) return fail(`option "${option}" must be an array of rules`, option)
  if (checkedForGood.has(rules)) return rules as ErrorRule[]
  for (const [index, rule] of rules.entries()) assertRule(`${option}[${index}]`, rule)
  if (rules.every(isFrozenRule) && Object.isFrozen(rules)) checkedForGood.add(rules)
  return rules as ErrorRule[]
}

/** A checked rule whose checked parts can no longer change. */
const isFrozenRule = (rule: ErrorRule): boolean =>
  Object.isFrozen(rule) &&
  (typeof rule.map === 'function' || Object.isFrozen(rule.map)) &&
  (typeof rule.match === 'function' ||
    (Object.isFrozen(rule.match) &&
      Object.values(rule.match).every(
        (value) => typeof value !== 'object' || value === null || Object.isFrozen(value),
      )))

/** A rule, matcher or mapping has no key outside `keys` (a typo would be ignored silently). */
function assertOnlyKeys(where: string, value: object, keys: readonly string[]): void {
  const unknownKey = Object.keys(value).find((key) => !keys.includes(key))
  if (unknownKey) fail(`${where} has an unknown key "${unknownKey}"`, where)
}

function assertRule(where: string, rule: unknown): void {
  if (!isObject(rule)) fail(`${where} must be an object { name, match, map }`, where)
  const { name, match, map } = rule as Record<string, unknown>
  assertOnlyKeys(where, rule as object, RULE_KEYS)
  if (typeof name !== 'string' || name.trim() === '') {
    fail(`${where}.name must be a non-empty string`, where)
  }
  if (typeof match !== 'function') assertMatcher(`${where}.match`, match)
  if (typeof map !== 'function') assertMapping(`${where}.map`, map)
}

function assertMatcher(where: string, match: unknown): void {
  if (!isObject(match)) fail(`${where} must be a predicate or { instanceOf?, name?, code? }`, where)
  assertOnlyKeys(where, match as object, MATCH_KEYS)
  if (Object.keys(match as object).length === 0)
    fail(`${where} needs at least one of instanceOf, name, code`, where)
  const { instanceOf, name, code } = match as Record<string, unknown>
  if (instanceOf !== undefined && typeof instanceOf !== 'function') {
    fail(`${where}.instanceOf must be a class`, where)
  }
  const isList = (value: unknown, item: (v: unknown) => boolean) =>
    item(value) || (Array.isArray(value) && value.length > 0 && value.every(item))
  if (name !== undefined && !isList(name, (v) => typeof v === 'string')) {
    fail(`${where}.name must be a string or a list of strings`, where)
  }
  const isCode = (v: unknown) => typeof v === 'string' || typeof v === 'number'
  if (code !== undefined && !isList(code, isCode)) {
    fail(`${where}.code must be a string, a number or a list of them`, where)
  }
}

function assertMapping(where: string, map: unknown): void {
  if (!isObject(map)) fail(`${where} must be a function or { status, … }`, where)
  const mapping = map as Record<string, unknown>
  assertOnlyKeys(where, mapping, MAPPING_KEYS)
  if (!isErrorStatus(mapping.status))
    fail(`${where}.status must be an integer from 400 to 599`, where)
  for (const key of ['errorType', 'title', 'detail']) {
    if (mapping[key] !== undefined && typeof mapping[key] !== 'string') {
      fail(`${where}.${key} must be a string`, where)
    }
  }
  if (mapping.errorType !== undefined && !isErrorTypeName(mapping.errorType)) {
    fail(`${where}.errorType must be an identifier such as "ConflictException"`, where)
  }
  if (mapping.expose !== undefined && typeof mapping.expose !== 'boolean') {
    fail(`${where}.expose must be a boolean`, where)
  }
  for (const key of ['headers', 'extensions']) {
    if (mapping[key] !== undefined && !isObject(mapping[key])) {
      fail(`${where}.${key} must be an object`, where)
    }
  }
  assertNumber(PACKAGE, `${where}.retryAfterSeconds`, mapping.retryAfterSeconds, { min: 0 })
}

function assertLogLevels(_pkg: string, _name: string, levels: unknown): void {
  if (levels === undefined) return
  if (!isObject(levels)) fail('option "logLevels" must be an object', 'logLevels')
  assertKnownOptions(PACKAGE, levels, ['4xx', '5xx'])
  assertOneOf(PACKAGE, 'logLevels.4xx', levels['4xx'], LOG_LEVELS)
  assertOneOf(PACKAGE, 'logLevels.5xx', levels['5xx'], LOG_LEVELS)
}

function assertErrorTypes(_pkg: string, _name: string, errorTypes: unknown): void {
  if (errorTypes === undefined) return
  if (!isObject(errorTypes)) fail('option "errorTypes" must be an object', 'errorTypes')
  for (const [status, errorType] of Object.entries(errorTypes)) {
    if (!isErrorStatus(Number(status))) {
      fail(
        `option "errorTypes" has a key "${status}" that is not a status from 400 to 599`,
        'errorTypes',
      )
    }
    if (!isErrorTypeName(errorType)) {
      fail(`option "errorTypes" must map ${status} to an error type name`, 'errorTypes')
    }
  }
}
