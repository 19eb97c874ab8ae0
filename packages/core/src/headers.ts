import { hasSplittingChars } from './header-rules.js'
import { isObject } from './integration.js'
import { readThrownField } from './thrown.js'

/**
 * Header maps are read by their own keys only: `constructor`, `toString` or `__proto__`
 * must not find `Object.prototype`'s members (H4).
 */
const hasOwn = (object: object, key: string): boolean => Object.hasOwn(object, key)

/** Case-insensitive header lookup; `headers` may be anything a handler returned. */
export function getHeader(headers: unknown, name: string): unknown {
  if (!isObject(headers)) return undefined
  if (hasOwn(headers, name)) return headers[name]
  const lower = name.toLowerCase()
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === lower) return headers[key]
  }
  return undefined
}

/** The key under which `name` is stored, whatever its casing, if present. */
export function findHeaderKey(headers: Record<string, unknown>, name: string): string | undefined {
  if (hasOwn(headers, name)) return name
  const lower = name.toLowerCase()
  return Object.keys(headers).find((key) => key.toLowerCase() === lower)
}

/** Sets a header in place, replacing any entry of the same name in another casing. */
export function setHeader(headers: Record<string, unknown>, name: string, value: unknown): void {
  const existing = findHeaderKey(headers, name)
  if (existing !== undefined && existing !== name) delete headers[existing]
  setOwnEntry(headers, name, value)
}

/** Sets one own entry of a plain object, `__proto__` included. */
export function setOwnEntry(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    // Assignment would set the prototype (or do nothing): define it as the own key it is.
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    })
  } else {
    target[key] = value
  }
}

/** RFC 9110 `token`: what a header name may contain. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

export const isValidHeaderName = (name: string): boolean => HEADER_NAME.test(name)

// CR and LF would split the response (header injection); other C0/C1 controls and DEL are
// invalid in a field value (RFC 9110 §5.5), and U+2028/U+2029 end a line for some parsers.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE_IN_VALUE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]+/g
// The same class, to ask only whether there is any: a global `replace` costs several times a
// `test` even when it finds nothing, and most values (every one gateproof writes) are clean.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const HAS_UNSAFE_IN_VALUE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/

/**
 * Whether `value` holds a character `sanitizeHeaderValue` would remove, wherever it is:
 * a CR/LF at either end is trimmed away too, so comparing with the trimmed value misses it.
 */
export const hasUnsafeHeaderChars = (value: string): boolean => HAS_UNSAFE_IN_VALUE.test(value)

/** A header value that can never split or corrupt a response. */
export const sanitizeHeaderValue = (value: string): string =>
  (HAS_UNSAFE_IN_VALUE.test(value) ? value.replace(UNSAFE_IN_VALUE, ' ') : value).trim()

/** A header value as text: strings, numbers and booleans as they print, arrays comma-joined. */
function headerText(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value)
  }
  if (Array.isArray(value)) {
    const items = value.map(headerText).filter((item) => item !== undefined)
    return items.length > 0 ? items.join(', ') : undefined
  }
  return undefined
}

/**
 * Merges header maps left to right into a new object: later names replace earlier
 * ones case-insensitively; invalid names, values that are not text (nullish, objects)
 * and values holding CR, LF or NUL (H3: a split response, never a repaired one) are
 * dropped; other control characters become spaces.
 */
export function mergeHeaders(
  ...sources: Array<Record<string, unknown> | null | undefined>
): Record<string, string> {
  const merged: Record<string, string> = {}
  // The names in `merged`, lower-cased: one name per header whatever its casing (as
  // `setHeader` keeps it), found without lower-casing every key again for each new one.
  const lowerNames: string[] = []
  const names: string[] = []
  for (const source of sources) {
    if (!source) continue
    // A thrown error's `headers` may be a Proxy or have throwing getters: read it safely.
    const keys = safeKeys(source)
    for (const name of keys) {
      const text = headerText(readThrownField(source, name))
      if (text === undefined || !isValidHeaderName(name) || hasSplittingChars(text)) continue
      const lower = name.toLowerCase()
      const index = lowerNames.indexOf(lower)
      if (index === -1) {
        lowerNames.push(lower)
        names.push(name)
      } else {
        const existing = names[index] as string
        if (existing !== name) delete merged[existing]
        names[index] = name
      }
      setOwnEntry(merged, name, sanitizeHeaderValue(text))
    }
  }
  return merged
}

/** Own enumerable keys, read without trusting the map (a Proxy whose `ownKeys` throws). */
function safeKeys(source: object): string[] {
  try {
    return Object.keys(source)
  } catch {
    return []
  }
}
