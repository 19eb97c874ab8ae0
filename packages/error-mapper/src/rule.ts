import type { Integration } from '@gateproof/core'

/** What a rule knows besides the thrown value. */
export interface RuleContext {
  /** The front door that sent the event, if known. */
  integration: Integration | undefined
  /** Status for a dependency's throttle: 503 (default) or 429. */
  throttleStatus: 429 | 503
  /** `Retry-After` for 429/503 answers that carry no hint of their own. */
  retryAfterSeconds: number
}

/**
 * How a matched error is answered. Only `status` is required; the rest defaults
 * from the status (`title`, `errorType`) or from the thrown error (`detail`).
 */
export interface ErrorMapping {
  /** 400–599. */
  status: number
  /** `x-amzn-ErrorType` and the body's `errorType`; defaults to the status table. */
  errorType?: string
  /** Defaults to the status's reason phrase. */
  title?: string
  /** Text for the client, written by the rule (never the thrown message of a 5xx). */
  detail?: string
  /**
   * Whether `detail` and `extensions` reach the client; defaults to `status < 500`.
   * An exposed 4xx without `detail` shows the thrown error's message.
   */
  expose?: boolean
  /** Extra response headers (sanitised; the contract's own headers win). */
  headers?: Record<string, string>
  /** Rendered as `Retry-After` (whole seconds, at least 1). */
  retryAfterSeconds?: number
  /** Extra members of the body when exposed, e.g. `errors` for field-level validation issues. */
  extensions?: Record<string, unknown>
}

/** A class whose instances a rule matches (`instanceof`). */
// biome-ignore lint/suspicious/noExplicitAny: any constructor signature must be accepted
export type ErrorClass = abstract new (...args: any[]) => unknown

/**
 * Which thrown values a rule takes: a predicate, or an object whose given keys
 * must all match (`instanceOf` a class, `name` and `code` exactly or one of a list).
 */
export type RuleMatcher =
  | ((error: unknown, context: RuleContext) => boolean)
  | {
      instanceOf?: ErrorClass
      name?: string | readonly string[]
      code?: string | number | readonly (string | number)[]
    }

export interface ErrorRule {
  /** Appears in the log line as `rule`; built-in names are listed in the README. */
  name: string
  match: RuleMatcher
  map: ErrorMapping | ((error: unknown, context: RuleContext) => ErrorMapping)
}

const oneOf = (value: unknown, expected: unknown): boolean =>
  Array.isArray(expected) ? expected.includes(value) : value === expected

/**
 * Whether `rule` takes `error`. A matcher that throws (a hostile getter, a
 * revoked proxy) does not match: the next rule gets its chance.
 */
export function ruleMatches(rule: ErrorRule, error: unknown, context: RuleContext): boolean {
  try {
    const { match } = rule
    if (typeof match === 'function') return match(error, context) === true
    if (typeof error !== 'object' || error === null) return false
    const candidate = error as { name?: unknown; code?: unknown }
    if (match.instanceOf !== undefined && !(error instanceof match.instanceOf)) return false
    if (match.name !== undefined && !oneOf(candidate.name, match.name)) return false
    if (match.code !== undefined && !oneOf(candidate.code, match.code)) return false
    return true
  } catch {
    return false
  }
}

/** The mapping of a matched rule (a map function may throw; the caller decides what then). */
export const ruleMapping = (rule: ErrorRule, error: unknown, context: RuleContext): unknown =>
  typeof rule.map === 'function' ? rule.map(error, context) : rule.map
