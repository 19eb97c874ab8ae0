import {
  isErrorStatus,
  isObject,
  readThrown,
  readThrownField,
  timeoutStatusFor,
} from '@gateproof/core'
import { awsRetryAfterHint, isAwsServiceError, isAwsThrottle } from './aws-sdk.js'
import { ajvToFieldErrors, isIssueList, issuesToFieldErrors } from './field-errors.js'
import type { ErrorMapping, ErrorRule } from './rule.js'

// Thrown values are read through core's safe reader (H1): a getter that throws reads as absent.
const causePackage = (error: unknown): unknown =>
  readThrownField(readThrownField(error, 'cause'), 'package')

const statusOf = (error: unknown): number | undefined => {
  const statusCode = readThrownField(error, 'statusCode')
  if (isErrorStatus(statusCode)) return statusCode
  const status = readThrownField(error, 'status')
  return isErrorStatus(status) ? status : undefined
}

const withFieldErrors = (mapping: ErrorMapping, errors: unknown[]): ErrorMapping =>
  errors.length > 0 ? { ...mapping, extensions: { errors } } : mapping

/**
 * `@middy/validator`: its status (400 for the event, 500 for context or response),
 * with the ajv errors as field-level `errors` on a 400.
 */
export const middyValidatorRule: ErrorRule = {
  name: 'middy-validator',
  match: (error) => causePackage(error) === '@middy/validator' && statusOf(error) !== undefined,
  map: (error) => {
    const status = statusOf(error) as number
    if (status >= 500) return { status }
    const { cause } = error as { cause: { data?: unknown } }
    return withFieldErrors({ status }, ajvToFieldErrors(cause.data))
  },
}

/**
 * `@middy/http-json-body-parser`: 415 stays; a body that is not acceptable JSON
 * is a malformed request, 400. Its messages are fixed strings, safe to show;
 * `cause.data` holds the raw body and is never rendered.
 */
export const jsonBodyParserRule: ErrorRule = {
  name: 'json-body-parser',
  match: (error) =>
    causePackage(error) === '@middy/http-json-body-parser' && statusOf(error) !== undefined,
  map: (error) => ({ status: statusOf(error) === 415 ? 415 : 400 }),
}

/**
 * `@aws-lambda-powertools/event-handler` `HttpError` subclasses (`BadRequestError`,
 * `RequestValidationError`, …): their `statusCode`; validation issues become `errors`.
 */
export const powertoolsHttpErrorRule: ErrorRule = {
  name: 'powertools-http-error',
  match: (error) =>
    error instanceof Error &&
    isErrorStatus((error as { statusCode?: unknown }).statusCode) &&
    typeof (error as { errorType?: unknown }).errorType === 'string' &&
    typeof (error as { toWebResponse?: unknown }).toWebResponse === 'function',
  map: (error) => {
    const { statusCode: status, details } = error as { statusCode: number; details?: unknown }
    const issues = isObject(details) ? details.issues : undefined
    return withFieldErrors({ status }, issuesToFieldErrors(issues))
  },
}

/** zod's `ZodError` and other thrown Standard Schema issue lists: 422 with `errors`. */
export const schemaIssuesRule: ErrorRule = {
  name: 'schema-issues',
  match: (error) => isObject(error) && statusOf(error) === undefined && isIssueList(error.issues),
  map: (error) =>
    withFieldErrors(
      { status: 422, detail: 'The request did not pass validation.' },
      issuesToFieldErrors((error as { issues: unknown }).issues),
    ),
}

/**
 * A dependency throttled us and the SDK's retries gave up: 503 (or 429 with
 * `throttleStatus`) and `Retry-After`, the service's own hint when it sent one.
 */
export const awsThrottlingRule: ErrorRule = {
  name: 'aws-throttling',
  match: isAwsThrottle,
  map: (error, { throttleStatus, retryAfterSeconds }) => {
    const seconds = awsRetryAfterHint(error) ?? retryAfterSeconds
    return {
      status: throttleStatus,
      retryAfterSeconds: seconds,
      detail: throttleStatus === 429 ? 'Too many requests. Retry later.' : undefined,
    }
  },
}

/**
 * An AWS service fault (`$fault: 'server'`) that outlived the SDK's retries is a
 * transient dependency outage: 503 + `Retry-After`. Not 502: REST, ALB and Function
 * URLs answer 502 themselves when the function crashes, and the two must stay apart.
 */
export const awsServerFaultRule: ErrorRule = {
  name: 'aws-server-fault',
  match: (error) => isAwsServiceError(error) && error.$fault === 'server',
  map: (_error, { retryAfterSeconds }) => ({ status: 503, retryAfterSeconds }),
}

/**
 * Any other AWS SDK exception is a fault of *our* call (access denied, missing
 * table, invalid parameters): 500, saying nothing of the dependency. Its
 * `$metadata.httpStatusCode` is the dependency's answer to us, not ours to the client.
 */
export const awsClientFaultRule: ErrorRule = {
  name: 'aws-client-fault',
  match: isAwsServiceError,
  map: { status: 500 },
}

/**
 * `http-errors` (gateproof's own errors included) and anything with a numeric
 * `statusCode` or `status` in 400–599: that status, `expose` honoured (a 4xx with
 * `expose: false` keeps its status with the generic title), its headers kept.
 */
export const httpStatusRule: ErrorRule = {
  name: 'http-status',
  match: (error) => statusOf(error) !== undefined,
  map: (error) => {
    const status = statusOf(error) as number
    const { expose, headers, errorType, retryAfterSeconds } = readThrown(error)
    return {
      status,
      expose,
      headers: headers as Record<string, string> | undefined,
      errorType,
      retryAfterSeconds: typeof retryAfterSeconds === 'number' ? retryAfterSeconds : undefined,
    }
  },
}

/**
 * `TimeoutError` / `AbortError` (Middy core's early timeout, `AbortSignal.timeout`,
 * an aborted SDK call): what the front door itself answers on a timeout,
 * 504, or 503 on HTTP API.
 */
export const timeoutRule: ErrorRule = {
  name: 'timeout',
  // The two fields it decides on, not every fact `readThrown` gathers: it runs for every
  // error no earlier rule took, a plain `Error` included.
  match: (error) => {
    const name = readThrownField(error, 'name')
    return (
      name === 'TimeoutError' ||
      name === 'AbortError' ||
      readThrownField(error, 'code') === 'ABORT_ERR'
    )
  },
  map: (_error, { integration }) => ({ status: timeoutStatusFor(integration) }),
}

/**
 * The built-in rules in the order they are tried, after the user's `rules`.
 * Specific shapes come before the generic `statusCode` rule; anything no rule
 * takes is a 500.
 */
export const BUILT_IN_RULES: readonly ErrorRule[] = Object.freeze(
  [
    middyValidatorRule,
    jsonBodyParserRule,
    powertoolsHttpErrorRule,
    schemaIssuesRule,
    awsThrottlingRule,
    awsServerFaultRule,
    awsClientFaultRule,
    httpStatusRule,
    timeoutRule,
    // Frozen rule by rule too, so one check per process covers them (see `assertRules`).
  ].map(freezeRule),
)

function freezeRule(rule: ErrorRule): ErrorRule {
  if (typeof rule.map !== 'function') Object.freeze(rule.map)
  return Object.freeze(rule)
}
