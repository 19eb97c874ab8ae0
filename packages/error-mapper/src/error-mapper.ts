import {
  createTelemetry,
  describeThrown,
  type ErrorDescription,
  type EventOf,
  errorTypeDimension,
  frontDoorOf,
  type GateproofHttpError,
  gateproofError,
  type Integration,
  peekRequestState,
  type RequestLike,
  type ResultOf,
  renderErrorResponse,
  requestIdOf,
  requestState,
} from '@gateproof/core'
import type { MiddlewareObj } from '@middy/core'
import { type MappedError, mapError } from './map-error.js'
import { type ErrorMapperOptions, PACKAGE, resolveOptions } from './options.js'

/** What the mapper decided for a request, kept in the request's state for later middlewares. */
export interface ErrorMapperState {
  mapped: MappedError
  /** The same decision as an `http-errors` error (`cause: { package, data: { rule } }`), made on first read. */
  readonly error: GateproofHttpError
}

/** The mapper's decision for this request, if it answered an error. */
export const errorMapperState = (request: RequestLike): ErrorMapperState | undefined =>
  peekRequestState(request)?.errorMapper as ErrorMapperState | undefined

/**
 * Turns whatever the handler or a middleware threw into a response the front door
 * delivers: the right status, a safe body in the error contract, `x-amzn-ErrorType`,
 * `Retry-After` where it helps, one log line and one EMF metric. Use it after
 * (`.use()` later than) `@middy/http-cors` and `@middy/http-security-headers`, so its
 * `onError` runs before theirs and they decorate the response it renders.
 */
export function errorMapper<I extends Integration = Integration>(
  options: ErrorMapperOptions<I> = {},
): MiddlewareObj<EventOf<I>, ResultOf<I>, unknown> {
  const resolved = resolveOptions(options)
  const { rules, throttleStatus, retryAfterSeconds, errorTypes, logLevels, metricErrorTypes } =
    resolved
  const forced = resolved.integration === 'auto' ? undefined : resolved.integration
  const telemetry = createTelemetry(PACKAGE, {
    metrics: resolved.metrics,
    logger: resolved.logger,
  })

  function errorMapperOnError(request: RequestLike): void {
    if (request.response !== undefined) return
    const integration = frontDoorOf(request, forced)
    if (integration === undefined) {
      // H2: not an HTTP event (SQS, EventBridge…): the error is rethrown, so Lambda
      // reports it and retries, fails the batch item or sends it to the DLQ.
      telemetry.stepAside(request)
      return
    }
    const mapped = mapError(request.error, rules, {
      integration,
      throttleStatus,
      retryAfterSeconds,
      errorTypes,
    })
    const requestId = requestIdOf(request.event, request.context)
    requestState(request).errorMapper = new MapperState(mapped)
    request.response = renderErrorResponse(describe(mapped, requestId), {
      format: resolved.format,
      integration,
      event: request.event,
      errorTypes,
    })

    const { status, errorType, rule, failedRule } = mapped
    telemetry.count('Error', {
      StatusCode: String(status),
      // H8: a thrown error's own type is a new metric series each; unknown ones are `Other`.
      ErrorType: errorTypeDimension(errorType, {
        status,
        allowed: metricErrorTypes,
        overrides: errorTypes,
      }),
      Integration: integration,
    })
    // Without a Logger only a 5xx is written (to console.error): skip building the line.
    if (!telemetry.hasLogger && status < 500) return
    telemetry.logFailure(
      request,
      status >= 500 ? logLevels['5xx'] : logLevels['4xx'],
      'Request failed',
      {
        requestId,
        statusCode: status,
        errorType,
        integration,
        rule,
        ...(failedRule === undefined ? {} : { failedRule }),
        error: describeThrown(request.error, { stack: status >= 500 }),
      },
    )
  }

  return { onError: errorMapperOnError }
}

export default errorMapper

/**
 * The decision for the renderer: every member of the mapping but the rule names, plus the
 * request id. Named members rather than a rest spread, which V8 copies one key at a time
 * through its slow path.
 */
function describe(mapped: MappedError, requestId: string | undefined): ErrorDescription {
  const { status, title, detail, expose, errorType, headers, retryAfterSeconds, extensions } =
    mapped
  return {
    status,
    title,
    detail,
    expose,
    errorType,
    headers,
    retryAfterSeconds,
    extensions,
    requestId,
  }
}

/**
 * Building an http-errors error captures a stack: only worth it for whoever asks. A class,
 * so a request's state is one allocation with the getter on the prototype, not an object
 * literal with its own accessor and a closure.
 */
class MapperState implements ErrorMapperState {
  mapped: MappedError
  #error: GateproofHttpError | undefined
  constructor(mapped: MappedError) {
    this.mapped = mapped
  }
  get error(): GateproofHttpError {
    this.#error ??= toHttpError(this.mapped)
    return this.#error
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
