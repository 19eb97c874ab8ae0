import { getHeader, isObject } from '@gateproof/core'
import {
  describePending,
  type HeaderMap,
  isPending,
  readBase64Flag,
  readBody,
  readCookies,
  readHeaders,
  readMultiValueHeaders,
  readStatus,
  readStatusDescription,
} from './fields.js'
import { foldHeaders, type HeaderFields, needsFolding } from './fold.js'
import { Pass } from './pass.js'
import type { ShapeProfile } from './profiles.js'
import { respond, statusLine } from './respond.js'
import { isPlainlyValid } from './shortcut.js'
import { checkSizes } from './size.js'
import {
  describe,
  hasToJSON,
  isAbsent,
  isBase64,
  isBinary,
  isOwn,
  jsonValue,
  serialise,
  toBase64,
  unboxed,
} from './values.js'
import { memberPath, type Violation } from './violations.js'

export interface Inspection {
  /** Empty when the result is valid: send it as it is. */
  violations: readonly Violation[]
  /** Some violation has no safe repair. */
  unfixable: boolean
  /** The repaired response, when there are violations and every one has a repair. */
  repaired?: unknown
}

const VALID: Inspection = Object.freeze({ violations: Object.freeze([]), unfixable: false })

/**
 * The rule engine: checks a handler result against one front door's rules and,
 * when every violation has a safe repair, builds the repaired response (a new
 * object; the result is never touched). The usual valid response takes the shortcut
 * (no allocation); JSON serialisation happens only for values the front door
 * serialises itself (inferred 2.0 results, object bodies) or when sizes come near a limit.
 */
export function inspect(result: unknown, profile: ShapeProfile): Inspection {
  try {
    if (isPlainlyValid(result, profile)) return VALID
  } catch {
    // A throwing getter: the full walk reports it.
  }
  return inspectFully(result, profile)
}

/** The full walk, without the shortcut for common valid shapes (exported for tests). */
export function inspectFully(result: unknown, profile: ShapeProfile): Inspection {
  const check = new Pass(profile, false)
  try {
    readResult(result, check, true)
    if (check.unfixable) return unfixable(check)
    const repaired =
      check.violations === undefined ? result : readResult(result, new Pass(profile, true), true)
    checkSizes(repaired, check)
    if (check.unfixable) return unfixable(check)
    return check.violations === undefined
      ? VALID
      : { violations: check.violations, unfixable: false, repaired }
  } catch {
    // A throwing getter or proxy: Lambda's own JSON.stringify would throw the same way.
    check.fail('unserializable', '$', 'reading the result threw')
    return unfixable(check)
  }
}

const unfixable = (check: Pass): Inspection => ({
  violations: check.violations ?? [],
  unfixable: true,
})

function readResult(result: unknown, pass: Pass, applyToJSON: boolean): unknown {
  if (typeof result === 'object' && result !== null) {
    // Bytes first: their `toJSON` gives `{"type":"Buffer",…}`, which nobody means to send.
    if (isBinary(result)) return readBinary(result, pass)
    if (isPending(result)) {
      // H9: Lambda would send `{}`, or a 200 with an empty object as the body.
      pass.fail('not-a-response', '$', `the result is ${describePending(result)}, not a response`)
      return undefined
    }
    if (applyToJSON && hasToJSON(result)) return readToJSON(result, pass)
    const primitive = unboxed(result)
    if (primitive !== result) return readResult(primitive, pass, false)
    if (!Array.isArray(result)) return readObject(result as Record<string, unknown>, pass)
  }
  if (result === undefined || result === null) return readNothing(result, pass)
  return readValue(result, pass, `the result is ${describe(result)}`)
}

function readNothing(result: undefined | null, pass: Pass): unknown {
  // Lambda sends `null`; payload 2.0 infers a 200 with the body `null` (H2-4).
  if (pass.profile.infers) return result
  pass.flag('empty-result', '$', `the function returned ${String(result)}; 204 sent`)
  return respond(pass.profile, 204)
}

function readBinary(result: ArrayBufferView | ArrayBuffer, pass: Pass): unknown {
  pass.flag('binary-result', '$', 'the result is bytes; sent as a base64 200')
  const body = toBase64(result)
  pass.text(body)
  return respond(pass.profile, 200, { body, contentType: 'application/octet-stream', base64: true })
}

/** Lambda serialises what `toJSON` returns, so that is what the front door judges. */
function readToJSON(result: object, pass: Pass): unknown {
  let value: unknown
  try {
    value = (result as { toJSON: (key: string) => unknown }).toJSON('')
  } catch {
    pass.fail('unserializable', '$', 'the result’s toJSON threw')
    return undefined
  }
  return readResult(value, pass, false)
}

/**
 * A value that is not a response: payload 2.0 sends it as the body of a 200
 * (H2-1..H2-4, U1..U3); elsewhere that same inference is the repair.
 */
function readValue(value: unknown, pass: Pass, what: string): unknown {
  const json = serialise(value)
  if (json === undefined) {
    pass.fail('unserializable', '$', `${what} and cannot be serialised as JSON`)
    return undefined
  }
  const { profile } = pass
  if (profile.infers) {
    pass.measured = true
    if (
      json.length * 3 > profile.maxPayloadBytes &&
      Buffer.byteLength(json) > profile.maxPayloadBytes
    ) {
      pass.fail('payload-size', '$', `the result is over ${profile.maxPayloadBytes} bytes as JSON`)
    }
    return value
  }
  pass.flag(
    'not-a-response',
    '$',
    `${what}, not a response; sent as the JSON body of a 200, as payload 2.0 infers it`,
  )
  const body = typeof value === 'string' ? value : json
  pass.text(body)
  return respond(profile, 200, { body, contentType: 'application/json' })
}

/** The top-level response keys of a result. */
interface Fields {
  statusCode: unknown
  statusDescription: unknown
  headers: unknown
  multiValueHeaders: unknown
  cookies: unknown
  body: unknown
  isBase64Encoded: unknown
}

const emptyFields = (): Fields => ({
  statusCode: undefined,
  statusDescription: undefined,
  headers: undefined,
  multiValueHeaders: undefined,
  cookies: undefined,
  body: undefined,
  isBase64Encoded: undefined,
})

/** A member as JSON sends it, `undefined` when JSON leaves it out. */
function member(value: unknown, key: string): unknown {
  const json = jsonValue(value, key)
  return isAbsent(json) ? undefined : json
}

/** The object as `JSON.stringify` sees it: own enumerable keys. Returns the foreign ones. */
function readFields(result: Record<string, unknown>, fields: Fields): string[] | undefined {
  let foreign: string[] | undefined
  for (const key in result) {
    if (!isOwn(result, key)) continue
    const value = member(result[key], key)
    if (value === undefined) continue
    // `fields` has an own key for each response key (see `emptyFields`); any other is foreign.
    if (isOwn(fields, key)) (fields as unknown as Record<string, unknown>)[key] = value
    else if (foreign) foreign.push(key)
    else foreign = [key]
  }
  return foreign
}

function readObject(result: Record<string, unknown>, pass: Pass): unknown {
  const fields = emptyFields()
  const foreign = readFields(result, fields)
  if (fields.statusCode === undefined && pass.profile.infers) {
    return readValue(result, pass, 'the result has no statusCode')
  }
  if (foreign !== undefined && fields.body === undefined) {
    if (fields.statusCode === undefined) {
      return readValue(result, pass, 'the result has neither statusCode nor body')
    }
    // H2-3: a domain object that happens to have `statusCode` (or a response with its
    // payload beside `body`). The front door would send an empty body: data silently
    // lost behind a success status. Either reading is a guess, so nothing is repaired.
    pass.fail(
      'payload-outside-body',
      '$',
      `statusCode with non-response keys (${foreign.slice(0, 5).join(', ')}) and no body: the front door would drop them and send an empty body`,
    )
    return undefined
  }
  return readResponse(fields, foreign, pass)
}

function readResponse(fields: Fields, foreign: string[] | undefined, pass: Pass): unknown {
  const { profile } = pass
  const status = readStatus(fields.statusCode, pass)
  let description: string | undefined
  if (fields.statusDescription !== undefined) {
    if (profile.statusDescription)
      description = readStatusDescription(fields.statusDescription, pass)
    else
      pass.flag('unknown-key', '$.statusDescription', 'only ALB reads statusDescription; removed')
  }
  if (foreign !== undefined) {
    for (const key of foreign)
      pass.flag('unknown-key', memberPath('$', key), 'not a response key; removed')
  }
  let headerFields: HeaderFields = {
    headers: readHeaders(fields.headers, pass),
    multiValueHeaders: readMultiValueHeaders(fields.multiValueHeaders, pass),
    cookies: readCookies(fields.cookies, pass),
  }
  if (needsFolding(headerFields, profile)) headerFields = foldHeaders(headerFields, pass)
  let { headers, multiValueHeaders } = headerFields
  if (profile.headerLayout === 'single-required' && headers === undefined) {
    pass.flag('headers-type', '$.headers', 'headers is required; {} added')
    headers = {}
  }
  if (profile.headerLayout === 'multi-required' && multiValueHeaders === undefined) {
    pass.flag(
      'multi-value-headers-type',
      '$.multiValueHeaders',
      'multiValueHeaders is required in this target group; {} added',
    )
    multiValueHeaders = {}
  }
  const flag = readBase64Flag(fields.isBase64Encoded, pass)
  let body: string | undefined
  let contentType: string | undefined
  let bodyIsBase64: boolean | undefined
  if (typeof fields.body === 'string') {
    body = fields.body
    pass.text(body)
  } else if (fields.body !== undefined) {
    ;({ body, contentType, base64: bodyIsBase64 } = readBody(fields.body, pass))
  }
  const isBase64Encoded = bodyIsBase64 === true ? true : flag
  if (isBase64Encoded === true && bodyIsBase64 !== true && body !== undefined && !isBase64(body)) {
    pass.fail('body-base64', '$.body', 'isBase64Encoded is true but the body is not base64')
  }
  if (contentType !== undefined) pass.header('Content-Type', contentType)
  if (!pass.repairing) return undefined

  if (contentType !== undefined && !hasContentType(headers, multiValueHeaders)) {
    if (profile.headerLayout === 'multi-required') {
      multiValueHeaders = { ...multiValueHeaders, 'Content-Type': [contentType] }
    } else {
      headers = { ...headers, 'Content-Type': contentType }
    }
  }
  const response: Record<string, unknown> = {}
  if (status !== undefined) response.statusCode = status
  if (profile.statusDescription)
    response.statusDescription = description ?? statusLine(Number(status))
  if (headers !== undefined) response.headers = headers
  if (multiValueHeaders !== undefined) response.multiValueHeaders = multiValueHeaders
  if (headerFields.cookies !== undefined) response.cookies = headerFields.cookies
  if (body !== undefined) response.body = body
  if (isBase64Encoded !== undefined) response.isBase64Encoded = isBase64Encoded
  return response
}

function hasContentType(headers: HeaderMap | null | undefined, multi: object | undefined): boolean {
  return (
    getHeader(headers, 'content-type') !== undefined ||
    (isObject(multi) && getHeader(multi, 'content-type') !== undefined)
  )
}
