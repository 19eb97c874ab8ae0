import {
  findHeaderKey,
  type Integration,
  isObject,
  setOwnEntry,
  statusTitle,
} from '@gateproof/core'
import { FACT_ROWS, type FactRow } from './facts.js'

/** What the function did, as the front door sees it. */
export type FunctionOutcome =
  | { kind: 'returned'; value: unknown }
  | { kind: 'threw'; error?: unknown }
  /** Lambda's own timeout fired (`Task timed out after N seconds`). */
  | { kind: 'function-timeout' }
  /** The gateway's integration timeout passed before the function answered. */
  | { kind: 'integration-timeout' }
  /** Lambda refused the invocation (`TooManyRequestsException`). */
  | { kind: 'throttled' }

export interface SimulateOptions {
  /** ALB target group with `lambda.multi_value_headers.enabled` (A2). */
  albMultiValueHeaders?: boolean
  /** REST `binaryMediaTypes` (R20). */
  binaryMediaTypes?: string[]
  /** The request's `Accept` header; REST honours only its first media type (R20). */
  accept?: string
}

/** What the client receives. */
export interface ClientResponse {
  status: number
  /** Header names as delivered; repeated values joined with `, ` as HTTP clients show them. */
  headers: Record<string, string>
  body: string
  /** True when the front door answered on its own instead of delivering the function's response. */
  gatewayError: boolean
  /** The `gateway-facts.md` rows this answer rests on. */
  rows: FactRow[]
  /** False when any of those rows is UNCONFIRMED: the answer is the documented best guess. */
  confirmed: boolean
}

const LAMBDA_PAYLOAD_LIMIT = 6_291_556
const ALB_PAYLOAD_LIMIT = 1_048_576
const ALB_HEADER_LIMIT = 32 * 1024
const REST_HEADER_LIMIT = 10_240

/** The rows an answer rests on, and the answer; shared with the authorizer simulator. */
export class Verdict {
  readonly rows: FactRow[] = []
  cite(...rows: FactRow[]): this {
    for (const row of rows) if (!this.rows.includes(row)) this.rows.push(row)
    return this
  }
  answer(
    status: number,
    headers: Record<string, string>,
    body: string,
    gatewayError = false,
  ): ClientResponse {
    return {
      status,
      headers,
      body,
      gatewayError,
      rows: [...this.rows],
      confirmed: this.rows.every((row) => FACT_ROWS[row] !== 'UNCONFIRMED'),
    }
  }
}

const REST_5XX_HEADERS = {
  'Content-Type': 'application/json',
  'x-amzn-ErrorType': 'InternalServerErrorException',
}

/** The front door's own answer when the function failed or answered in a shape it rejects. */
function functionError(integration: Integration, verdict: Verdict): ClientResponse {
  switch (integration) {
    case 'rest':
      return verdict.answer(
        502,
        { ...REST_5XX_HEADERS },
        '{"message": "Internal server error"}',
        true,
      )
    case 'http-v1':
    case 'http-v2':
      return verdict.answer(
        500,
        { 'content-type': 'application/json' },
        '{"message":"Internal Server Error"}',
        true,
      )
    case 'function-url':
      return verdict.answer(502, {}, 'Internal Server Error', true)
    case 'alb':
      return albErrorPage(502, verdict)
  }
}

// The body of ALB-generated errors is UNCONFIRMED (A4, §8); this is the usual awselb page.
function albErrorPage(status: number, verdict: Verdict): ClientResponse {
  const title = `${status} ${statusTitle(status)}`
  return verdict
    .cite('BODY-alb-error')
    .answer(
      status,
      { 'content-type': 'text/html', server: 'awselb/2.0' },
      `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`,
      true,
    )
}

/**
 * What the client of `integration` receives for a function outcome, per
 * `gateway-facts.md`. Every answer lists the rows it rests on; answers on
 * UNCONFIRMED rows are best guesses and marked `confirmed: false`.
 */
export function simulateGateway(
  integration: Integration,
  outcome: FunctionOutcome,
  options: SimulateOptions = {},
): ClientResponse {
  const verdict = new Verdict()
  switch (outcome.kind) {
    case 'threw':
      return functionError(integration, verdict.cite('F-unhandled'))
    case 'function-timeout':
      return functionTimeout(integration, verdict)
    case 'integration-timeout':
      return integrationTimeout(integration, verdict.cite('F-integration-timeout'))
    case 'throttled':
      return throttled(integration, verdict.cite('F-throttle'))
    case 'returned':
      return returned(integration, outcome.value, options, verdict)
  }
}

function functionTimeout(integration: Integration, verdict: Verdict): ClientResponse {
  verdict.cite('F-timeout')
  // §2.1: the Function URL answer to a function timeout is UNCONFIRMED (function-error path).
  if (integration === 'function-url') verdict.cite('unconfirmed')
  return functionError(integration, verdict)
}

function integrationTimeout(integration: Integration, verdict: Verdict): ClientResponse {
  switch (integration) {
    case 'rest':
      return verdict.answer(
        504,
        { 'Content-Type': 'application/json' },
        '{"message": "Endpoint request timed out"}',
        true,
      )
    case 'http-v1':
    case 'http-v2':
      return verdict.answer(
        503,
        { 'content-type': 'application/json' },
        '{"message":"Service Unavailable"}',
        true,
      )
    // ALB and Function URLs have no integration timeout of their own: the function's applies.
    case 'alb':
    case 'function-url':
      return functionTimeout(integration, verdict)
  }
}

function throttled(integration: Integration, verdict: Verdict): ClientResponse {
  switch (integration) {
    case 'rest':
      return verdict.answer(
        500,
        { ...REST_5XX_HEADERS },
        '{"message": "Internal server error"}',
        true,
      )
    case 'http-v1':
    case 'http-v2':
      // §2.1: UNCONFIRMED; by analogy with REST's rejection rule, HTTP API's 500.
      return functionError(integration, verdict.cite('unconfirmed'))
    case 'alb':
      return albErrorPage(502, verdict)
    case 'function-url':
      return verdict
        .cite('BODY-furl-throttle')
        .answer(429, { 'content-type': 'application/json' }, '{"message":"Rate Exceeded."}', true)
  }
}

/** Lambda serialises the result with JSON; what cannot be serialised is a function error. */
function serialise(value: unknown): { ok: true; json: string } | { ok: false } {
  try {
    return { ok: true, json: JSON.stringify(value === undefined ? null : value) ?? 'null' }
  } catch {
    return { ok: false }
  }
}

function returned(
  integration: Integration,
  value: unknown,
  options: SimulateOptions,
  verdict: Verdict,
): ClientResponse {
  const serialised = serialise(value)
  if (!serialised.ok) return functionError(integration, verdict.cite('F-unhandled'))
  const bytes = Buffer.byteLength(serialised.json)
  if (integration === 'alb' && bytes > ALB_PAYLOAD_LIMIT) {
    return albErrorPage(502, verdict.cite('A5'))
  }
  if (bytes > LAMBDA_PAYLOAD_LIMIT) return functionError(integration, verdict.cite('F-payload'))
  const result: unknown = JSON.parse(serialised.json)
  switch (integration) {
    case 'rest':
    case 'http-v1':
      return payloadV1(integration, result, options, verdict)
    case 'http-v2':
    case 'function-url':
      return payloadV2(integration, result, verdict)
    case 'alb':
      return alb(result, options, verdict)
  }
}

const V1_KEYS = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded'])

type Headers = Array<[string, string]>

/** The row that says how this front door reads a `statusCode` given as a string. */
const STRING_STATUS_ROW: Record<Integration, FactRow> = {
  rest: 'R4',
  'http-v1': 'unconfirmed',
  'http-v2': 'H2-8',
  alb: 'unconfirmed',
  'function-url': 'U5',
}

/** A `statusCode` as the front door reads it, or `undefined` when it rejects it. */
function readStatus(
  value: unknown,
  integration: Integration,
  verdict: Verdict,
  missing: () => number | undefined,
): number | undefined {
  if (value === undefined || value === null) {
    if (value === null) verdict.cite('unconfirmed')
    return missing()
  }
  if (typeof value === 'string') {
    if (!/^\s*\d+\s*$/.test(value)) {
      verdict.cite(integration === 'rest' ? 'R5' : 'unconfirmed')
      return undefined
    }
    verdict.cite(STRING_STATUS_ROW[integration])
    return inRange(Number.parseInt(value, 10), verdict)
  }
  if (typeof value === 'number') return inRange(value, verdict)
  verdict.cite('unconfirmed')
  return undefined
}

function inRange(status: number, verdict: Verdict): number | undefined {
  if (Number.isInteger(status) && status >= 100 && status <= 599) return status
  verdict.cite('R24')
  return undefined
}

/** The row that rejects a header value of this type, or accepts it as text (REST booleans, R8). */
function headerValueRow(
  integration: Integration,
  value: unknown,
): { row: FactRow; accepted: boolean } {
  if (integration === 'alb') return { row: 'A8', accepted: false }
  if (integration === 'rest') {
    if (typeof value === 'boolean') return { row: 'R8', accepted: true }
    if (typeof value === 'number') return { row: 'R10', accepted: false }
    if (value === null) return { row: 'R11', accepted: false }
  }
  return { row: 'unconfirmed', accepted: typeof value === 'boolean' }
}

/** Single-value headers; `undefined` when a value is one the front door rejects. */
function readHeaders(
  value: unknown,
  integration: Integration,
  verdict: Verdict,
): Headers | undefined {
  if (value === undefined) return []
  if (value === null) {
    verdict.cite(integration === 'rest' ? 'R9' : 'unconfirmed')
    return []
  }
  if (!isObject(value)) {
    verdict.cite('unconfirmed')
    return undefined
  }
  const headers: Headers = []
  for (const [name, headerValue] of Object.entries(value)) {
    if (typeof headerValue === 'string') {
      headers.push([name, headerValue])
      continue
    }
    const { row, accepted } = headerValueRow(integration, headerValue)
    verdict.cite(row)
    if (!accepted) return undefined
    headers.push([name, String(headerValue)])
  }
  return headers
}

function readMultiValueHeaders(
  value: unknown,
  integration: Integration,
  verdict: Verdict,
): Headers | undefined {
  if (value === undefined || value === null) return []
  if (!isObject(value)) {
    verdict.cite('unconfirmed')
    return undefined
  }
  const headers: Headers = []
  for (const [name, values] of Object.entries(value)) {
    if (!Array.isArray(values)) {
      verdict.cite(integration === 'rest' ? 'R12' : 'unconfirmed')
      return undefined
    }
    for (const item of values) {
      if (typeof item !== 'string') {
        verdict.cite(integration === 'alb' ? 'A8' : 'unconfirmed')
        return undefined
      }
      headers.push([name, item])
    }
  }
  if (headers.length > 0 && integration === 'rest') verdict.cite('R13')
  return headers
}

/**
 * R13–R16: multi-value entries first, in their casing; a single value then joins a
 * multi-value header of the same name (any casing) unless that value is already there.
 */
function mergeV1Headers(
  multi: Headers,
  single: Headers,
  integration: 'rest' | 'http-v1',
  verdict: Verdict,
): Record<string, string> {
  const merged = new Map<string, { name: string; values: string[]; fromMulti: boolean }>()
  for (const [name, value] of multi) {
    const key = name.toLowerCase()
    const entry = merged.get(key)
    if (entry) entry.values.push(value)
    else merged.set(key, { name, values: [value], fromMulti: true })
  }
  for (const [name, value] of single) {
    const key = name.toLowerCase()
    const entry = merged.get(key)
    if (!entry) {
      merged.set(key, { name, values: [value], fromMulti: false })
      continue
    }
    // Two casings of one name inside `headers` itself: no row says what happens.
    if (!entry.fromMulti) verdict.cite('unconfirmed')
    else if (integration === 'http-v1') verdict.cite('unconfirmed')
    else if (entry.values.includes(value)) verdict.cite('R16')
    else verdict.cite(entry.name === name ? 'R14' : 'R15')
    if (!entry.values.includes(value)) entry.values.push(value)
  }
  return Object.fromEntries([...merged.values()].map((e) => [e.name, e.values.join(', ')]))
}

/** The row that rejects a non-string `body` on this front door. */
const OBJECT_BODY_ROW: Record<Integration, FactRow> = {
  rest: 'R17',
  'http-v1': 'unconfirmed',
  'http-v2': 'H2-9',
  alb: 'unconfirmed',
  'function-url': 'U7',
}

function readBody(value: unknown, integration: Integration, verdict: Verdict): string | undefined {
  if (value === undefined) return ''
  if (value === null) {
    // R18: an omitted body is VAL; an explicit null only emulators have answered.
    if (integration === 'rest') verdict.cite('R18')
    verdict.cite('unconfirmed')
    return ''
  }
  if (typeof value === 'string') return value
  verdict.cite(
    isObject(value) || Array.isArray(value) ? OBJECT_BODY_ROW[integration] : 'unconfirmed',
  )
  return undefined
}

function headerBytes(headers: Record<string, string>): number {
  let total = 0
  for (const [name, value] of Object.entries(headers)) {
    total += Buffer.byteLength(name) + Buffer.byteLength(value) + 4
  }
  return total
}

function decodeBase64(body: string): string | undefined {
  const compact = body.replace(/\s+/g, '')
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) return undefined
  return Buffer.from(compact, 'base64').toString('latin1')
}

// §6.2, the `lambda` response column of the REST known-issues table.
const REST_REMAPPED = new Set([
  'authorization',
  'connection',
  'content-md5',
  'date',
  'max-forwards',
  'server',
  'user-agent',
  'www-authenticate',
])
const REST_DROPPED = new Set([
  'expect',
  'host',
  'proxy-authenticate',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'via',
])

/**
 * REST renames some response headers to `X-Amzn-Remapped-<name>` and drops others.
 * For `Date` and `Server` it then sets its own value, which is not simulated.
 */
function remapRestHeaders(
  headers: Record<string, string>,
  verdict: Verdict,
): Record<string, string> {
  const delivered: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase()
    if (REST_DROPPED.has(key)) verdict.cite('HDR-rest-remap')
    else if (REST_REMAPPED.has(key)) {
      verdict.cite('HDR-rest-remap')
      delivered[`X-Amzn-Remapped-${name}`] = value
      // H4: `__proto__` is a header like any other; assignment would set the prototype.
    } else setOwnEntry(delivered, name, value)
  }
  return delivered
}

/** §6.1: `x-amzn-*` names are reserved on HTTP API; passing them through is the best guess. */
function flagHttpApiReserved(headers: Record<string, string>, verdict: Verdict): void {
  if (Object.keys(headers).some((name) => name.toLowerCase().startsWith('x-amzn-'))) {
    verdict.cite('HDR-http-x-amzn')
  }
}

function payloadV1(
  integration: 'rest' | 'http-v1',
  result: unknown,
  options: SimulateOptions,
  verdict: Verdict,
): ClientResponse {
  const rest = integration === 'rest'
  if (!isObject(result)) {
    verdict.cite(rest ? 'R7' : 'unconfirmed')
    return functionError(integration, verdict)
  }
  if (rest) {
    if (Object.keys(result).some((key) => !V1_KEYS.has(key))) {
      return functionError(integration, verdict.cite('R6'))
    }
  } else {
    verdict.cite('H1-1')
    if (Object.keys(result).some((key) => !V1_KEYS.has(key))) verdict.cite('H1-3')
  }
  const status = readStatus(result.statusCode, integration, verdict, () => {
    if (rest) {
      verdict.cite(Object.keys(result).length === 0 ? 'R2' : 'R3')
      return 200
    }
    verdict.cite('H1-2')
    return undefined
  })
  if (status === undefined) return functionError(integration, verdict)
  const single = readHeaders(result.headers, integration, verdict)
  const multi = readMultiValueHeaders(result.multiValueHeaders, integration, verdict)
  const body = readBody(result.body, integration, verdict)
  const base64 = result.isBase64Encoded
  if (single === undefined || multi === undefined || body === undefined) {
    return functionError(integration, verdict)
  }
  if (base64 !== undefined && base64 !== null && typeof base64 !== 'boolean') {
    return functionError(integration, verdict.cite('unconfirmed'))
  }
  if (rest && result.statusCode !== undefined && result.body === undefined) verdict.cite('R1')
  let headers = mergeV1Headers(multi, single, integration, verdict)
  if (findHeaderKey(headers, 'content-type') === undefined) {
    verdict.cite(rest ? 'R22' : 'unconfirmed')
    headers[rest ? 'Content-Type' : 'content-type'] = 'application/json'
  }
  if (rest) {
    headers = remapRestHeaders(headers, verdict)
    if (headerBytes(headers) > REST_HEADER_LIMIT) {
      return functionError(integration, verdict.cite('Q-rest-headers'))
    }
  } else flagHttpApiReserved(headers, verdict)
  let delivered = body
  if (base64 === true) {
    const decodes = rest ? restDecodesBinary(options) : true
    verdict.cite(rest ? (decodes ? 'R20' : 'R19') : 'H1-4')
    if (decodes) {
      const decoded = decodeBase64(body)
      if (decoded === undefined) {
        if (!rest) return functionError(integration, verdict.cite('unconfirmed'))
        verdict.cite('R21')
        return verdict.answer(
          500,
          { ...REST_5XX_HEADERS },
          '{"message": "Internal server error"}',
          true,
        )
      }
      delivered = decoded
    }
  }
  if (rest && verdict.rows.length === 0) verdict.cite('R-format')
  return verdict.answer(status, headers, delivered)
}

function restDecodesBinary(options: SimulateOptions): boolean {
  const first = options.accept?.split(',')[0]?.split(';')[0]?.trim().toLowerCase()
  return (options.binaryMediaTypes ?? []).some((type) => {
    const t = type.toLowerCase()
    if (t === '*/*') return true
    if (!first) return false
    if (t.endsWith('/*')) return first.startsWith(t.slice(0, -1))
    return t === first
  })
}

function payloadV2(
  integration: 'http-v2' | 'function-url',
  result: unknown,
  verdict: Verdict,
): ClientResponse {
  const url = integration === 'function-url'
  const contentType = { 'content-type': 'application/json' }
  if (!isObject(result) || !('statusCode' in result)) {
    if (typeof result === 'string') {
      verdict.cite(url ? 'U2' : 'H2-1')
      return verdict.answer(200, contentType, result)
    }
    if (isObject(result)) verdict.cite(url ? 'U1' : 'H2-2')
    else verdict.cite(url && result !== null ? 'U3' : 'H2-4')
    return verdict.answer(200, contentType, JSON.stringify(result))
  }
  verdict.cite(url ? 'U4' : 'H2-3')
  const status = readStatus(result.statusCode, integration, verdict, () => undefined)
  if (status === undefined) return functionError(integration, verdict)
  const single = readHeaders(result.headers, integration, verdict)
  if (single === undefined) return functionError(integration, verdict)
  const body = readBody(result.body, integration, verdict)
  if (body === undefined) return functionError(integration, verdict)
  const headers: Record<string, string> = Object.fromEntries(single)
  if (single.length > 0 && url) verdict.cite('U6')
  if (result.multiValueHeaders !== undefined) verdict.cite(url ? 'unconfirmed' : 'H2-6')
  if (result.cookies !== undefined && result.cookies !== null) {
    if (!Array.isArray(result.cookies) || result.cookies.some((c) => typeof c !== 'string')) {
      return functionError(integration, verdict.cite('unconfirmed'))
    }
    if (result.cookies.length > 0) {
      verdict.cite('H2-5')
      const key = findHeaderKey(headers, 'set-cookie')
      const cookies = [...(key ? [headers[key] as string] : []), ...result.cookies]
      headers[key ?? 'set-cookie'] = cookies.join(', ')
    }
  }
  if (findHeaderKey(headers, 'content-type') === undefined) {
    if (!url) verdict.cite('H2-10')
    headers['content-type'] = 'application/json'
  }
  if (!url) flagHttpApiReserved(headers, verdict)
  const base64 = result.isBase64Encoded
  if (base64 !== undefined && base64 !== null && typeof base64 !== 'boolean') {
    return functionError(integration, verdict.cite('unconfirmed'))
  }
  let delivered = body
  if (base64 === true) {
    verdict.cite('H2-7')
    const decoded = decodeBase64(body)
    if (decoded === undefined) return functionError(integration, verdict.cite('unconfirmed'))
    delivered = decoded
  }
  return verdict.answer(status, headers, delivered)
}

function alb(result: unknown, options: SimulateOptions, verdict: Verdict): ClientResponse {
  if (!isObject(result)) return albErrorPage(502, verdict.cite('A4'))
  const status = readStatus(result.statusCode, 'alb', verdict, () => undefined)
  if (status === undefined) return albErrorPage(502, verdict.cite('A4'))
  const multiMode = options.albMultiValueHeaders === true
  if (multiMode) verdict.cite('A2')
  const headerField = multiMode ? 'multiValueHeaders' : 'headers'
  // "must include the Base64 encoding status, status code, and headers": what ALB does
  // when one is missing is UNCONFIRMED (§8), so this is the best guess.
  if (typeof result.isBase64Encoded !== 'boolean' || !isObject(result[headerField])) {
    return albErrorPage(502, verdict.cite('A4', 'unconfirmed'))
  }
  const entries = multiMode
    ? readMultiValueHeaders(result.multiValueHeaders, 'alb', verdict)
    : readHeaders(result.headers, 'alb', verdict)
  if (entries === undefined) return albErrorPage(502, verdict)
  const body = readBody(result.body, 'alb', verdict)
  if (body === undefined) return albErrorPage(502, verdict.cite('A4'))
  // Shown lower-case, as HTTP/2 clients see them; ALB may reorder them (A3).
  const headers: Record<string, string> = {}
  for (const [name, value] of entries) {
    const key = name.toLowerCase()
    // H4: own keys only (`constructor` must not find Object's), `__proto__` set as a key.
    const before = Object.hasOwn(headers, key) ? headers[key] : undefined
    setOwnEntry(headers, key, before === undefined ? value : `${before}, ${value}`)
  }
  if (headerBytes(headers) > ALB_HEADER_LIMIT) return albErrorPage(502, verdict.cite('A7'))
  let delivered = body
  if (result.isBase64Encoded) {
    const decoded = decodeBase64(body)
    if (decoded === undefined) return albErrorPage(502, verdict.cite('A4', 'unconfirmed'))
    delivered = decoded
  }
  verdict.cite('A1')
  return verdict.answer(status, headers, delivered)
}
