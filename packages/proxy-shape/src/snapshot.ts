import { isBinary, put } from './values.js'

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
    const copy: Record<string, unknown> = {}
    for (const key in result) {
      if (!Object.hasOwn(result, key)) continue
      const value = result[key]
      put(
        copy,
        key,
        key === 'headers'
          ? copyMap(value, false)
          : key === 'multiValueHeaders'
            ? copyMap(value, true)
            : key === 'cookies' && Array.isArray(value)
              ? value.slice()
              : value,
      )
    }
    return copy
  } catch {
    return result
  }
}

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
  const copy: Record<string, unknown> = {}
  for (const name in value) {
    if (!Object.hasOwn(value, name)) continue
    const item = value[name]
    put(copy, name, lists && Array.isArray(item) ? item.slice() : item)
  }
  return copy
}
