import { setOwnEntry } from '@gateproof/core'
import { isBinary } from './values.js'

/**
 * H9: the response is judged once. A getter (or a Proxy) on the handler's result can give
 * one value when proxy-shape reads it and another when Lambda serialises it, so a response
 * that was valid when checked is not the one sent. proxy-shape copies the plain parts of a
 * response — its own keys, `headers`, `multiValueHeaders` (each list) and `cookies` — once,
 * judges the copy, and sends the copy.
 *
 * Only plain objects are copied: bytes, arrays, class instances and values with `toJSON`
 * are judged as they are (the rule engine applies `toJSON` itself). A value that throws
 * while being copied is returned as it is, for the rule engine to report.
 */
export function snapshot(result: unknown): unknown {
  if (!isPlainRecord(result)) return result
  try {
    // A spread reads each own enumerable property once and defines it on the copy as data
    // (never through a setter, `__proto__` included), like a key-by-key copy, but V8 clones a
    // plain literal's layout in one step instead of adding keys one by one: the copy is on
    // every response's path. Symbol keys come along too; nothing reads or serialises them.
    const copy: Record<string, unknown> = { ...result }
    // The copy holds data properties only, so a read is all a value costs (an own `undefined`
    // would copy as itself). A value found is the copy's own unless Object.prototype, the
    // copy's prototype, has the key too: only then is `Object.hasOwn`, a call V8 does not
    // inline (~100 instructions), asked.
    if (copy.headers !== undefined && isOwn(copy, 'headers')) {
      copy.headers = copyMap(copy.headers, false)
    }
    if (copy.multiValueHeaders !== undefined && isOwn(copy, 'multiValueHeaders')) {
      copy.multiValueHeaders = copyMap(copy.multiValueHeaders, true)
    }
    if (Array.isArray(copy.cookies) && isOwn(copy, 'cookies')) {
      copy.cookies = copy.cookies.slice()
    }
    return copy
  } catch {
    return result
  }
}

/** Whether a spread copy's `key`, found on it, is its own (its prototype is Object.prototype). */
const isOwn = (copy: Record<string, unknown>, key: string): boolean =>
  !(key in Object.prototype) || Object.hasOwn(copy, key)

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || isBinary(value)) {
    return false
  }
  const prototype: unknown = Object.getPrototypeOf(value)
  if (prototype !== Object.prototype && prototype !== null) return false
  return typeof (value as { toJSON?: unknown }).toJSON !== 'function'
}

function copyMap(value: unknown, lists: boolean): unknown {
  if (!isPlainRecord(value)) return value
  if (!lists) return { ...value }
  const copy: Record<string, unknown> = {}
  for (const name in value) {
    if (!Object.hasOwn(value, name)) continue
    const item = value[name]
    setOwnEntry(copy, name, Array.isArray(item) ? item.slice() : item)
  }
  return copy
}
