/** Why an authorizer output is not one API Gateway accepts; bounded, used as a metric dimension. */
export type ViolationRule =
  | 'unreadable'
  | 'not-an-object'
  | 'proxy-response'
  | 'wrong-format'
  | 'principal-id'
  | 'policy-document'
  | 'policy-version'
  | 'statement-not-array'
  | 'statement-empty'
  | 'statement-invalid'
  | 'effect'
  | 'action'
  | 'resource'
  | 'resource-too-long'
  | 'context-not-object'
  | 'context-nested'
  | 'context-null'
  | 'context-value'
  | 'usage-identifier-key'
  | 'is-authorized'

export interface Violation {
  /** Where in the output, e.g. `$.policyDocument.Statement[0].Effect`. Never a value. */
  path: string
  rule: ViolationRule
  /** The gateway-facts row that says what API Gateway does with it. */
  row: string
  /** Whether repair mode has one safe fix for it. */
  fixable: boolean
  /** What is wrong, in words; names types, never the output's values (they may be secrets). */
  message: string
}

/** A finding that changes nothing but deserves a log line (AZ25). */
export interface Warning {
  rule: 'cache-narrow-resource'
  row: 'AZ25'
  message: string
}

/** The type of a value as a message may name it, without the value itself. */
export function kindOf(value: unknown): string {
  if (value === undefined) return 'missing'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  return `a ${typeof value}`
}
