import { hasSplittingChars, isValidStatus } from '@gateproof/core'
import type { ShapeProfile } from './profiles.js'
import { isSendableHeaderName } from './values.js'

const ownProperty = Object.prototype.hasOwnProperty

// Same bounds as size.ts: JSON escapes a character into at most 6 bytes, UTF-8 into at most 3.
const MAX_JSON_BYTES_PER_CHAR = 6
const JSON_BYTES_PER_ENTRY = 8
const JSON_SLACK_BYTES = 512
const MAX_UTF8_BYTES_PER_CHAR = 3
const DEFAULT_CONTENT_TYPE_LINE = 32

/**
 * The valid path, fast: `true` only for a response this front door accepts as it is,
 * in the shapes handlers usually build (an object literal with a numeric status,
 * string headers, a string body), with sizes bounded from string lengths. Anything
 * else, valid or not, answers `false` and gets the full walk in `inspect`, which has
 * the final word; this is a subset of its rules, never a second opinion.
 */
export function isPlainlyValid(result: unknown, profile: ShapeProfile): boolean {
  if (!isLiteral(result)) return false
  const {
    statusCode,
    statusDescription,
    headers,
    multiValueHeaders,
    cookies,
    body,
    isBase64Encoded,
  } = result
  let named = 0
  let chars = 0
  let entries = 0
  let headerChars = 0
  let longestLine = 0

  if (typeof statusCode === 'number') {
    if (!isValidStatus(statusCode)) return false
    named += 1
  } else if (statusCode !== undefined || !profile.defaultsStatus) {
    return false
  }

  if (statusDescription !== undefined) {
    if (!profile.statusDescription || typeof statusDescription !== 'string') return false
    if (hasSplittingChars(statusDescription)) return false
    chars += statusDescription.length
    named += 1
  }

  const layout = profile.headerLayout
  if (headers !== undefined) {
    if (layout === 'multi-required') return false
    if (headers === null) {
      if (!profile.acceptsNullHeaders) return false
    } else {
      if (!isLiteral(headers)) return false
      // Inherited keys are not sent, and dropping valid headers leaves a valid response:
      // no own-property check needed here (it would cost more than the rest of the loop).
      for (const name in headers) {
        const value = headers[name]
        if (typeof value !== 'string') return false
        // H3: a name that cannot be sent (CR, LF and NUL included) or a value with CR, LF or
        // NUL takes the full walk.
        if (!isSendableHeaderName(name) || hasSplittingChars(value)) return false
        const line = name.length + value.length + 4
        headerChars += line
        if (line > longestLine) longestLine = line
        entries += 1
      }
    }
    named += 1
  } else if (layout === 'single-required') {
    return false
  }

  if (multiValueHeaders !== undefined) {
    if (layout !== 'both' && layout !== 'multi-required') return false
    if (!isLiteral(multiValueHeaders)) return false
    for (const name in multiValueHeaders) {
      const values = multiValueHeaders[name]
      if (!Array.isArray(values) || !isSendableHeaderName(name)) return false
      for (let i = 0; i < values.length; i++) {
        const value: unknown = values[i]
        if (typeof value !== 'string' || hasSplittingChars(value)) return false
        const line = name.length + value.length + 4
        headerChars += line
        if (line > longestLine) longestLine = line
        entries += 1
      }
    }
    named += 1
  } else if (layout === 'multi-required') {
    return false
  }

  if (cookies !== undefined) {
    if (!profile.cookies || !Array.isArray(cookies)) return false
    for (let i = 0; i < cookies.length; i++) {
      const cookie: unknown = cookies[i]
      if (typeof cookie !== 'string' || hasSplittingChars(cookie)) return false
      chars += cookie.length
      entries += 1
    }
    named += 1
  }

  if (typeof body === 'string') {
    chars += body.length
    named += 1
  } else if (body !== undefined) {
    return false
  }

  // `true` needs the body checked as base64: the full walk does that.
  if (isBase64Encoded === false) named += 1
  else if (isBase64Encoded !== undefined || profile.requiresBase64Flag) return false

  // No other key, and every named one is the object's own (for…in also counts inherited keys).
  let keys = 0
  for (const key in result) {
    if (!ownProperty.call(result, key)) return false
    keys += 1
  }
  if (keys !== named) return false

  return (
    MAX_JSON_BYTES_PER_CHAR * (chars + headerChars) +
      JSON_BYTES_PER_ENTRY * entries +
      JSON_SLACK_BYTES <=
      profile.maxPayloadBytes &&
    MAX_UTF8_BYTES_PER_CHAR * headerChars + DEFAULT_CONTENT_TYPE_LINE <= profile.maxHeaderBytes &&
    MAX_UTF8_BYTES_PER_CHAR * longestLine <= profile.maxHeaderLineBytes
  )
}

/**
 * An object literal's kind: no class, bytes, boxed primitive or array (their
 * `constructor` differs), no `toJSON`. Cheaper than asking for the prototype.
 */
const isLiteral = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  (value as { constructor?: unknown }).constructor === Object &&
  typeof (value as { toJSON?: unknown }).toJSON !== 'function'
