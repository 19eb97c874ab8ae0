import type { AuthorizerType } from '@gateproof/core'
import { denyResourceFor, INVOKE_ACTION } from '@gateproof/core'
import { PACKAGE, type RefusalOutcome, type ResponseFormat } from './options.js'

/** Errors this package throws on purpose: its own middleware lets them through untouched. */
const OWN_ERRORS = new WeakSet<object>()

export const isOwnError = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && OWN_ERRORS.has(value)

/**
 * AZ9: API Gateway answers 401 only when the function fails with the message exactly
 * `Unauthorized` (the match is on Lambda's `errorMessage`; other text gives 500, AZ10).
 */
export function unauthorizedError(reason: string): Error {
  const error = new Error('Unauthorized', { cause: { package: PACKAGE, data: { reason } } })
  OWN_ERRORS.add(error)
  return error
}

/**
 * The failure for `onError: 'throw'`: a fresh error whose message is never `Unauthorized`
 * and carries nothing of the thrown one, so the gateway answers its 500 (AZ10, AZ32) and
 * no secret in a thrown message reaches Lambda's error report.
 */
export function authorizerFailure(reason: string, thrownName: string): Error {
  const error = new Error('Authorizer failed', {
    cause: { package: PACKAGE, data: { reason, thrown: thrownName } },
  })
  error.name = 'AuthorizerError'
  OWN_ERRORS.add(error)
  return error
}

/** A Deny for this request: a Deny policy (AZ7, AZ31) or `{ isAuthorized: false }` (AZ29, AZ31). */
export function denyResponse(
  format: ResponseFormat,
  principalId: string,
  arn: string | undefined,
): unknown {
  if (format === 'simple') return { isAuthorized: false }
  return {
    principalId,
    policyDocument: {
      Version: '2012-10-17',
      // Without the event's ARN, or with one too long for a policy (AZ19), deny wider: a Deny is never too wide.
      Statement: [{ Action: INVOKE_ACTION, Effect: 'Deny', Resource: denyResourceFor(arn) }],
    },
  }
}

export type Refusal = { kind: 'deny'; response: unknown } | { kind: 'unauthorized'; error: Error }

/**
 * The deliberate "no" for this authorizer. `unauthorized` exists only on REST (AZ9): on
 * HTTP API a thrown `Unauthorized` giving 401 is UNCONFIRMED (AZ33) and the documented
 * rule says an authorizer error is a 500 (AZ32), so there it is a Deny (403).
 */
export function refuse(
  wanted: RefusalOutcome,
  type: AuthorizerType,
  format: ResponseFormat,
  principalId: string,
  arn: string | undefined,
  reason: string,
): Refusal {
  if (wanted === 'unauthorized' && (type === 'token' || type === 'request')) {
    return { kind: 'unauthorized', error: unauthorizedError(reason) }
  }
  return { kind: 'deny', response: denyResponse(format, principalId, arn) }
}
