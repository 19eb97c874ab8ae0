import { errorTypeFor, type GateproofHttpError, gateproofError } from '@gateproof/core'
import type { Priority, QuotaInfo } from './limiter.js'
import { rateLimitHeaders } from './ratelimit-headers.js'

export const PKG = '@gateproof/load-shedder'

/** Why a request was refused: a local policy's name, or a limiter's bounded reason. */
export type ShedReason = 'deadline' | 'in-flight' | 'adaptive' | 'event-loop' | (string & {})

/** A policy's refusal, before it becomes an error. */
export interface Refusal {
  reason: ShedReason
  /** The policy's own estimate of when a retry may succeed. */
  retryAfterMs: number
  quota?: QuotaInfo
  /** The limit the request hit, for the log line. */
  limit?: number
}

const MESSAGES: Record<string, string> = {
  rate: 'Request rate exceeded.',
  concurrency: 'Too many concurrent requests.',
  'in-flight': 'Too many concurrent requests.',
  adaptive: 'Too many concurrent requests.',
  deadline: 'Not enough time left to complete the request.',
  'event-loop': 'The service is overloaded.',
}

const seconds = (n: number) => (n === 1 ? '1 second' : `${n} seconds`)

/** The message a client reads (exposed on a 429, hidden by the contract on a 503). */
export const refusalMessage = (reason: ShedReason, retryAfterSeconds: number): string =>
  `${MESSAGES[reason] ?? 'Too many requests.'} Retry after ${seconds(retryAfterSeconds)}.`

export interface RefusalErrorInput {
  refusal: Refusal
  status: 429 | 503
  priority: Priority
  retryAfterSeconds: number
}

/**
 * The error a refused request is thrown as: the error renderer turns it into the response,
 * so `onError` decorators (CORS…) still run. Headers carry everything a client needs even
 * through a renderer that only copies `error.headers` (`@middy/http-error-handler`).
 */
export function refusalError({
  refusal,
  status,
  priority,
  retryAfterSeconds,
}: RefusalErrorInput): GateproofHttpError {
  const errorType = errorTypeFor(status)
  // Capturing a stack trace is most of what creating an error costs, and a refusal's stack
  // only ever points here; under overload the refusal itself must stay cheap.
  const stackTraceLimit = Error.stackTraceLimit
  Error.stackTraceLimit = 0
  try {
    return gateproofError(status, refusalMessage(refusal.reason, retryAfterSeconds), {
      package: PKG,
      data: { reason: refusal.reason, priority, retryAfterSeconds },
      headers: {
        'Retry-After': String(retryAfterSeconds),
        ...(refusal.quota ? rateLimitHeaders(refusal.quota, retryAfterSeconds) : undefined),
        'x-amzn-ErrorType': errorType,
      },
      errorType,
      retryAfterSeconds,
    })
  } finally {
    Error.stackTraceLimit = stackTraceLimit
  }
}
