import {
  type AuthorizerEventOf,
  type AuthorizerType,
  createTelemetry,
  detectAuthorizer,
  isObject,
  type RequestLike,
  requestIdOf,
} from '@gateproof/core'
import type { MiddlewareObj } from '@middy/core'
import { inspectOutput } from './inspect.js'
import {
  type AuthorizerShapeOptions,
  type AuthorizerTypeOption,
  PACKAGE,
  type RefusalOutcome,
  type ResponseFormat,
  resolveOptions,
} from './options.js'
import { authorizerFailure, isOwnError, refuse } from './outcome.js'
import { type ClientOutcome, emitReport, type Report } from './report.js'
import { redact, secretsOf } from './secrets.js'
import { defaultUnauthorizedWhen, viewThrown } from './thrown.js'

/** The event type a middleware for a `type` option sees. */
export type AuthorizerEventFor<T extends AuthorizerTypeOption> = T extends AuthorizerType
  ? AuthorizerEventOf<T>
  : unknown

export type AuthorizerShapeMiddleware<T extends AuthorizerTypeOption = 'auto'> = MiddlewareObj<
  AuthorizerEventFor<T>,
  unknown
>

function readField(value: unknown, key: string): unknown {
  if (!isObject(value)) return undefined
  try {
    return value[key]
  } catch {
    return undefined
  }
}

/** The ARN the gateway checks the policy against: `methodArn`, or `routeArn` on HTTP API 2.0. */
function arnOf(event: unknown): string | undefined {
  const arn = readField(event, 'methodArn') ?? readField(event, 'routeArn')
  return typeof arn === 'string' && arn !== '' ? arn : undefined
}

/**
 * Makes a Lambda authorizer's answer one API Gateway understands: outputs are checked
 * against the contract of the authorizer's kind (gateway-facts §10) and repaired or
 * replaced by a deliberate Deny; thrown errors become exactly `Unauthorized` (401), a Deny
 * (403) or the gateway's 500, as the author meant. Events that are not authorizer events
 * pass through untouched.
 *
 *     middy(authorize).use(authorizerShape({ type: 'token', cacheTtlSeconds: 300 }))
 */
export const authorizerShape = <T extends AuthorizerTypeOption = 'auto'>(
  options: AuthorizerShapeOptions<T> = {},
): AuthorizerShapeMiddleware<T> => {
  const resolved = resolveOptions(options)
  const logger = options.logger === false ? undefined : options.logger
  const telemetry = createTelemetry(PACKAGE, { metrics: options.metrics, logger })
  const stderrFallback = options.logger === undefined
  const unauthorizedWhen = resolved.unauthorizedWhen ?? defaultUnauthorizedWhen

  function typeOf(event: unknown): AuthorizerType | undefined {
    let detected: AuthorizerType | undefined
    try {
      detected = detectAuthorizer(event)
    } catch {
      detected = undefined
    }
    if (detected === undefined) return undefined
    return resolved.type === 'auto' ? detected : resolved.type
  }

  /** HTTP API 2.0 without a configured format: the output's own shape, else API Gateway's default (IAM). */
  function formatOf(type: AuthorizerType, output: unknown): ResponseFormat {
    if (type !== 'http-v2') return 'iam'
    if (resolved.responseFormat !== undefined) return resolved.responseFormat
    return readField(output, 'isAuthorized') !== undefined ? 'simple' : 'iam'
  }

  const report = (request: RequestLike, fields: Omit<Report, 'requestId'>): void =>
    emitReport(telemetry, stderrFallback, {
      ...fields,
      requestId: requestIdOf(request.event, request.context),
    })

  function outcomeOfRefusal(wanted: RefusalOutcome, type: AuthorizerType): ClientOutcome {
    return wanted === 'unauthorized' && (type === 'token' || type === 'request')
      ? 'unauthorized'
      : 'deny'
  }

  const authorizerShapeAfter = (request: RequestLike): void => {
    const type = typeOf(request.event)
    if (type === undefined) return
    const format = formatOf(type, request.response)
    const arn = arnOf(request.event)
    const inspection = inspectOutput(request.response, {
      flatContext: type !== 'http-v2',
      format,
      arn,
      cacheTtlSeconds: resolved.cacheTtlSeconds,
    })
    const { violations, warnings } = inspection
    if (warnings.length > 0) {
      report(request, {
        type,
        outcome: 'allow',
        reason: warnings[0]?.rule ?? 'warning',
        action: 'warned',
        warnings,
      })
    }
    const firstRule = violations[0]?.rule ?? 'policy'
    if (violations.length === 0) {
      // Send exactly what was checked: the serialised copy, not a live object that may change.
      if (resolved.mode !== 'report') request.response = inspection.repaired
      if (inspection.decision === 'deny') {
        report(request, { type, outcome: 'deny', reason: 'policy', action: 'none' })
      }
      return
    }
    if (resolved.mode === 'report') {
      report(request, {
        type,
        outcome: inspection.decision ?? 'error',
        reason: firstRule,
        action: 'reported',
        violations,
      })
      return
    }
    if (resolved.mode === 'repair' && !inspection.unfixable) {
      request.response = inspection.repaired
      report(request, {
        type,
        outcome: inspection.decision ?? 'allow',
        reason: firstRule,
        action: 'repaired',
        violations,
      })
      return
    }
    // A proxy-style { statusCode: 401 | 403 } says which "no" the author meant (AZ11).
    const wanted: RefusalOutcome =
      inspection.proxyStatus === 401
        ? 'unauthorized'
        : inspection.proxyStatus === 403
          ? 'deny'
          : resolved.invalid
    const principalId = inspection.principalId ?? resolved.principalId
    const refusal = refuse(wanted, type, format, principalId, arn, firstRule)
    report(request, {
      type,
      outcome: outcomeOfRefusal(wanted, type),
      reason: firstRule,
      action: 'replaced',
      violations,
    })
    if (refusal.kind === 'unauthorized') throw refusal.error
    request.response = refusal.response
  }

  const authorizerShapeOnError = (request: RequestLike): void => {
    if (request.response !== undefined) return
    const type = typeOf(request.event)
    if (type === undefined) return
    const { error } = request
    if (isOwnError(error)) return
    const thrown = viewThrown(error)
    let meant401 = false
    try {
      meant401 = unauthorizedWhen(thrown) === true
    } catch {
      // A matcher that throws decides nothing.
    }
    const reason = meant401 ? 'thrown-401' : thrown.status === 403 ? 'thrown-403' : 'thrown-error'
    const wanted = meant401 ? 'unauthorized' : thrown.status === 403 ? 'deny' : resolved.onError
    const logged = {
      name: thrown.name,
      status: thrown.status,
      message: redact(thrown.message, secretsOf(request.event)),
    }
    const format = formatOf(type, undefined)
    if (resolved.mode === 'report') {
      // Nothing changes: the gateway sees the thrown error as it is.
      const delivered =
        thrown.message === 'Unauthorized' && (type === 'token' || type === 'request')
      report(request, {
        type,
        outcome: delivered ? 'unauthorized' : 'error',
        reason,
        action: 'reported',
        thrown: logged,
      })
      return
    }
    if (wanted === 'throw') {
      request.error = authorizerFailure(reason, thrown.name)
      report(request, { type, outcome: 'error', reason, action: 'replaced', thrown: logged })
      return
    }
    const refusal = refuse(wanted, type, format, resolved.principalId, arnOf(request.event), reason)
    report(request, {
      type,
      outcome: outcomeOfRefusal(wanted, type),
      reason,
      action: 'replaced',
      thrown: logged,
    })
    if (refusal.kind === 'unauthorized') request.error = refusal.error
    else request.response = refusal.response
  }

  return {
    after: authorizerShapeAfter,
    onError: authorizerShapeOnError,
  } as AuthorizerShapeMiddleware<T>
}

export default authorizerShape
