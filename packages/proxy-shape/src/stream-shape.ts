import {
  assertFormat,
  assertKnownOptions,
  assertOneOf,
  assertTelemetryOptions,
  createTelemetry,
  detectIntegration,
  type ErrorFormat,
  findHeaderKey,
  hasUnsafeHeaderChars,
  isObject,
  isValidHeaderName,
  isValidStatus,
  PRELUDE_KEYS,
  type RequestLike,
  renderErrorResponse,
  requestIdOf,
  requireStreamState,
  sanitizeHeaderValue,
  setHeader,
  setOwnEntry,
  type TelemetryOptions,
} from '@gateproof/core'
import type { MiddlewareObj } from '@middy/core'
import { STATUS_DIGITS } from './fields.js'
import { MODES, PACKAGE, type ProxyShapeMode } from './options.js'
import { REST_HEADER_BYTES } from './profiles.js'
import { reportViolations, type ViolationAction } from './report.js'
import { headerLineBytes } from './size.js'
import { memberPath, type Violation, type ViolationRule } from './violations.js'

/** The front doors that stream (ST1, ST31, ST32); `auto` detects them from each event. */
export type StreamShapeTarget = 'rest' | 'function-url'

export interface StreamShapeOptions extends TelemetryOptions {
  /** Whose rules apply. Default `auto`. */
  integration?: 'auto' | StreamShapeTarget
  /** `repair` (default), `strict` (every violation becomes a rendered 500) or `report`. */
  mode?: ProxyShapeMode
  /** Body of the rendered 500. Default `problem`. */
  format?: ErrorFormat
}

const KEYS = ['integration', 'mode', 'format', 'metrics', 'logger'] as const

export interface StreamShapeResult {
  /** The response to stream: repaired, or a rendered 500 when it could not be. */
  response: unknown
  violations: Violation[]
  /** False when something could not be repaired. */
  repairable: boolean
}

/**
 * The prelude of a streamed response checked and repaired before the first byte, per
 * front door: status (an integer string becomes a number; a Function URL result without
 * one is a 200 JSON body, as payload 2.0 infers), header names and values (non-strings
 * as text, CR/LF/NUL and other control characters removed, invalid names dropped),
 * cookies, `multiValueHeaders` (folded into `headers` where only REST reads them), keys
 * that do not belong in a prelude removed (Middy would send them, ST27), a base64 body
 * decoded, and a body that is not a stream, text or bytes serialised as JSON (Middy would
 * throw after the prelude, ST28). What cannot be repaired becomes the contract 500.
 *
 *     middy(fn, { executionMode: streamingExecutionMode() }).use(streamShape())   // first .use
 */
export function streamShape(
  options: StreamShapeOptions = {},
): MiddlewareObj<unknown, unknown, unknown> {
  assertKnownOptions(PACKAGE, options, KEYS)
  assertOneOf(PACKAGE, 'integration', options.integration, ['auto', 'rest', 'function-url'])
  assertOneOf(PACKAGE, 'mode', options.mode, MODES)
  assertFormat(PACKAGE, 'format', options.format)
  assertTelemetryOptions(PACKAGE, options)
  const mode = options.mode ?? 'repair'
  const fixed = options.integration === 'auto' ? undefined : options.integration
  const telemetry = createTelemetry(PACKAGE, { metrics: options.metrics, logger: options.logger })

  function judge(request: RequestLike, phase: 'after' | 'onError'): void {
    if (requireStreamState(request, PACKAGE) === undefined) return
    const detected = detectIntegration(request.event)
    const target: StreamShapeTarget | undefined =
      fixed ?? (detected === 'rest' || detected === 'function-url' ? detected : undefined)
    const result = shapeStreamResponse(request.response, target)
    if (result.violations.length === 0) return
    const requestId = requestIdOf(request.event, request.context)
    let action: ViolationAction
    if (mode === 'report') action = 'reported'
    else if (mode === 'repair' && result.repairable) {
      action = 'repaired'
      request.response = result.response
    } else {
      action = 'rendered'
      request.response = renderErrorResponse(
        { status: 500, requestId },
        { format: options.format, integration: target },
      )
    }
    reportViolations(telemetry, result.violations, {
      integration: target ?? 'universal',
      action,
      phase,
      mode,
      requestId,
    })
  }

  return {
    after: function streamShapeAfter(request) {
      judge(request as RequestLike, 'after')
    },
    onError: function streamShapeOnError(request) {
      if (request.response === undefined) return
      judge(request as RequestLike, 'onError')
    },
  }
}

export default streamShape

const isStreamBody = (value: unknown): boolean =>
  value === undefined ||
  value === null ||
  typeof value === 'string' ||
  value instanceof Uint8Array ||
  (isObject(value) &&
    (typeof value.getReader === 'function' ||
      typeof (value as Record<symbol, unknown>)[Symbol.asyncIterator] === 'function'))

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

const OWN_KEYS = new Set<string>([...PRELUDE_KEYS, 'body'])
const CONTROL_CHARACTERS_REMOVED = 'control characters (CR, LF, NUL…) removed'

/** The pure rule behind `streamShape`: what would be streamed instead, and why. */
export function shapeStreamResponse(
  response: unknown,
  target: StreamShapeTarget | undefined,
): StreamShapeResult {
  const violations: Violation[] = []
  let repairable = true
  function flag(path: string, rule: ViolationRule, message: string, fatal = false) {
    violations.push({ path, rule, message })
    if (fatal) repairable = false
  }
  function result(streamed: unknown): StreamShapeResult {
    return { response: streamed, violations, repairable }
  }

  if (response === undefined || response === null) {
    flag('$', 'empty-result', 'no response to stream', true)
    return result(response)
  }
  // Payload 2.0 (Function URLs): a result without statusCode is a 200 JSON body.
  if (!isObject(response) || isStreamBody(response) || !('statusCode' in response)) {
    if (target !== 'function-url') {
      flag('$', 'status-missing', 'a streamed response needs a statusCode', true)
      return result(response)
    }
    flag('$', 'status-missing', 'no statusCode: streamed as a 200 JSON body, as payload 2.0 infers')
    const bytes = isStreamBody(response) && response !== undefined
    const body = bytes ? response : serialise(response, flag)
    const headers = bytes ? {} : { 'content-type': 'application/json' }
    return result({ statusCode: 200, headers, body })
  }

  const out: Record<string, unknown> = {}
  // statusCode
  const status = response.statusCode
  if (typeof status === 'string' && STATUS_DIGITS.test(status)) {
    flag('$.statusCode', 'status-string', 'statusCode as a string')
    out.statusCode = Number(status)
  } else if (!isValidStatus(status)) {
    flag('$.statusCode', 'status-invalid', 'statusCode is not an integer from 100 to 599', true)
  } else out.statusCode = status

  // headers
  const headers: Record<string, string> = {}
  const rawHeaders = response.headers
  if (rawHeaders !== undefined && rawHeaders !== null && !isObject(rawHeaders)) {
    flag('$.headers', 'headers-type', 'headers is not a map; dropped')
  } else if (isObject(rawHeaders)) {
    for (const name of Object.keys(rawHeaders)) {
      addHeader(headers, name, rawHeaders[name], memberPath('$.headers', name), flag)
    }
  }

  // cookies
  const cookies: string[] = []
  const rawCookies = response.cookies
  if (rawCookies !== undefined && rawCookies !== null) {
    const list = Array.isArray(rawCookies) ? rawCookies : [rawCookies]
    if (!Array.isArray(rawCookies)) flag('$.cookies', 'cookies-type', 'cookies is not an array')
    list.forEach((cookie: unknown, index) => {
      const path = `$.cookies[${index}]`
      if (typeof cookie !== 'string') {
        flag(path, 'cookies-type', 'a cookie that is not a string; dropped')
        return
      }
      const text = sanitizeHeaderValue(cookie)
      if (hasUnsafeHeaderChars(cookie)) flag(path, 'cookies-type', CONTROL_CHARACTERS_REMOVED)
      if (text) cookies.push(text)
    })
  }

  // multiValueHeaders: REST reads them; elsewhere they are folded into headers/cookies.
  const multi: Record<string, string[]> = {}
  const rawMulti = response.multiValueHeaders
  if (rawMulti !== undefined && rawMulti !== null) {
    if (!isObject(rawMulti)) {
      flag('$.multiValueHeaders', 'multi-value-headers-type', 'not a map; dropped')
    } else {
      if (target !== 'rest') {
        flag(
          '$.multiValueHeaders',
          'header-field',
          'only REST reads multiValueHeaders; folded into headers',
        )
      }
      for (const name of Object.keys(rawMulti)) {
        const path = memberPath('$.multiValueHeaders', name)
        const values = Array.isArray(rawMulti[name])
          ? (rawMulti[name] as unknown[])
          : [rawMulti[name]]
        if (!Array.isArray(rawMulti[name])) flag(path, 'multi-value-header-value', 'not an array')
        const clean: Record<string, string> = {}
        const texts: string[] = []
        for (const value of values) {
          delete clean.v
          addHeader(clean, 'v', value, path, flag, name)
          if (clean.v !== undefined) texts.push(clean.v)
        }
        if (texts.length === 0) continue
        // An own key even when it is "__proto__" (assignment would set the map's prototype).
        if (target === 'rest') setOwnEntry(multi, name, texts)
        else if (name.toLowerCase() === 'set-cookie') cookies.push(...texts)
        else if (findHeaderKey(headers, name) === undefined)
          setHeader(headers, name, texts.join(', '))
      }
    }
  }

  // keys outside the prelude
  let body = response.body
  for (const key of Object.keys(response)) {
    if (OWN_KEYS.has(key)) continue
    if (key === 'isBase64Encoded' && response.isBase64Encoded === false) continue
    if (
      key === 'isBase64Encoded' &&
      response.isBase64Encoded === true &&
      typeof body === 'string'
    ) {
      if (BASE64.test(body)) {
        flag('$.isBase64Encoded', 'unknown-key', 'a streamed body is bytes: base64 body decoded')
        body = Buffer.from(body, 'base64')
      } else flag('$.body', 'body-base64', 'isBase64Encoded but the body is not base64', true)
      continue
    }
    flag(
      memberPath('$', key),
      'unknown-key',
      `"${key}" does not belong in a stream prelude; removed`,
    )
  }

  // body
  if (!isStreamBody(body)) {
    if (body instanceof ArrayBuffer) {
      flag('$.body', 'body-binary', 'an ArrayBuffer; streamed as its bytes')
      body = Buffer.from(body)
    } else {
      flag('$.body', 'body-type', 'the body is not a stream, text or bytes; serialised as JSON')
      if (typeof body === 'object' && findHeaderKey(headers, 'content-type') === undefined) {
        headers['content-type'] = 'application/json'
      }
      body = serialise(body, flag)
    }
  }

  // REST's header budget applies to a streamed prelude as to a buffered response (§6.4).
  if (target === 'rest') {
    const bytes = headerBytes(headers, multi, cookies)
    if (bytes > REST_HEADER_BYTES) {
      flag(
        '$.headers',
        'header-size',
        `the prelude headers take ${bytes} bytes; REST's limit is ${REST_HEADER_BYTES}`,
        true,
      )
    }
  }

  if (violations.length === 0) return result(response)
  out.headers = headers
  if (Object.keys(multi).length > 0) out.multiValueHeaders = multi
  if (cookies.length > 0) out.cookies = cookies
  out.body = body
  return result(out)
}

type Flag = (path: string, rule: ViolationRule, message: string, fatal?: boolean) => void

/**
 * Header lines as REST sends them, `name: value\r\n` each, a name it remaps with its
 * `X-Amzn-Remapped-` prefix (§6.2, as proxyShape counts them); a cookie is one `Set-Cookie` line.
 */
function headerBytes(
  headers: Record<string, string>,
  multi: Record<string, string[]>,
  cookies: string[],
): number {
  const line = (name: string, value: string) => headerLineBytes(name, value, true)
  let total = 0
  for (const name of Object.keys(headers)) total += line(name, headers[name] as string)
  for (const name of Object.keys(multi)) {
    for (const value of multi[name] as string[]) total += line(name, value)
  }
  for (const cookie of cookies) total += line('Set-Cookie', cookie)
  return total
}

/** Adds one header as clean text, or drops it; any change is a violation. */
function addHeader(
  headers: Record<string, string>,
  name: string,
  value: unknown,
  path: string,
  flag: Flag,
  checkedName = name,
): void {
  if (!isValidHeaderName(checkedName)) {
    flag(path, 'header-field', 'not a valid header name; dropped')
    return
  }
  let text: string | undefined
  if (typeof value === 'string') text = value
  else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    text = String(value)
    flag(path, 'header-value', 'not a string; written as text')
  } else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
    text = value.join(', ')
    flag(path, 'header-value', 'an array; joined with ", "')
  } else {
    flag(path, 'header-value', 'not text; dropped')
    return
  }
  const clean = sanitizeHeaderValue(text)
  if (hasUnsafeHeaderChars(text)) flag(path, 'header-value', CONTROL_CHARACTERS_REMOVED)
  setHeader(headers, name, clean)
}

function serialise(value: unknown, flag: Flag): string | undefined {
  try {
    const json = JSON.stringify(value)
    if (typeof json === 'string') return json
  } catch {
    // below
  }
  flag('$.body', 'unserializable', 'the body cannot be serialised as JSON', true)
  return undefined
}
