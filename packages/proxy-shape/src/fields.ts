import { hasSplittingChars, isValidStatus, setOwnEntry } from '@gateproof/core'
import type { Pass } from './pass.js'
import {
  describe,
  isAbsent,
  isBinary,
  isMap,
  isOwn,
  isSendableHeaderName,
  jsonValue,
  serialise,
  toBase64,
} from './values.js'
import { indexPath, memberPath } from './violations.js'

/**
 * One normaliser per response field. Each reports what breaks the front door's
 * rules and, in a repairing pass, returns the repaired value; in a checking pass
 * the returned value is only meaningful for strings already valid.
 */

export type HeaderMap = Record<string, unknown>

/** A status as three digits, as the front doors that accept a string status read it. */
export const STATUS_DIGITS = /^[1-5]\d\d$/
const INTEGER_TEXT = /^\s*\d+\s*$/

/** `statusCode` as it will be sent; `undefined` when absent (REST's 200, R1–R3) or invalid. */
export function readStatus(value: unknown, pass: Pass): number | string | undefined {
  if (value === undefined) {
    if (pass.profile.defaultsStatus) return undefined
    pass.flag('status-missing', '$.statusCode', 'statusCode is required; 200 assumed')
    return 200
  }
  if (typeof value === 'number') {
    if (isValidStatus(value)) return value
  } else if (typeof value === 'string') {
    if (pass.profile.acceptsStringStatus && STATUS_DIGITS.test(value)) return value
    const status = INTEGER_TEXT.test(value) ? Number.parseInt(value, 10) : Number.NaN
    if (isValidStatus(status)) {
      pass.flag('status-string', '$.statusCode', 'statusCode must be a number; converted')
      return status
    }
  }
  pass.fail(
    'status-invalid',
    '$.statusCode',
    `statusCode must be an integer from 100 to 599, got ${describe(value)}`,
  )
  return undefined
}

/** The text a scalar header value is sent as; `undefined` for anything else. */
export function scalarText(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return value
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value)
    default:
      return undefined
  }
}

/** `headers`: a map of strings; `null` only where known to be accepted (R9). */
export function readHeaders(value: unknown, pass: Pass): HeaderMap | null | undefined {
  if (value === undefined) return undefined
  if (value === null) {
    if (pass.profile.acceptsNullHeaders) return null
    const required = pass.profile.headerLayout === 'single-required'
    pass.flag('headers-type', '$.headers', `headers is null; ${required ? '{} used' : 'removed'}`)
    return required ? {} : undefined
  }
  if (!isMap(value)) {
    pass.fail('headers-type', '$.headers', `headers must be an object, got ${describe(value)}`)
    return undefined
  }
  const out: HeaderMap | undefined = pass.repairing ? {} : undefined
  for (const name in value) {
    if (!isOwn(value, name)) continue
    const item = jsonValue(value[name], name)
    if (splits(name, item, memberPath('$.headers', name), pass)) continue
    if (typeof item === 'string') {
      pass.header(name, item)
      if (out) setOwnEntry(out, name, item)
      continue
    }
    if (isAbsent(item)) continue
    const path = memberPath('$.headers', name)
    const text = readNonString(name, item, path, pass, 'header-value', 'header removed')
    if (text !== undefined && out) setOwnEntry(out, name, text)
  }
  return out ?? value
}

/** The values of one `multiValueHeaders` entry as they will be sent. */
export function multiValueList(value: unknown): string[] {
  if (!Array.isArray(value)) {
    const text = scalarText(value)
    return text === undefined ? [] : [text]
  }
  const list: string[] = []
  for (let i = 0; i < value.length; i++) {
    const text = scalarText(jsonValue(value[i], String(i)))
    if (text !== undefined) list.push(text)
  }
  return list
}

/** `multiValueHeaders`: a map of arrays of strings (R12). */
export function readMultiValueHeaders(
  value: unknown,
  pass: Pass,
): Record<string, string[]> | undefined {
  if (value === undefined) return undefined
  const path = '$.multiValueHeaders'
  if (value === null) {
    const required = pass.profile.headerLayout === 'multi-required'
    pass.flag(
      'multi-value-headers-type',
      path,
      `multiValueHeaders is null; ${required ? '{} used' : 'removed'}`,
    )
    return required ? {} : undefined
  }
  if (!isMap(value)) {
    pass.fail(
      'multi-value-headers-type',
      path,
      `multiValueHeaders must be an object, got ${describe(value)}`,
    )
    return undefined
  }
  const out: Record<string, string[]> | undefined = pass.repairing ? {} : undefined
  for (const name in value) {
    if (!isOwn(value, name)) continue
    const values = jsonValue(value[name], name)
    if (isAbsent(values)) continue
    const at = memberPath(path, name)
    if (splits(name, values, at, pass)) continue
    if (Array.isArray(values)) {
      readMultiValueItems(name, values, at, pass)
    } else if (values === null) {
      pass.flag('multi-value-header-value', at, 'multiValueHeaders value is null; header removed')
      continue
    } else {
      const text = scalarText(values)
      if (text === undefined) {
        pass.fail(
          'multi-value-header-value',
          at,
          `multiValueHeaders values must be arrays of strings, got ${describe(values)}`,
        )
        continue
      }
      pass.flag('multi-value-header-value', at, 'multiValueHeaders values must be arrays; wrapped')
      pass.header(name, text)
    }
    if (out)
      setOwnEntry(
        out,
        name,
        multiValueList(values).filter((text) => !hasSplittingChars(text)),
      )
  }
  return out ?? (value as Record<string, string[]>)
}

function readMultiValueItems(name: string, values: unknown[], path: string, pass: Pass): void {
  for (let i = 0; i < values.length; i++) {
    const item = jsonValue(values[i], String(i))
    const at = indexPath(path, i)
    if (typeof item === 'string' && hasSplittingChars(item)) {
      pass.flag('control-characters', at, 'header value holds CR, LF or NUL; entry removed')
      continue
    }
    if (typeof item === 'string') {
      pass.header(name, item)
      continue
    }
    // Inside an array JSON turns undefined into null, which no front door accepts.
    readNonString(name, item, at, pass, 'multi-value-header-value', 'removed')
  }
}

/**
 * A header value that is not a string: a scalar is sent as its text (a repair), `null` (or
 * what JSON turns into it) is left out, anything else cannot be sent. Returns the text.
 */
function readNonString(
  name: string,
  item: unknown,
  path: string,
  pass: Pass,
  rule: 'header-value' | 'multi-value-header-value',
  whenNull: string,
): string | undefined {
  const text = scalarText(item)
  if (text !== undefined) {
    pass.flag(rule, path, `header values must be strings, got a ${typeof item}; converted`)
    pass.header(name, text)
  } else if (item === null || isAbsent(item)) {
    pass.flag(rule, path, `header value is null; ${whenNull}`)
  } else {
    pass.fail(rule, path, `header values must be strings, got ${describe(item)}`)
  }
  return text
}

/** `cookies` (payload 2.0): an array of strings, each one `set-cookie` header (H2-5). */
export function readCookies(value: unknown, pass: Pass): string[] | undefined {
  if (value === undefined) return undefined
  const path = '$.cookies'
  if (value === null) {
    pass.flag('cookies-type', path, 'cookies is null; removed')
    return undefined
  }
  if (typeof value === 'string') {
    if (hasSplittingChars(value)) {
      pass.flag('control-characters', path, 'cookie holds CR, LF or NUL; removed')
      return undefined
    }
    pass.flag('cookies-type', path, 'cookies must be an array; wrapped')
    pass.text(value)
    return [value]
  }
  if (!Array.isArray(value)) {
    pass.fail('cookies-type', path, `cookies must be an array of strings, got ${describe(value)}`)
    return undefined
  }
  const cookies: string[] | undefined = pass.repairing ? [] : undefined
  for (let i = 0; i < value.length; i++) {
    const item = jsonValue(value[i], String(i))
    if (typeof item === 'string' && hasSplittingChars(item)) {
      pass.flag('control-characters', indexPath(path, i), 'cookie holds CR, LF or NUL; removed')
    } else if (typeof item === 'string') {
      pass.text(item)
      cookies?.push(item)
    } else if (item === null || isAbsent(item)) {
      pass.flag('cookies-type', indexPath(path, i), 'cookie is null; removed')
    } else {
      pass.fail(
        'cookies-type',
        indexPath(path, i),
        `cookies must be strings, got ${describe(item)}`,
      )
    }
  }
  return cookies ?? (value as string[])
}

/** The cookies an accepted `cookies` value sends. */
export const cookieList = (value: unknown): string[] =>
  typeof value === 'string'
    ? [value]
    : Array.isArray(value)
      ? value
          .map((item, i) => jsonValue(item, String(i)))
          .filter((item): item is string => typeof item === 'string')
      : []

/** The body as it will be sent, and what the repair implies for its headers. */
export interface BodyOutcome {
  body: string | undefined
  /** The `Content-Type` a repaired body needs when the response has none. */
  contentType?: string
  /** The body was turned into base64. */
  base64?: boolean
}

const NO_BODY: BodyOutcome = { body: undefined }

/** `body`: a string (R17). Structured values become JSON, bytes become base64. */
export function readBody(value: unknown, pass: Pass): BodyOutcome {
  if (typeof value === 'string') {
    pass.text(value)
    return { body: value }
  }
  if (value === undefined) return NO_BODY
  if (value === null) {
    pass.flag('body-type', '$.body', 'body is null; removed')
    return NO_BODY
  }
  if (isPending(value)) {
    // H9: JSON.stringify makes `"{}"` of it: the client would get an empty object as the body.
    pass.fail(
      'body-type',
      '$.body',
      `body is ${describePending(value)}; a buffered response needs its content`,
    )
    return NO_BODY
  }
  if (isBinary(value)) {
    pass.flag('body-binary', '$.body', 'body is bytes; sent as base64 with isBase64Encoded')
    const body = toBase64(value)
    pass.text(body)
    return { body, contentType: 'application/octet-stream', base64: true }
  }
  const json = serialise(value)
  if (json === undefined) {
    pass.fail('unserializable', '$.body', `body cannot be serialised as JSON (${describe(value)})`)
    return NO_BODY
  }
  pass.flag('body-type', '$.body', `body must be a string, got ${describe(value)}; sent as JSON`)
  pass.text(json)
  return { body: json, contentType: 'application/json' }
}

/**
 * H3: a header name or text value with CR, LF or NUL is a violation of its own kind; a name
 * no front door can send as meant (empty, whitespace, a colon, non-ASCII) is a `header-field`
 * one. The repair leaves the header out. True when the header was dropped.
 */
function splits(name: string, value: unknown, path: string, pass: Pass): boolean {
  if (hasSplittingChars(name) || (typeof value === 'string' && hasSplittingChars(value))) {
    pass.flag(
      'control-characters',
      path,
      'header name or value holds CR, LF or NUL; header removed',
    )
    return true
  }
  // A value JSON leaves out sends no header line, whatever its name.
  if (isSendableHeaderName(name) || isAbsent(value)) return false
  // The stream tap's rule for the same fault; no facts row covers it (none of H2-6, A2).
  pass.flag(
    'header-field',
    path,
    'header name is empty or holds whitespace, a colon or a non-ASCII character; header removed',
    false,
  )
  return true
}

/** A promise or a stream: content that is not there yet, which JSON turns into `{}`. */
export function isPending(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false
  const candidate = value as Record<string | symbol, unknown>
  return (
    typeof candidate.then === 'function' ||
    typeof candidate.pipe === 'function' ||
    typeof candidate.getReader === 'function' ||
    typeof candidate[Symbol.asyncIterator] === 'function'
  )
}

export const describePending = (value: unknown): string =>
  typeof (value as { then?: unknown }).then === 'function' ? 'a Promise' : 'a stream'

/** `isBase64Encoded`: a boolean; required by ALB (A4). */
export function readBase64Flag(value: unknown, pass: Pass): boolean | undefined {
  if (typeof value === 'boolean') return value
  const path = '$.isBase64Encoded'
  if (value === undefined) {
    if (!pass.profile.requiresBase64Flag) return undefined
    pass.flag('base64-flag', path, 'isBase64Encoded is required; false added')
    return false
  }
  if (value === null || value === 'true' || value === 'false') {
    pass.flag(
      'base64-flag',
      path,
      `isBase64Encoded must be a boolean, got ${describe(value)}; converted`,
    )
    return value === 'true'
  }
  pass.fail('base64-flag', path, `isBase64Encoded must be a boolean, got ${describe(value)}`)
  return undefined
}

/** ALB's `statusDescription` (A1): a string; anything else is replaced by the standard one. */
export function readStatusDescription(value: unknown, pass: Pass): string | undefined {
  if (typeof value === 'string' && hasSplittingChars(value)) {
    pass.flag(
      'control-characters',
      '$.statusDescription',
      'statusDescription holds CR, LF or NUL; replaced',
    )
    return undefined
  }
  if (typeof value === 'string') {
    pass.text(value)
    return value
  }
  if (value === undefined) return undefined
  pass.flag(
    'status-description',
    '$.statusDescription',
    `statusDescription must be a string, got ${describe(value)}; replaced`,
  )
  return undefined
}
