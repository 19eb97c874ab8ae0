import {
  createTelemetry,
  describeThrown,
  detectIntegration,
  logStreamOutcome,
  type RequestLike,
  renderErrorResponse,
  requestIdOf,
  requireStreamState,
  type StreamFailure,
  type StreamOutcome,
} from '@gateproof/core'
import type { MiddlewareObj } from '@middy/core'

import { mapError } from './map-error.js'
import { type ErrorMapperOptions, PACKAGE, resolveOptions } from './options.js'

/** The EMF metric counted once per stream that did not end complete. */
export const STREAM_ERROR_METRIC = 'StreamError'

/**
 * Errors of a streamed response, which Middy's `onError` never sees (ST26, ST29):
 *
 * - before the first byte (the body stream fails or stays silent, or the prelude is
 *   invalid), the error is mapped with the same rules as `errorMapper` and rendered in the
 *   contract — the status can still change;
 * - after it, the stream has been ended cleanly and the truncation is counted
 *   (`StreamError`, dimensions `Reason`, `Ended`, `Integration`) and logged once.
 *
 * Errors thrown before the handler returns go through `errorMapper` as usual; use both,
 * with the same options.
 */
export function streamErrors(
  options: ErrorMapperOptions = {},
): MiddlewareObj<unknown, unknown, unknown> {
  const resolved = resolveOptions(options)
  const { rules, throttleStatus, retryAfterSeconds, errorTypes, logLevels } = resolved
  const telemetry = createTelemetry(PACKAGE, { metrics: resolved.metrics, logger: resolved.logger })

  return {
    before: function streamErrorsBefore(request) {
      const state = requireStreamState(request as RequestLike, PACKAGE)
      if (state === undefined) return
      const integration =
        resolved.integration === 'auto' ? detectIntegration(request.event) : resolved.integration
      const requestId = requestIdOf(request.event, request.context)

      state.renderError = function renderStreamError(failure: StreamFailure) {
        const mapped = mapError(thrownOf(failure), rules, {
          integration,
          throttleStatus,
          retryAfterSeconds,
          errorTypes,
        })
        const { rule, failedRule, ...description } = mapped
        return renderErrorResponse(
          { ...description, requestId },
          {
            format: resolved.format,
            // ALB does not stream (ST32): its response fields stay out of a prelude.
            integration: integration === 'alb' ? undefined : integration,
            event: request.event,
            errorTypes,
          },
        )
      }

      state.onEnd.push(function reportStream(outcome: StreamOutcome) {
        if (outcome.ended === 'complete') return
        telemetry.count(STREAM_ERROR_METRIC, {
          Reason: outcome.reason,
          Ended: outcome.ended,
          Integration: integration ?? 'unknown',
        })
        if (!telemetry.hasLogger) {
          logStreamOutcome(request as RequestLike, outcome)
          return
        }
        telemetry.log(
          outcome.ended === 'replaced' ? logLevels['5xx'] : 'error',
          outcome.ended === 'truncated' ? 'Stream truncated' : 'Stream replaced by an error',
          {
            requestId,
            integration: integration ?? 'unknown',
            ended: outcome.ended,
            reason: outcome.reason,
            statusCode: outcome.statusCode,
            bytes: outcome.bytes,
            chunks: outcome.chunks,
            ...(outcome.error === undefined
              ? {}
              : { error: describeThrown(outcome.error, { stack: true }) }),
          },
        )
      })
    },
  }
}

export default streamErrors

/** What failed, as a thrown value the rules know: a deadline is a `TimeoutError` (→ 504/503). */
function thrownOf(failure: StreamFailure): unknown {
  if (failure.kind === 'error') return failure.error
  if (failure.kind === 'invalid-prelude') {
    return new Error(`invalid stream prelude: ${failure.problems.slice(0, 5).join('; ')}`)
  }
  return new DOMException(`The stream reached its ${failure.kind}`, 'TimeoutError')
}
