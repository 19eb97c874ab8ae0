/**
 * Every rule a response can break. The list is closed so that `Violation` stays a
 * bounded metric dimension.
 */
export const VIOLATION_RULES = [
  /** `undefined`/`null` where the front door needs an object (R7, A4). */
  'empty-result',
  /** A value that is not a response where the front door does not infer one (R7, R6, A4). */
  'not-a-response',
  /** Bytes returned as the whole result. */
  'binary-result',
  /** Lambda cannot serialise it: circular, BigInt, a throwing `toJSON` (§2.1). */
  'unserializable',
  /** `statusCode` beside non-response keys and no `body` (H2-3). */
  'payload-outside-body',
  /** No `statusCode` where the front door requires one (H1-2, A4). */
  'status-missing',
  /** An integer string where the front door is only known to accept a number (H2-8). */
  'status-string',
  /** Not an integer from 100 to 599 (R5, R24). */
  'status-invalid',
  /** A top-level key the front door rejects (R6) or ignores (H1-3, H2-3). */
  'unknown-key',
  /** A header field this front door does not read (A2, H2-6). */
  'header-field',
  /** `headers` missing where required (A4), `null` where not known to be accepted (R9), or not a map. */
  'headers-type',
  /** A header value that is not a string (R8, R10, R11, A8). */
  'header-value',
  /** `multiValueHeaders` that is not a map. */
  'multi-value-headers-type',
  /** A `multiValueHeaders` value that is not an array of strings (R12). */
  'multi-value-header-value',
  /** `cookies` that is not an array of strings (H2-5). */
  'cookies-type',
  /** A `body` that is not a string (R17, R18, H2-9, U7). */
  'body-type',
  /** Bytes as the `body`. */
  'body-binary',
  /** `isBase64Encoded: true` on a body that is not base64 (R21, H1-4, H2-7). */
  'body-base64',
  /** `isBase64Encoded` missing where required (A4) or not a boolean. */
  'base64-flag',
  /** An ALB `statusDescription` that is not a string (A1). */
  'status-description',
  /** Over Lambda's 6 MB response limit, or ALB's 1 MB (§2.1, A5). */
  'payload-size',
  /** Over REST's 10 240-byte header budget or ALB's header limits (§6.4, A7). */
  'header-size',
  /** A thrown error nothing rendered: the front door's own 502/500 (§2.1). */
  'unhandled-error',
  /**
   * CR, LF or NUL in a header name or value, a `multiValueHeaders` entry, a cookie or ALB's
   * `statusDescription` (H3): response splitting where a front door forwards them, a
   * malformed response where it does not. Repair removes the header, entry or cookie.
   */
  'control-characters',
] as const

export type ViolationRule = (typeof VIOLATION_RULES)[number]

export interface Violation {
  /** JSON path of the offending value, e.g. `$.headers["Content-Length"]`. */
  path: string
  rule: ViolationRule
  message: string
}

export interface ValidationResult {
  valid: boolean
  violations: Violation[]
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/

/** `$.key` for identifiers, `$["key"]` for anything else (header names have dashes). */
export const memberPath = (parent: string, key: string): string =>
  IDENTIFIER.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`

export const indexPath = (parent: string, index: number): string => `${parent}[${index}]`
