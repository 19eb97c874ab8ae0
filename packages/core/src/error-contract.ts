import { mergeHeaders } from './headers.js'
import { albMultiValueHeaders, type Integration, type ProxyResult } from './integration.js'
import { errorTypeFor, statusTitle } from './status.js'

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

export interface RenderOptions {
  format?: ErrorFormat
  integration?: Integration
  /** The event, so an ALB response uses `multiValueHeaders` when the target group does. */
  event?: unknown
  errorTypes?: Readonly<Record<number, string>>
}

/** The body members of the contract for an error. */
export function errorContract(
  error: ErrorDescription,
  errorTypes?: Readonly<Record<number, string>>,
): ErrorContract {
  const expose = error.expose ?? error.status < 500
  const contract: ErrorContract = {
    ...(expose ? error.extensions : undefined),
    type: error.type ?? 'about:blank',
    title: error.title ?? statusTitle(error.status),
    status: error.status,
    errorType: error.errorType ?? errorTypeFor(error.status, errorTypes),
  }
  if (expose && error.detail) contract.detail = error.detail
  if (error.requestId) contract.requestId = error.requestId
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

/** `Retry-After` in whole seconds, never 0 (a client would retry at once). */
export const retryAfterValue = (seconds: number): string =>
  String(Math.max(1, Math.ceil(Number.isFinite(seconds) ? seconds : 1)))

/**
 * Renders an error as a proxy result every front door delivers as is: status,
 * `Content-Type`, `x-amzn-ErrorType`, `Retry-After` when given, and the body.
 */
export function renderErrorResponse(
  error: ErrorDescription,
  options: RenderOptions = {},
): ProxyResult & { statusCode: number; body: string } {
  const contract = errorContract(error, options.errorTypes)
  const { body, contentType } = formatErrorBody(contract, options.format)
  const headers = mergeHeaders(error.headers, {
    'Content-Type': contentType,
    'x-amzn-ErrorType': contract.errorType,
    'Retry-After':
      error.retryAfterSeconds === undefined ? undefined : retryAfterValue(error.retryAfterSeconds),
  })
  if (options.integration === 'alb') {
    const statusDescription = `${error.status} ${statusTitle(error.status)}`
    if (albMultiValueHeaders(options.event)) {
      const multiValueHeaders = Object.fromEntries(
        Object.entries(headers).map(([name, value]) => [name, [value]]),
      )
      return { statusCode: error.status, statusDescription, multiValueHeaders, body, isBase64Encoded: false }
    }
    return { statusCode: error.status, statusDescription, headers, body, isBase64Encoded: false }
  }
  return { statusCode: error.status, headers, body, isBase64Encoded: false }
}
