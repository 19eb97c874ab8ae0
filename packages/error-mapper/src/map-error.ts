import {
  type ErrorDescription,
  errorTypeFor,
  findHeaderKey,
  isErrorStatus,
  isObject,
  mergeHeaders,
  readThrownField,
  readThrownHeaders,
  statusTitle,
} from '@gateproof/core'
import {
  type ErrorMapping,
  type ErrorRule,
  type RuleContext,
  ruleMapping,
  ruleMatches,
} from './rule.js'

/** A thrown value, mapped: what the client will be told, and which rule decided. */
export interface MappedError extends ErrorDescription {
  status: number
  title: string
  expose: boolean
  errorType: string
  headers: Record<string, string>
  /** The rule that decided, or `fallback` when none matched. */
  rule: string
  /** Set when a rule matched but its mapping threw or was invalid (the answer is then a 500). */
  failedRule?: string
}

export interface MapErrorContext extends RuleContext {
  errorTypes?: Readonly<Record<number, string>>
}

export const FALLBACK_RULE = 'fallback'

/** Headers an error must not set: they describe the body or the connection, which the renderer owns. */
const RESERVED_HEADERS = [
  'content-length',
  'content-type',
  'content-encoding',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'x-amzn-errortype',
]

/**
 * The bytes of header lines (`name: value\r\n`) a thrown error may add to its answer: with
 * the contract's own headers and a decorator's (CORS), within what every front door takes —
 * REST's 10 240 bytes in all (§6.4), ALB's 16 KB a line (A7). Past it proxy shape would
 * replace the answer with a 500.
 */
const MAX_THROWN_HEADER_BYTES = 8 * 1024

const MAX_TITLE_LENGTH = 200
const MAX_MESSAGE_LENGTH = 1_000
const ERROR_TYPE = /^[A-Za-z][A-Za-z0-9_.:-]{0,99}$/

/** An `errorType` fit for a header value and a metric dimension: a short identifier. */
export const isErrorTypeName = (value: unknown): value is string =>
  typeof value === 'string' && ERROR_TYPE.test(value)

/**
 * Maps a thrown value to an answer: the first rule that matches decides; none
 * matching, a mapping that throws or an invalid status all give a 500.
 */
export function mapError(
  thrown: unknown,
  rules: readonly ErrorRule[],
  context: MapErrorContext,
): MappedError {
  for (const rule of rules) {
    if (!ruleMatches(rule, thrown, context)) continue
    try {
      const mapping = ruleMapping(rule, thrown, context)
      if (isObject(mapping) && isErrorStatus(mapping.status)) {
        return normalise(rule.name, mapping as unknown as ErrorMapping, thrown, context)
      }
    } catch {
      // A map function that throws, or a thrown value whose getters do: answered below.
    }
    return { ...fallback(context), failedRule: rule.name }
  }
  return fallback(context)
}

const fallback = (context: MapErrorContext): MappedError =>
  normalise(FALLBACK_RULE, { status: 500 }, undefined, context)

function normalise(
  rule: string,
  mapping: ErrorMapping,
  thrown: unknown,
  context: MapErrorContext,
): MappedError {
  const { status } = mapping
  const expose = typeof mapping.expose === 'boolean' ? mapping.expose : status < 500
  const detail =
    typeof mapping.detail === 'string'
      ? mapping.detail
      : expose && status < 500
        ? messageOf(thrown)
        : undefined
  const headers = safeHeaders(mapping.headers)
  const retryAfterSeconds =
    typeof mapping.retryAfterSeconds === 'number' && Number.isFinite(mapping.retryAfterSeconds)
      ? mapping.retryAfterSeconds
      : (status === 429 || status === 503) && findHeaderKey(headers, 'retry-after') === undefined
        ? context.retryAfterSeconds
        : undefined
  const mapped: MappedError = {
    rule,
    status,
    title: titleOf(mapping.title) ?? statusTitle(status),
    expose,
    errorType: isErrorTypeName(mapping.errorType)
      ? mapping.errorType
      : errorTypeFor(status, context.errorTypes),
    headers,
  }
  if (detail !== undefined && detail !== '') mapped.detail = detail
  if (retryAfterSeconds !== undefined) mapped.retryAfterSeconds = retryAfterSeconds
  if (isObject(mapping.extensions)) mapped.extensions = mapping.extensions
  return mapped
}

const titleOf = (title: unknown): string | undefined =>
  typeof title === 'string' && title.trim() !== '' ? title.slice(0, MAX_TITLE_LENGTH) : undefined

/** The thrown error's own message, for an exposed 4xx; a non-error has none worth showing. */
function messageOf(thrown: unknown): string | undefined {
  const message = readThrownField(thrown, 'message')
  if (typeof message !== 'string') return undefined
  return message.length > MAX_MESSAGE_LENGTH
    ? `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…`
    : message
}

/** The error's own headers minus those the renderer owns; a bag that cannot be read adds none. */
function safeHeaders(headers: unknown): Record<string, string> {
  // Most mappings carry none: an empty map without reading or merging anything.
  if (headers === undefined || headers === null) return {}
  const kept: Record<string, unknown> = {}
  const read = readThrownHeaders(headers)
  for (const name in read) {
    if (!RESERVED_HEADERS.includes(name.toLowerCase())) kept[name] = read[name]
  }
  // mergeHeaders drops names and values with CR, LF or NUL (H3).
  const merged = mergeHeaders(kept)
  let bytes = 0
  // The error's own Retry-After is counted first, so a large header before it cannot leave it
  // out (and the mapper's default hint take its place); the others keep their order.
  const names = Object.keys(merged).sort(
    (a, b) => Number(b.toLowerCase() === 'retry-after') - Number(a.toLowerCase() === 'retry-after'),
  )
  for (const name of names) {
    const line = Buffer.byteLength(name) + Buffer.byteLength(merged[name] as string) + 4
    // A header that does not fit is left out; smaller ones after it may still fit.
    if (bytes + line > MAX_THROWN_HEADER_BYTES) delete merged[name]
    else bytes += line
  }
  return merged
}
