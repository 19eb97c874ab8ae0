import { isObject } from '@gateproof/core'

/** Values `JSON.stringify` leaves out of an object: Lambda never sends them. */
export const isAbsent = (value: unknown): boolean =>
  value === undefined || typeof value === 'function' || typeof value === 'symbol'

const ownProperty = Object.prototype.hasOwnProperty

/**
 * An own enumerable key, as `JSON.stringify` sees it. `for…in` plus this check walks an
 * object without allocating the array `Object.keys` would (this is the hot path).
 */
export const isOwn = (object: object, key: string): boolean => ownProperty.call(object, key)

// Visible ASCII but the colon: `!`–`9` and `;`–`~`.
const SENDABLE_NAME = /^[!-9;-~]+$/

/**
 * Names already found sendable, as core's `hasSplittingChars` keeps clean strings: a function
 * sends the same header names on every response, and a comparison with the last one, or a set
 * lookup, costs less than the regular expression (~200 instructions a response). Strings are
 * immutable, so membership is the test's answer; only sendable names enter (the last one starts
 * as one), and the set is emptied when full.
 */
const sendable = new Set<string>()
const MAX_SENDABLE_ENTRIES = 128
const MAX_SENDABLE_LENGTH = 256
let lastSendable = 'content-type'

/**
 * H3: a header name a front door can put on the wire as the header the handler meant. An empty
 * name, whitespace, a colon, a control character or a non-ASCII letter ends or splits the field
 * name (`a b: v`, `X-A: 1: v`, `: v`); the stream tap and the error renderer hold names to RFC
 * 9110 tokens, a subset of these.
 */
export function isSendableHeaderName(name: string): boolean {
  if (name === lastSendable) return true
  if (sendable.has(name)) {
    lastSendable = name
    return true
  }
  if (!SENDABLE_NAME.test(name)) return false
  if (name.length <= MAX_SENDABLE_LENGTH) {
    if (sendable.size >= MAX_SENDABLE_ENTRIES) sendable.clear()
    sendable.add(name)
  }
  lastSendable = name
  return true
}

export const isBinary = (value: unknown): value is ArrayBufferView | ArrayBuffer =>
  ArrayBuffer.isView(value) || value instanceof ArrayBuffer

export const hasToJSON = (value: object): boolean =>
  typeof (value as { toJSON?: unknown }).toJSON === 'function'

/** A string-keyed map (not bytes, not an array); `toJSON` is applied before this is asked. */
export const isMap = (value: unknown): value is Record<string, unknown> =>
  isObject(value) && !isBinary(value)

/** A boxed primitive as JSON serialises it: `new Number(1)` → `1`; anything else as it is. */
export function unboxed(value: object): unknown {
  // Object literals first: the common case, and cheaper to tell than by prototype.
  if ((value as { constructor?: unknown }).constructor === Object) return value
  if (value instanceof Number) return Number(value)
  if (value instanceof String) return String(value)
  if (value instanceof Boolean || value instanceof BigInt) return value.valueOf()
  return value
}

/**
 * A member as Lambda's `JSON.stringify` sees it: its `toJSON` applied, primitives
 * unboxed. What the front door receives is that, not the object the handler built.
 * Bytes are the exception: they are kept, to be sent as base64.
 */
export function jsonValue(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null) return value
  // Bytes stay bytes: their `toJSON` gives `{"type":"Buffer",…}`, which nobody means to send.
  if (isBinary(value)) return value
  const json = hasToJSON(value)
    ? (value as { toJSON: (key: string) => unknown }).toJSON(key)
    : value
  return typeof json === 'object' && json !== null ? unboxed(json) : json
}

export const toBase64 = (bytes: ArrayBufferView | ArrayBuffer): string =>
  (ArrayBuffer.isView(bytes)
    ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    : Buffer.from(bytes)
  ).toString('base64')

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/
const WHITESPACE = /\s+/g

/** What a front door that decodes `isBase64Encoded` bodies can decode (line breaks allowed). */
export function isBase64(text: string): boolean {
  const compact = text.replace(WHITESPACE, '')
  return compact.length % 4 === 0 && BASE64.test(compact)
}

/** The JSON Lambda would send, or `undefined` when it cannot serialise the value. */
export function serialise(value: unknown): string | undefined {
  try {
    return JSON.stringify(value)
  } catch {
    return undefined
  }
}

/** A short description of a value for a violation message: only short strings are quoted. */
export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (isBinary(value)) return 'bytes'
  switch (typeof value) {
    case 'string':
      return value.length <= 16 ? JSON.stringify(value) : 'a string'
    case 'number':
      return String(value)
    case 'object':
      return 'an object'
    default:
      return `a ${typeof value}`
  }
}
