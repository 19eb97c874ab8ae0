import type { ErrorFormat } from './error-contract.js'
import { renderErrorResponse } from './error-contract.js'
import { detectIntegration, isObject } from './integration.js'
import { GateproofOptionsError } from './options.js'
import { requestIdOf } from './request-id.js'
import type { RequestLike } from './request-state.js'
import { deliverStream, type PreludeWriter, type ResponseSink } from './stream-body.js'
import {
  createStreamState,
  getStreamState,
  type StreamOutcome,
  type StreamState,
} from './stream-state.js'

const PACKAGE = '@gateproof/core'

/** The part of the Lambda Node.js runtime's `awslambda` global streaming needs (ST16, ST25). */
export interface AwsLambdaStreamingGlobal {
  streamifyResponse: (
    handler: StreamingLambdaHandler,
    options?: { highWaterMark?: number },
  ) => unknown
  HttpResponseStream: { from: PreludeWriter }
}

export type StreamingLambdaHandler = (
  event: unknown,
  responseStream: ResponseSink,
  context: unknown,
) => Promise<void>

/**
 * The runtime's `awslambda` global. Middy and gateproof wrap the handler when the module
 * loads (ST25), so it must exist then: the Lambda runtime installs it unless
 * `AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA` is set (ST22); tests install a local one
 * (`installStreamingGlobals` from `@gateproof/testing`).
 */
export function streamingGlobal(): AwsLambdaStreamingGlobal {
  const candidate = (globalThis as unknown as { awslambda?: Partial<AwsLambdaStreamingGlobal> })
    .awslambda
  if (
    typeof candidate?.streamifyResponse !== 'function' ||
    typeof candidate.HttpResponseStream?.from !== 'function'
  ) {
    throw new GateproofOptionsError(
      PACKAGE,
      'streaming needs the Lambda runtime’s `awslambda` global (streamifyResponse, HttpResponseStream) when the module loads; it is missing (AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA set, or outside Lambda: call installStreamingGlobals() from @gateproof/testing before importing the handler)',
    )
  }
  return candidate as AwsLambdaStreamingGlobal
}

/**
 * Middy 6's `streamifyResponse: true` is silently ignored by Middy 7, which then runs the
 * handler buffered (ST24). Fails loudly when an options object still carries it.
 */
export function rejectMiddy6StreamOption(pkg: string, options: unknown): void {
  if (isObject(options) && 'streamifyResponse' in options) {
    throw new GateproofOptionsError(
      pkg,
      'option "streamifyResponse" is Middy 6’s and Middy 7 silently ignores it (the function would answer buffered); use `streaming: true` with gateproof, or `executionMode: executionModeStreamifyResponse` with Middy',
      { option: 'streamifyResponse' },
    )
  }
}

export interface StreamingModeOptions {
  /** Body format of errors rendered by core when no `streamErrors` middleware is in the chain. */
  format?: ErrorFormat
}

// Middy calls an execution mode with these; its own typing of them is `() => void`.
type RunRequest = (
  request: RequestLike,
  befores: unknown[],
  handler: LambdaHandler,
  afters: unknown[],
  onErrors: unknown[],
  plugin: MiddyPlugin,
) => Promise<unknown>
type LambdaHandler = (event: unknown, context: unknown, options: { signal: AbortSignal }) => unknown
interface MiddyPlugin {
  requestStart: (request: RequestLike) => void
  requestEnd: (request: RequestLike) => unknown
}
interface MiddyInternals {
  middyRequest: (event: unknown, context: unknown) => RequestLike
  runRequest: RunRequest
}

/**
 * What Middy's `executionMode` option takes (`middy(handler, { executionMode })`). Middy
 * types it `() => void` and calls it with its internals, typed here as `ModeFunction`.
 */
export type MiddyExecutionMode = () => void
type ModeFunction = (
  internals: MiddyInternals,
  befores: unknown[],
  handler: LambdaHandler,
  afters: unknown[],
  onErrors: unknown[],
  plugin: MiddyPlugin,
) => unknown

/**
 * Middy's streaming execution mode (`executionModeStreamifyResponse`) with the buffered
 * guarantees kept: the middleware chain runs as in Middy (ST26), then the response goes
 * out through the stream tap (`deliverStream`) instead of Middy's writer, so
 *
 * - the prelude is checked before it leaves, and only its four keys leave (ST3, ST27);
 * - any body type works — string, bytes, Node/web stream, async iterable (ST28);
 * - an error the chain left unhandled, or one from the body before its first byte, is
 *   answered in the error contract (ST8, ST20 are unconfirmed: never left to the gateway);
 * - after the prelude, a failure ends the stream cleanly and is reported (ST9, ST21, ST29);
 * - stream deadlines (total and idle) end the stream and abort the handler's `signal` (ST30);
 * - `requestEnd` hooks run once the stream has ended, so a load-shedder slot is held for
 *   the whole stream.
 *
 * Events of no HTTP front door get Middy's behaviour: no prelude unless the response has
 * a `statusCode`, errors rethrown.
 */
export function streamingExecutionMode(options: StreamingModeOptions = {}): MiddyExecutionMode {
  const mode: ModeFunction = function gateproofStreamingMode(
    { middyRequest, runRequest },
    befores,
    handler,
    afters,
    onErrors,
    plugin,
  ) {
    const runtime = streamingGlobal()
    let lambdaHandler = handler
    const streaming = runtime.streamifyResponse(
      async function gateproofStreamingHandler(event, responseStream, context) {
        const request = middyRequest(event, context)
        const state = createStreamState(request)
        plugin.requestStart(request)
        const linked: LambdaHandler = (e, c, own) =>
          lambdaHandler(e, c, { signal: linkSignals(own?.signal, state.controller.signal) })
        let response: unknown
        let failure: { error: unknown } | undefined
        try {
          response = await runRequest(request, befores, linked, afters, onErrors, plugin)
        } catch (error) {
          failure = { error }
        }
        const integration = detectIntegration(event)
        const http = integration !== undefined
        let rethrow = http ? undefined : failure
        try {
          if (rethrow === undefined) {
            if (failure !== undefined) response = unhandled(state, request, failure.error, options)
            const withPrelude = http || (isObject(response) && Boolean(response.statusCode))
            const outcome = await deliverStream(response, {
              sink: responseStream,
              writePrelude: withPrelude ? runtime.HttpResponseStream.from : undefined,
              state,
              integration,
              event,
              requestId: requestIdOf(event, request.context),
              format: options.format,
            })
            report(state, request, outcome)
            if (!http && outcome.error !== undefined) rethrow = { error: outcome.error }
          }
        } finally {
          const ended = plugin.requestEnd(request)
          if (ended instanceof Promise) await ended
        }
        if (rethrow !== undefined) throw rethrow.error
      },
    ) as { handler?: unknown }
    streaming.handler = (replacement: LambdaHandler) => {
      lambdaHandler = replacement
      return streaming
    }
    return streaming
  }
  return mode as unknown as MiddyExecutionMode
}

/** An error no `onError` answered: a contract 500 while status and headers can still change. */
function unhandled(
  state: StreamState,
  request: RequestLike,
  error: unknown,
  options: StreamingModeOptions,
): unknown {
  if (state.renderError) {
    try {
      return state.renderError({ kind: 'error', error })
    } catch {
      // core's own rendering below
    }
  }
  const integration = detectIntegration(request.event)
  return renderErrorResponse(
    { status: 500, requestId: requestIdOf(request.event, request.context) },
    { format: options.format, integration: integration === 'alb' ? undefined : integration },
  )
}

function report(state: StreamState, request: RequestLike, outcome: StreamOutcome): void {
  state.outcome = outcome
  if (state.onEnd.length > 0) {
    for (const listener of state.onEnd) {
      try {
        listener(outcome)
      } catch {
        // A reporting hook must not turn a delivered stream into a failed invocation.
      }
    }
    return
  }
  logStreamOutcome(request, outcome)
}

/**
 * gateproof's voice without a Logger: one JSON line on `console.error` for a stream that
 * did not end complete (as for every 5xx), nothing otherwise.
 */
export function logStreamOutcome(request: RequestLike, outcome: StreamOutcome): void {
  if (outcome.ended === 'complete') return
  console.error(
    JSON.stringify({
      level: 'ERROR',
      message: outcome.ended === 'truncated' ? 'Stream truncated' : 'Stream replaced by an error',
      package: PACKAGE,
      requestId: requestIdOf(request.event, request.context),
      ended: outcome.ended,
      reason: outcome.reason,
      statusCode: outcome.statusCode,
      bytes: outcome.bytes,
    }),
  )
}

function linkSignals(own: AbortSignal | undefined, stream: AbortSignal): AbortSignal {
  return own === undefined ? stream : AbortSignal.any([own, stream])
}

/**
 * The stream state a streaming middleware works on: `undefined` for an event of no HTTP
 * front door (left alone); a loud failure when Middy runs an HTTP request buffered, which
 * is what a leftover Middy 6 `streamifyResponse: true` silently does (ST24).
 */
export function requireStreamState(request: RequestLike, pkg: string): StreamState | undefined {
  if (detectIntegration(request.event) === undefined) return undefined
  const state = getStreamState(request)
  if (state !== undefined) return state
  throw new GateproofOptionsError(
    pkg,
    'this middleware needs the streaming execution mode, but Middy runs this request buffered: use gateproof(fn, { streaming: true }) or middy(fn, { executionMode: streamingExecutionMode() }) (Middy 7 ignores Middy 6’s streamifyResponse, ST24)',
  )
}
