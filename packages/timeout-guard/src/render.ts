import type { ErrorFormat } from '@gateproof/core'
import {
  type GateproofHttpError,
  type RenderedErrorResponse,
  type RequestLike,
  renderErrorResponse,
  requestIdOf,
} from '@gateproof/core'
import type { RequestGuard } from './request-guard.js'

/**
 * The timeout response when nothing else rendered one (no error mapper in the chain):
 * the error contract, valid for the front door that sent the event.
 */
export const renderTimeout = (
  guard: RequestGuard,
  error: GateproofHttpError,
  request: RequestLike,
  format: ErrorFormat,
): RenderedErrorResponse =>
  renderErrorResponse(
    {
      status: error.status,
      errorType: error.errorType,
      requestId: requestIdOf(request.event, request.context),
      retryAfterSeconds: error.retryAfterSeconds,
    },
    { format, integration: guard.deadline.integration, event: request.event },
  )
