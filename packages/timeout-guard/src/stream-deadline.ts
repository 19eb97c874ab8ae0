import {
  assertKnownOptions,
  assertNumber,
  assertOneOf,
  computeDeadline,
  DEFAULT_MARGIN_MS,
  detectIntegration,
  getHeader,
  type Integration,
  isObject,
  type LambdaContextLike,
  peekRequestState,
  type RequestLike,
  requireStreamState,
} from '@gateproof/core'
import type { MiddlewareObj } from '@middy/core'

const PACKAGE = '@gateproof/timeout-guard'

/** REST `STREAM`: the whole stream may last up to 15 minutes (ST5). */
export const REST_STREAM_TOTAL_MS = 900_000
/** REST `STREAM` idle timeout between chunks: Regional and private endpoints (ST5). */
export const REST_STREAM_IDLE_MS = 300_000
/** REST `STREAM` idle timeout of edge-optimized endpoints, and CloudFront's default response timeout (ST5). */
export const EDGE_STREAM_IDLE_MS = 30_000

export interface StreamDeadlineOptions {
  /** The front door; `auto` (default) detects it from each event. Only REST and Function URLs stream. */
  integration?: 'auto' | 'rest' | 'function-url'
  /**
   * How long the whole stream may last from the gateway's arrival time, in ms. Default:
   * 900 000 for REST (ST5); `null` for Function URLs, whose limit is the function timeout
   * (always applied: the stream ends before Lambda's remaining time runs out).
   */
  totalMs?: number | null
  /**
   * Longest silence between chunks, in ms. Default for REST: 300 000 (Regional/private),
   * 30 000 when the request came through CloudFront (edge-optimized endpoint, or your own
   * distribution, whose response timeout defaults to 30 s); `null` for Function URLs,
   * which document no idle timeout.
   */
  idleMs?: number | null
  /** Time kept back before each limit to end the stream cleanly. Default 500. */
  marginMs?: number
}

const KEYS = ['integration', 'totalMs', 'idleMs', 'marginMs'] as const

/**
 * Streaming deadlines: ends the stream — and aborts the handler's `signal` — before the
 * front door or Lambda cuts it. Before the first byte the client gets the contract's 504;
 * after it, the stream ends cleanly and the truncation is reported (by `streamErrors`).
 * Middy's own early timeout races only the handler, never the stream (ST30); this covers
 * the stream: a total deadline and an idle deadline between chunks.
 *
 *     middy(fn, { executionMode: streamingExecutionMode() }).use(streamDeadline())
 */
export function streamDeadline(
  options: StreamDeadlineOptions = {},
): MiddlewareObj<unknown, unknown, unknown> {
  assertKnownOptions(PACKAGE, options, KEYS)
  assertOneOf(PACKAGE, 'integration', options.integration, ['auto', 'rest', 'function-url'])
  for (const name of ['totalMs', 'idleMs'] as const) {
    if (options[name] !== null) {
      assertNumber(PACKAGE, name, options[name], {
        min: 1,
        max: REST_STREAM_TOTAL_MS,
        integer: true,
      })
    }
  }
  const marginMs = options.marginMs ?? DEFAULT_MARGIN_MS
  assertNumber(PACKAGE, 'marginMs', marginMs, { min: 0, max: REST_STREAM_TOTAL_MS, integer: true })
  const fixed = options.integration === 'auto' ? undefined : options.integration

  return {
    before: function streamDeadlineBefore(request) {
      const state = requireStreamState(request as RequestLike, PACKAGE)
      if (state === undefined) return
      const integration = fixed ?? detectIntegration(request.event)
      const totalMs = options.totalMs !== undefined ? options.totalMs : defaultTotalMs(integration)
      const deadline = computeDeadline(request.event, lambdaClock(request as RequestLike), {
        integration,
        integrationTimeoutMs: totalMs,
        marginMs,
      })
      if (Number.isFinite(deadline.at)) state.totalAt = deadline.at
      const idleMs =
        options.idleMs !== undefined ? options.idleMs : defaultIdleMs(integration, request.event)
      if (idleMs !== null) state.idleMs = Math.max(1, idleMs - marginMs)
    },
  }
}

export default streamDeadline

/**
 * Lambda's own remaining time. Behind the timeout guard the middlewares see a context whose
 * `getRemainingTimeInMillis` counts down to the guard's deadline — the handler's, bound by
 * the integration timeout (29 s on REST) — which a stream outlives (ST5, IT4): the stream
 * reads the Lambda deadline the guard computed from the real context instead.
 */
function lambdaClock(request: RequestLike): LambdaContextLike | undefined {
  const armed = peekRequestState(request)?.deadline
  if (armed === undefined) return request.context
  const lambdaAt = armed.lambdaDeadlineAt
  return lambdaAt === undefined
    ? undefined
    : { getRemainingTimeInMillis: () => lambdaAt - Date.now() }
}

const defaultTotalMs = (integration: Integration | undefined): number | null =>
  integration === 'rest' ? REST_STREAM_TOTAL_MS : null

/** CloudFront adds `X-Amz-Cf-Id` (and `Via: … (CloudFront)`) to what it forwards. */
function defaultIdleMs(integration: Integration | undefined, event: unknown): number | null {
  if (integration !== 'rest') return null
  const headers = isObject(event) ? event.headers : undefined
  const via = getHeader(headers, 'via')
  const cloudFront =
    getHeader(headers, 'x-amz-cf-id') !== undefined ||
    (typeof via === 'string' && via.includes('CloudFront'))
  return cloudFront ? EDGE_STREAM_IDLE_MS : REST_STREAM_IDLE_MS
}
