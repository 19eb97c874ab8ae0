import { isRetryAfterSeconds, MAX_RETRY_AFTER_SECONDS } from './header-rules.js'
import { findHeaderKey, mergeHeaders, sanitizeHeaderValue } from './headers.js'
import { albMultiValueHeaders, type Integration } from './integration.js'
import { errorTypeFor, isValidStatus, statusTitle } from './status.js'

/**
 * One error shape for every error a client sees (RFC 9457 problem details plus
 * `errorType` and `requestId`), whether the function, gateproof or the gateway made it.
 */
export interface ErrorContract {
  type: string
  title: string
  status: number
  detail?: string
  errorType: string
  requestId?: string
  [extension: string]: unknown
}

/** A custom body: receives the contract, returns the body and its content type. */
export type ErrorFormatter = (contract: ErrorContract) => { body: string; contentType: string }

/** `problem` (application/problem+json), `message` (API Gateway's own `{"message"}` shape), or a formatter. */
export type ErrorFormat = 'problem' | 'message' | ErrorFormatter

export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

export interface ErrorDescription {
  /** An integer from 100 to 599; anything else renders as 500 rather than a response the gateway rejects. */
  status: number
  /** Defaults to the status's reason phrase. */
  title?: string
  /** Shown only when `expose` is true. */
  detail?: string
  /** Defaults to `status < 500`. */
  expose?: boolean
  /** Defaults to the status → `x-amzn-ErrorType` table. */
  errorType?: string
  requestId?: string
  /** RFC 9457 `type`; defaults to `about:blank`. */
  type?: string
  /** Whole seconds; rendered as the `Retry-After` header (at least 1). */
  retryAfterSeconds?: number
  /** Extra safe members of the body, e.g. field-level validation issues. */
  extensions?: Record<string, unknown>
  /** Extra response headers (CORS, RateLimit…); sanitised, contract headers win. */
  headers?: Record<string, unknown>
}

/**
 * A rendered error: a proxy result every front door accepts (assignable to
 * `ResultOf<I>` for each), with `statusDescription` only for ALB and
 * `multiValueHeaders` instead of `headers` for ALB target groups in that mode.
 */
export interface RenderedErrorResponse {
  statusCode: number
  statusDescription?: string
  headers?: Record<string, string>
  multiValueHeaders?: Record<string, string[]>
  body: string
  isBase64Encoded: false
}

export interface RenderOptions {
  format?: ErrorFormat
  integration?: Integration
  /** The event, so an ALB response uses `multiValueHeaders` when the target group does. */
  event?: unknown
  errorTypes?: Readonly<Record<number, string>>
}

/** Members an extension may not replace: they are what every client parses. */
const CONTRACT_MEMBERS = new Set([
  'type',
  'title',
  'status',
  'detail',
  'errorType',
  'requestId',
  '__proto__',
])

/** The body members of the contract for an error. */
export function errorContract(
  error: ErrorDescription,
  errorTypes?: Readonly<Record<number, string>>,
): ErrorContract {
  const status = isValidStatus(error.status) ? error.status : 500
  const expose = error.expose ?? status < 500
  // The body's errorType must equal the header, and the header is sanitised.
  const errorType =
    sanitizeHeaderValue(error.errorType ?? '') ||
    sanitizeHeaderValue(errorTypeFor(status, errorTypes))
  // Members added in the contract's order (it is the body's): no spread of a throwaway object.
  const contract = {
    type: error.type ?? 'about:blank',
    title: error.title ?? statusTitle(status),
    status,
  } as ErrorContract
  if (expose && error.detail) contract.detail = error.detail
  contract.errorType = errorType
  if (error.requestId) contract.requestId = error.requestId
  if (expose && error.extensions) {
    for (const [key, value] of Object.entries(error.extensions)) {
      if (!CONTRACT_MEMBERS.has(key)) contract[key] = value
    }
  }
  return contract
}

/** Body and content type of a contract in the chosen format. */
export function formatErrorBody(
  contract: ErrorContract,
  format: ErrorFormat = 'problem',
): { body: string; contentType: string } {
  if (typeof format === 'function') return format(contract)
  if (format === 'message') {
    const message: Record<string, unknown> = {
      message: contract.detail ?? contract.title,
      errorType: contract.errorType,
    }
    if (contract.requestId) message.requestId = contract.requestId
    return { body: JSON.stringify(message), contentType: 'application/json' }
  }
  return { body: JSON.stringify(contract), contentType: PROBLEM_CONTENT_TYPE }
}

/** `Retry-After` in whole seconds, never 0 (a client would retry at once), at most a day. */
export const retryAfterValue = (seconds: number): string =>
  String(
    Math.min(
      MAX_RETRY_AFTER_SECONDS,
      Math.max(1, Math.ceil(Number.isFinite(seconds) ? seconds : 1)),
    ),
  )

/**
 * H3: a `Retry-After` that is not a positive whole number of seconds (a thrown error's
 * own `'1\r\nX-Evil: 1'`, `'soon'`, `0`) is replaced on a 429/503, which must carry one,
 * and dropped elsewhere.
 */
function enforceRetryAfter(headers: Record<string, string>, status: number): void {
  const key = findHeaderKey(headers, 'retry-after')
  if (key !== undefined && isRetryAfterSeconds(headers[key])) return
  if (key !== undefined) delete headers[key]
  if (status === 429 || status === 503) headers['Retry-After'] = retryAfterValue(1)
}

// The renderer runs while handling an error: a custom formatter that throws or returns
// something that is not a body must not turn a clean error into the gateway's 502.
function safeFormat(
  contract: ErrorContract,
  format: ErrorFormat | undefined,
): { body: string; contentType: string } {
  const formatted = tryFormat(contract, format) ?? tryFormat(contract, 'problem')
  if (formatted !== undefined) return formatted
  // Extensions are the only members that can fail to serialise (BigInt, cycles).
  const { type, title, status, detail, errorType, requestId } = contract
  return formatErrorBody({ type, title, status, detail, errorType, requestId }, 'problem')
}

/** The body in one format, or `undefined` when formatting throws or returns no string body. */
function tryFormat(
  contract: ErrorContract,
  format: ErrorFormat | undefined,
): { body: string; contentType: string } | undefined {
  try {
    const formatted = formatErrorBody(contract, format)
    if (typeof formatted?.body === 'string' && typeof formatted.contentType === 'string') {
      return formatted
    }
  } catch {
    // the caller tries the next format
  }
  return undefined
}

/**
 * Renders an error as a proxy result every front door delivers as is: status,
 * `Content-Type`, `x-amzn-ErrorType`, `Retry-After` when given, and the body.
 * A custom formatter that throws or returns no string body falls back to `problem`.
 */
export function renderErrorResponse(
  error: ErrorDescription,
  options: RenderOptions = {},
): RenderedErrorResponse {
  const contract = errorContract(error, options.errorTypes)
  const status = contract.status
  const { body, contentType } = safeFormat(contract, options.format)
  const headers = mergeHeaders(error.headers, {
    'Content-Type': contentType,
    'x-amzn-ErrorType': contract.errorType,
    'Retry-After':
      error.retryAfterSeconds === undefined ? undefined : retryAfterValue(error.retryAfterSeconds),
  })
  enforceRetryAfter(headers, status)
  if (options.integration === 'alb') {
    const statusDescription = `${status} ${statusTitle(status)}`
    if (albMultiValueHeaders(options.event)) {
      const multiValueHeaders = Object.fromEntries(
        Object.entries(headers).map(([name, value]) => [name, [value]]),
      )
      return {
        statusCode: status,
        statusDescription,
        multiValueHeaders,
        body,
        isBase64Encoded: false,
      }
    }
    return { statusCode: status, statusDescription, headers, body, isBase64Encoded: false }
  }
  return { statusCode: status, headers, body, isBase64Encoded: false }
}
