import {
  ageAtArrivalMs,
  errorTypeFor,
  type GateproofHttpError,
  gateproofError,
  timeoutStatusFor,
} from '@gateproof/core'
import { PACKAGE } from './options.js'
import type { RequestGuard } from './request-guard.js'

/**
 * What is known about a timeout, for the error's `cause.data` and the log line: all
 * bounded numbers and names, nothing from the request itself.
 */
export function timeoutFacts(guard: RequestGuard): Record<string, unknown> {
  const { deadline, timedOutAt = Date.now(), handlerStartedAt, phase } = guard
  const facts: Record<string, unknown> = {
    phase,
    integration: deadline.integration ?? 'unknown',
    boundBy: deadline.boundBy,
    deadlineAt: deadline.at,
    budgetLeftAtArrivalMs: deadline.at - deadline.computedAt,
    ageAtArrivalMs: ageAtArrivalMs(deadline),
    handlerRanMs:
      phase === 'handler' && handlerStartedAt !== undefined
        ? timedOutAt - handlerStartedAt
        : undefined,
    lateByMs: timedOutAt - deadline.at,
    integrationTimeoutMs: deadline.integrationTimeoutMs,
    marginMs: deadline.marginMs,
  }
  for (const [key, value] of Object.entries(facts)) if (value === undefined) delete facts[key]
  return facts
}

const MESSAGES = {
  arrival: 'The request arrived after its deadline',
  before: 'A middleware before the handler did not finish before the deadline',
  handler: 'The handler did not finish before the deadline',
  after: 'A middleware after the handler did not finish before the deadline',
} as const

/**
 * The error a timeout leaves through: the front door's own timeout status (REST 504,
 * HTTP API 503, gateway-facts §2.1) as an `http-errors` error in Middy's idiom, named
 * `TimeoutError` like Middy core's and the DOM's, so status-based and name-based
 * error mappers agree on it.
 */
export function timeoutError(
  guard: RequestGuard | undefined,
  retryAfterSeconds: number,
): GateproofHttpError {
  const status = timeoutStatusFor(guard?.deadline.integration)
  const error = gateproofError(status, MESSAGES[guard?.phase ?? 'handler'], {
    package: PACKAGE,
    data: guard === undefined ? undefined : timeoutFacts(guard),
    errorType: errorTypeFor(status),
    // Every 503 gateproof produces says when to retry (DESIGN, error contract).
    retryAfterSeconds: status === 503 ? retryAfterSeconds : undefined,
  })
  error.name = 'TimeoutError'
  return error
}
