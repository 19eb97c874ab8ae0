import type { RenderedErrorResponse } from './error-contract.js'
import { peekRequestState, type RequestLike, requestState } from './request-state.js'

/** Why a stream ended before its body did. */
export type TruncationReason =
  | 'body-error'
  | 'invalid-chunk'
  | 'deadline'
  | 'idle-timeout'
  | 'client-closed'

/** What happened to one streamed response, told to `onEnd` once. */
export interface StreamOutcome {
  /**
   * `complete`: the whole body went out. `replaced`: the stream failed before its first
   * byte and a rendered error went out instead. `truncated`: it failed after the prelude
   * left; the stream was ended cleanly, its status and headers stood.
   */
  ended: 'complete' | 'replaced' | 'truncated'
  reason?: TruncationReason | 'invalid-prelude'
  /** The status that went out (undefined for a response without prelude). */
  statusCode: number | undefined
  bytes: number
  chunks: number
  /** Milliseconds from the start of delivery to the first body byte, if one went out. */
  firstByteMs: number | undefined
  error?: unknown
}

/** What failed before the prelude left, so a renderer can pick the status. */
export type StreamFailure =
  | { kind: 'error'; error: unknown }
  | { kind: 'deadline' | 'idle-timeout' }
  | { kind: 'invalid-prelude'; problems: string[] }

/**
 * One streamed request's state, made by the streaming execution mode before any
 * middleware runs; the streaming middlewares fill in its policies in `before`.
 */
export interface StreamState {
  /**
   * Aborted when a stream deadline ends the stream (a `TimeoutError`) or the client goes
   * away (an `AbortError`); the handler's `signal` follows it.
   */
  readonly controller: AbortController
  /** Epoch ms by which the stream must have ended (`streamDeadline`). */
  totalAt?: number
  /** Longest silence between chunks, in ms (`streamDeadline`). */
  idleMs?: number
  /** Renders what failed before the first byte (`streamErrors`); core's default otherwise. */
  renderError?: (failure: StreamFailure) => RenderedErrorResponse
  /** Called once when the stream has ended, however it ended. */
  onEnd: Array<(outcome: StreamOutcome) => void>
  /** Set once delivery has finished. */
  outcome?: StreamOutcome
}

export function createStreamState(request: RequestLike): StreamState {
  const state: StreamState = { controller: new AbortController(), onEnd: [] }
  requestState(request).stream = state
  return state
}

/**
 * The stream state of a request the streaming execution mode runs; `undefined` when
 * Middy runs it buffered — e.g. because the Middy 6 option `streamifyResponse: true`
 * was passed, which Middy 7 silently ignores (ST24).
 */
export const getStreamState = (request: RequestLike): StreamState | undefined =>
  peekRequestState(request)?.stream as StreamState | undefined

export const isStreamingRequest = (request: RequestLike): boolean =>
  getStreamState(request) !== undefined
