import {
  type AuthorizerEventOf,
  type AuthorizerType,
  createTelemetry,
  detectAuthorizer,
  internalKey,
  isObject,
  type PluginHooks,
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
import { authorizerFailure, isOwnError, refuse, unauthorizedError } from './outcome.js'
import { type ClientOutcome, emitReport, type Report } from './report.js'
import { redact, secretsOf } from './secrets.js'
import { defaultUnauthorizedWhen, viewThrown } from './thrown.js'

/** The event type a middleware for a `type` option sees. */
export type AuthorizerEventFor<T extends AuthorizerTypeOption> = T extends AuthorizerType
  ? AuthorizerEventOf<T>
  : unknown

/** A Middy middleware plus the `requestEnd` hook that also covers early responses. */
export type AuthorizerShapeMiddleware<T extends AuthorizerTypeOption = 'auto'> = MiddlewareObj<
  AuthorizerEventFor<T>,
  unknown
> & { readonly plugin: PluginHooks }

/** `request.internal` entry: the output `after`/`onError` settled, so requestEnd does not judge it again. */
const CHECKED = internalKey(PACKAGE)

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

  // Whether Middy runs the plugin hooks; only then is the per-request mark worth writing.
  let pluginInUse = false

  /**
   * Checks the output in `request.response` and fixes or replaces it; true when it changed
   * what the function sends. Throws exactly `Unauthorized` for a 401 outcome (AZ9).
   */
  function settleOutput(request: RequestLike): boolean {
    const type = typeOf(request.event)
    if (type === undefined) return false
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
      return false
    }
    if (resolved.mode === 'report') {
      report(request, {
        type,
        outcome: inspection.decision ?? 'error',
        reason: firstRule,
        action: 'reported',
        violations,
      })
      return false
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
      return true
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
    return true
  }

  const authorizerShapeAfter = (request: RequestLike): void => {
    settleOutput(request)
    if (pluginInUse) request.internal[CHECKED] = request.response
  }

  const authorizerShapeOnError = (request: RequestLike): void => {
    if (request.response === undefined) settleError(request)
    else settleErrorOutput(request)
    if (pluginInUse) request.internal[CHECKED] = request.response
  }

  /**
   * An inner `onError` answered the error by setting `request.response` without returning
   * it (as most do): Middy runs this `onError` next and then sends that output, so it is
   * judged like any other output — never marked checked unseen (AZ11, AZ16, AZ32).
   */
  function settleErrorOutput(request: RequestLike): void {
    try {
      settleOutput(request)
    } catch (error) {
      // settleOutput throws only its exact `Unauthorized` (AZ9); Middy rethrows
      // `request.error` when no output is left.
      request.response = undefined
      request.error = error
    }
  }

  function settleError(request: RequestLike): void {
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

  const authorizerShapeRequestStart = (): void => {
    pluginInUse = true
  }

  /**
   * Middy skips every `after` when a `before` answers early, and stops at the first
   * `after`/`onError` that returns a value; `requestEnd` runs on every path. By then Middy
   * holds the output it will return: a fix happens in place, and a 401 by throwing (Middy
   * rejects with a `requestEnd` error when the invocation had none).
   */
  const authorizerShapeRequestEnd = (request: RequestLike): void => {
    const { internal, response } = request
    if (response === undefined) return
    if (CHECKED in internal && internal[CHECKED] === response) return
    const probe: RequestLike = {
      event: request.event,
      context: request.context,
      internal: {},
      response,
    }
    if (!settleOutput(probe) || rewriteInPlace(response, probe.response)) return
    // A primitive or frozen output cannot be replaced; on REST a 401 still beats the 500.
    const type = typeOf(request.event)
    if (type === 'token' || type === 'request') throw unauthorizedError('unreplaceable-output')
  }

  return {
    after: authorizerShapeAfter,
    onError: authorizerShapeOnError,
    plugin: {
      requestStart: authorizerShapeRequestStart,
      requestEnd: authorizerShapeRequestEnd,
    },
  } as AuthorizerShapeMiddleware<T>
}

/** Turns an early output object into its replacement, keeping its identity. */
function rewriteInPlace(target: unknown, replacement: unknown): boolean {
  if (!isObject(target) || !isObject(replacement)) return false
  try {
    if (!Object.isExtensible(target)) return false
    for (const key of Object.keys(target)) delete target[key]
    // defineProperty, not assignment: a "__proto__" key stays a key.
    for (const [key, value] of Object.entries(replacement)) {
      Object.defineProperty(target, key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      })
    }
    return true
  } catch {
    return false
  }
}

export default authorizerShape
