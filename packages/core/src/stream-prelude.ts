import { hasUnsafeHeaderChars, isValidHeaderName, setOwnEntry } from './headers.js'
import { type Integration, isObject } from './integration.js'
import { isValidStatus } from './status.js'

/**
 * The metadata a streamed HTTP response starts with (gateway-facts ST3, ST16): status,
 * headers and cookies, final once written. REST also reads `multiValueHeaders`.
 */
export interface StreamPrelude {
  statusCode: number
  headers?: Record<string, string>
  multiValueHeaders?: Record<string, string[]>
  cookies?: string[]
}

/** The Runtime API content type of a response that starts with a prelude (ST3, ST16). */
export const PRELUDE_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response'

/** Prelude JSON and body are separated by exactly 8 NUL bytes (ST3). */
export const PRELUDE_DELIMITER_LENGTH = 8

/** The keys a prelude may carry (ST3); anything else is not the gateway's business. */
export const PRELUDE_KEYS = ['statusCode', 'headers', 'multiValueHeaders', 'cookies'] as const

export type PreludeCheck =
  | { ok: true; prelude: StreamPrelude }
  | { ok: false; problems: string[]; prelude?: undefined }

// Core's header rule decides what is clean: no line breaks (they split a response), no NUL
// (it would end the prelude early, ST3), no other control characters — at either end too.
const isCleanText = (value: unknown): value is string =>
  typeof value === 'string' && !hasUnsafeHeaderChars(value)

/** A new array of the items of `value`, each read once, if it is an array of clean text. */
function cleanTextList(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined
  const list: string[] = []
  // An index loop, not slice/map: those would ask the array's own constructor to build the copy.
  for (let index = 0; index < value.length; index++) {
    const item: unknown = value[index]
    if (!isCleanText(item)) return undefined
    list.push(item)
  }
  return list
}

/**
 * Checks, without repairing, that `response` minus its body is a prelude the front door
 * accepts: an integer status from 100 to 599, token header names with clean string
 * values, clean string cookies, and `multiValueHeaders` only where REST reads them.
 * Keys outside `PRELUDE_KEYS` are left out of the prelude (Middy would send them, ST27).
 * The prelude it returns is a plain copy of the values it checked, read once: the runtime
 * serialises it with `JSON.stringify`, which would otherwise call a `toJSON` of the
 * handler's maps or read a getter a second time, and send what was never checked (ST3).
 * This is the last line: repairs belong to `streamShape`.
 */
export function checkPrelude(response: unknown, integration?: Integration): PreludeCheck {
  if (!isObject(response)) return { ok: false, problems: ['response is not an object'] }
  const problems: string[] = []
  const { statusCode, headers, multiValueHeaders, cookies } = response
  if (!isValidStatus(statusCode)) problems.push('statusCode is not an integer from 100 to 599')
  const prelude: StreamPrelude = { statusCode: statusCode as number }
  if (headers !== undefined && headers !== null) {
    if (!isObject(headers)) problems.push('headers is not an object')
    else {
      const copy: Record<string, string> = {}
      for (const [name, value] of Object.entries(headers)) {
        if (!isValidHeaderName(name))
          problems.push(`header name ${JSON.stringify(name)} is invalid`)
        if (!isCleanText(value)) problems.push(`header ${JSON.stringify(name)} is not clean text`)
        else setOwnEntry(copy, name, value)
      }
      prelude.headers = copy
    }
  }
  if (multiValueHeaders !== undefined && multiValueHeaders !== null) {
    if (integration !== undefined && integration !== 'rest') {
      problems.push(`multiValueHeaders is not read by ${integration}`)
    } else if (!isObject(multiValueHeaders)) problems.push('multiValueHeaders is not an object')
    else {
      const copy: Record<string, string[]> = {}
      for (const [name, values] of Object.entries(multiValueHeaders)) {
        if (!isValidHeaderName(name))
          problems.push(`header name ${JSON.stringify(name)} is invalid`)
        const list = cleanTextList(values)
        if (list === undefined) {
          problems.push(`multiValueHeaders ${JSON.stringify(name)} is not a list of clean text`)
        } else setOwnEntry(copy, name, list)
      }
      prelude.multiValueHeaders = copy
    }
  }
  if (cookies !== undefined && cookies !== null) {
    const list = cleanTextList(cookies)
    if (list === undefined) problems.push('cookies is not a list of clean text')
    else prelude.cookies = list
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, prelude }
}

/** The bytes a prelude goes out as: its JSON, then 8 NUL bytes (ST3). */
export function encodePrelude(prelude: StreamPrelude): Buffer {
  const json = Buffer.from(JSON.stringify(prelude), 'utf8')
  return Buffer.concat([json, Buffer.alloc(PRELUDE_DELIMITER_LENGTH)])
}

export type ParsedStream =
  | { ok: true; prelude: Record<string, unknown>; body: Buffer }
  | { ok: false; reason: string }

/**
 * Splits what a function wrote into prelude and body, as the front door does (ST2, ST3):
 * the JSON runs to the first NUL (JSON text never contains one), then exactly 8 NULs.
 */
export function parsePreludeStream(bytes: Uint8Array): ParsedStream {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const end = buffer.indexOf(0)
  if (end < 0) return { ok: false, reason: 'no delimiter: the stream has no 8 NUL bytes' }
  const delimiter = buffer.subarray(end, end + PRELUDE_DELIMITER_LENGTH)
  if (delimiter.length < PRELUDE_DELIMITER_LENGTH || delimiter.some((byte) => byte !== 0)) {
    return { ok: false, reason: 'the delimiter is not 8 NUL bytes' }
  }
  let prelude: unknown
  try {
    prelude = JSON.parse(buffer.subarray(0, end).toString('utf8'))
  } catch {
    return { ok: false, reason: 'the prelude is not JSON' }
  }
  if (!isObject(prelude)) return { ok: false, reason: 'the prelude is not a JSON object' }
  return { ok: true, prelude, body: buffer.subarray(end + PRELUDE_DELIMITER_LENGTH) }
}
