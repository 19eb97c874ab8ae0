import {
  createTelemetry,
  detectIntegration,
  type EventOf,
  type GateproofHttpError,
  gateproofError,
  type Integration,
  internalKey,
  type RequestLike,
  type ResultOf,
  renderErrorResponse,
  requestIdOf,
} from '@gateproof/core'
import type { MiddlewareObj } from '@middy/core'
import { describeThrown } from './describe.js'
import { type MappedError, mapError } from './map-error.js'
import { type ErrorMapperOptions, PACKAGE, resolveOptions } from './options.js'

const STATE_KEY = internalKey(PACKAGE)

/** What the mapper decided for a request, kept on `request.internal` for later middlewares. */
export interface ErrorMapperState {
  mapped: MappedError
  /** The same decision as an `http-errors` error (`cause: { package, data: { rule } }`), made on first read. */
  readonly error: GateproofHttpError
}

/** The mapper's decision for this request, if it answered an error. */
export const errorMapperState = (request: RequestLike): ErrorMapperState | undefined =>
  request.internal[STATE_KEY] as ErrorMapperState | undefined

/**
 * Turns whatever the handler or a middleware threw into a response the front door
 * delivers: the right status, a safe body in the error contract, `x-amzn-ErrorType`,
 * `Retry-After` where it helps, one log line and one EMF metric. Use it after
 * (`.use()` later than) `@middy/http-cors` and `@middy/http-security-headers`, so its
 * `onError` runs before theirs and they decorate the response it renders.
 */
export const errorMapper = <I extends Integration = Integration>(
  options: ErrorMapperOptions<I> = {},
): MiddlewareObj<EventOf<I>, ResultOf<I>, unknown> => {
  const resolved = resolveOptions(options)
  const { rules, throttleStatus, retryAfterSeconds, errorTypes, logLevels } = resolved
  const telemetry = createTelemetry(PACKAGE, {
    metrics: resolved.metrics,
    logger: resolved.logger,
  })

  const errorMapperOnError = (request: RequestLike): void => {
    if (request.response !== undefined) return
    const integration =
      resolved.integration === 'auto' ? detectIntegration(request.event) : resolved.integration
    const mapped = mapError(request.error, rules, {
      integration,
      throttleStatus,
      retryAfterSeconds,
      errorTypes,
    })
    const requestId = requestIdOf(request.event, request.context)
    request.internal[STATE_KEY] = stateOf(mapped)
    const { rule, failedRule, ...description } = mapped
    request.response = renderErrorResponse(
      { ...description, requestId },
      { format: resolved.format, integration, event: request.event, errorTypes },
    )

    const { status, errorType } = mapped
    telemetry.count('Error', {
      StatusCode: String(status),
      ErrorType: errorType,
      Integration: integration ?? 'unknown',
    })
    if (!telemetry.hasLogger) return
    telemetry.log(status >= 500 ? logLevels['5xx'] : logLevels['4xx'], 'Request failed', {
      requestId,
      statusCode: status,
      errorType,
      integration: integration ?? 'unknown',
      rule,
      ...(failedRule === undefined ? {} : { failedRule }),
      error: describeThrown(request.error, { stack: status >= 500 }),
    })
  }

  return { onError: errorMapperOnError }
}

export default errorMapper

// Building an http-errors error captures a stack: only worth it for whoever asks.
function stateOf(mapped: MappedError): ErrorMapperState {
  let error: GateproofHttpError | undefined
  return {
    mapped,
    get error() {
      error ??= toHttpError(mapped)
      return error
    },
  }
}

/** The decision as an `http-errors` error in Middy's idiom, for code that expects one. */
export function toHttpError(mapped: MappedError): GateproofHttpError {
  return gateproofError(mapped.status, mapped.detail ?? mapped.title, {
    package: PACKAGE,
    data: { rule: mapped.rule },
    headers: mapped.headers,
    errorType: mapped.errorType,
    expose: mapped.expose,
    retryAfterSeconds: mapped.retryAfterSeconds,
  })
}
