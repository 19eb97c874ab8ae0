import { setOwnEntry } from '@gateproof/core'
import { isBinary } from './values.js'

/**
 * H9: the response is judged once. A getter (or a Proxy) on the handler's result can give
 * one value when proxy-shape reads it and another when Lambda serialises it, so a response
 * that was valid when checked is not the one sent. proxy-shape copies the plain parts of a
 * response — its own keys, `headers`, `multiValueHeaders` (each list) and `cookies` — once,
 * judges the copy, and sends the copy.
 *
 * Only plain objects are copied: bytes, arrays and class instances are judged as they are.
 * A `toJSON` of the result, of `headers`/`multiValueHeaders` or of `body` is asked once, like
 * a getter is read once: what it answered is judged and sent (see `answerOf`). A value that
 * throws while being copied is returned as it is, for the rule engine to report.
 */
export function snapshot(result: unknown): unknown {
  if (!isPlainRecord(result)) return snapshotOfAnswer(result)
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
      copy.headers = copyMap(copy.headers, false, 'headers')
    }
    if (copy.multiValueHeaders !== undefined && isOwn(copy, 'multiValueHeaders')) {
      copy.multiValueHeaders = copyMap(copy.multiValueHeaders, true, 'multiValueHeaders')
    }
    // A string body (the usual one) is decided by its `typeof` alone.
    if (typeof copy.body === 'object' && copy.body !== null && isOwn(copy, 'body')) {
      copy.body = answerOf(copy.body, 'body')
    }
    if (Array.isArray(copy.cookies) && isOwn(copy, 'cookies')) {
      copy.cookies = copyCookies(copy.cookies)
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

function copyMap(value: unknown, lists: boolean, key: string): unknown {
  if (!isPlainRecord(value)) return copyMapOfAnswer(value, lists, key)
  if (!lists) return { ...value }
  return copyLists(value)
}

// The rare paths out of line: with them in `snapshot` and `copyMap`, proxy-shape's `after`
// (which inlines both) ran out of TurboFan's inlining budget before `isPlainRecord`, asked of
// every response and its headers (~120 instructions a response).

/** The snapshot of what a result that is no plain record answers (its `toJSON`, asked once). */
function snapshotOfAnswer(result: unknown): unknown {
  const answer = answerOf(result, '')
  return answer === result || !isPlainRecord(answer) ? answer : snapshot(answer)
}

/** The copy of what a header map that is no plain record answers (its `toJSON`, asked once). */
function copyMapOfAnswer(value: unknown, lists: boolean, key: string): unknown {
  const answer = answerOf(value, key)
  if (answer === value || !isPlainRecord(answer)) return answer
  return copyMap(answer, lists, key)
}

/**
 * The cookies' copy, each item's `toJSON` asked once (H9): the rules read a cookie's answer,
 * and an item left as it was would be asked again by Lambda's serialiser.
 */
function copyCookies(cookies: readonly unknown[]): unknown[] {
  const copy = cookies.slice()
  for (let index = 0; index < copy.length; index++) {
    const item = copy[index]
    if (typeof item === 'object' && item !== null) copy[index] = answerOf(item, String(index))
  }
  return copy
}

/** A multi-value header map's copy: each list copied, `__proto__` kept as an own key. */
function copyLists(value: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {}
  for (const name in value) {
    if (!Object.hasOwn(value, name)) continue
    const item = value[name]
    setOwnEntry(copy, name, Array.isArray(item) ? item.slice() : item)
  }
  return copy
}

/**
 * What `JSON.stringify` sends for `value` under `key`: its `toJSON`'s answer, asked once here so
 * that Lambda never asks again (the answer is what is judged and sent). JSON applies `toJSON`
 * once per value, never to what it returned, so an answer that has a `toJSON` of its own is
 * copied without it when it is a plain object; any other such answer, bytes (their `toJSON` is
 * not what anyone sends) and a `toJSON` that throws leave the value as it is, for the rule
 * engine to judge as before.
 */
function answerOf(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null || isBinary(value)) return value
  try {
    const { toJSON } = value as { toJSON?: unknown }
    if (typeof toJSON !== 'function') return value
    const answer: unknown = toJSON.call(value, key)
    if (typeof answer !== 'object' || answer === null) return answer
    if (typeof (answer as { toJSON?: unknown }).toJSON !== 'function') return answer
    const prototype: unknown = Object.getPrototypeOf(answer)
    if (prototype !== Object.prototype && prototype !== null) return value
    const { toJSON: _unasked, ...rest } = answer as Record<string, unknown>
    return rest
  } catch {
    return value
  }
}
