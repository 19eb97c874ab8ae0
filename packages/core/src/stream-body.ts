import { timeoutStatusFor } from './deadline.js'
import {
  type ErrorFormat,
  type RenderedErrorResponse,
  renderErrorResponse,
} from './error-contract.js'
import { type Integration, isObject } from './integration.js'
import { checkPrelude, type StreamPrelude } from './stream-prelude.js'
import type { StreamFailure, StreamOutcome, StreamState, TruncationReason } from './stream-state.js'

/** A body a streaming handler may return. */
export type StreamBody =
  | string
  | Uint8Array
  | NodeJS.ReadableStream
  | ReadableStream<Uint8Array | string>
  | AsyncIterable<Uint8Array | string>
  | null
  | undefined

/** What a streaming handler returns: the prelude's fields and a body that streams (ST3, ST28). */
export interface StreamingResult {
  statusCode: number
  headers?: Record<string, string>
  /** REST only. */
  multiValueHeaders?: Record<string, string[]>
  cookies?: string[]
  body?: StreamBody
}

/** The Lambda response stream, as the runtime hands it to a streaming handler (a Node Writable). */
export interface ResponseSink {
  write(chunk: Uint8Array | string): boolean
  end(): unknown
  on(event: string, listener: (...args: unknown[]) => void): unknown
  off(event: string, listener: (...args: unknown[]) => void): unknown
  readonly destroyed?: boolean
  readonly writableFinished?: boolean
}

/** `awslambda.HttpResponseStream.from`: makes the sink write the prelude before its first write. */
export type PreludeWriter = (sink: ResponseSink, prelude: StreamPrelude) => ResponseSink

/** A body as a pull source of chunks. */
export interface BodySource {
  next(): Promise<IteratorResult<unknown>>
  /**
   * A chunk already buffered, `PENDING` when none is, `END` at the end (throws the source's
   * error): lets the tap copy a fast stream without a promise per chunk.
   */
  readNow?(): unknown
  /** Stops the producer without waiting for it: it may be stuck. */
  stop(): void
}

const noop = (): void => {}

/**
 * The body as a pull source of chunks, or `undefined` when it is none of the body types
 * (Middy would throw on those only after the prelude has left, ST28).
 */
export function bodySource(body: unknown): BodySource | undefined {
  if (body === undefined || body === null) return fromList([])
  if (typeof body === 'string' || body instanceof Uint8Array) return fromList([body])
  if (!isObject(body) && typeof body !== 'function') return undefined
  const candidate = body as Record<PropertyKey, unknown>
  if (typeof candidate.read === 'function' && isObject(candidate._readableState)) {
    return fromNodeReadable(body as unknown as NodeJS.ReadableStream & NodeReadableState)
  }
  if (typeof candidate.getReader === 'function') {
    // A web ReadableStream: a reader can be cancelled while a read is pending, its iterator cannot.
    const reader = (body as unknown as ReadableStream<unknown>).getReader()
    return {
      next: () => reader.read() as Promise<IteratorResult<unknown>>,
      stop: () => void reader.cancel().catch(noop),
    }
  }
  if (typeof candidate[Symbol.asyncIterator] === 'function') {
    const iterator = (body as unknown as AsyncIterable<unknown>)[Symbol.asyncIterator]()
    const destroy = candidate.destroy
    // A Node stream's late errors (a write after end, a destroy) must not become uncaught.
    if (typeof candidate.on === 'function')
      (body as unknown as NodeJS.EventEmitter).on('error', noop)
    return {
      next: () => iterator.next(),
      stop: () => {
        if (typeof destroy === 'function') (destroy as () => void).call(body)
        void Promise.resolve()
          .then(() => iterator.return?.())
          .catch(noop)
      },
    }
  }
  return undefined
}

export const PENDING: unique symbol = Symbol('gateproof.stream.pending')
export const END: unique symbol = Symbol('gateproof.stream.end')

interface NodeReadableState {
  readonly errored?: unknown
  readonly readableEnded?: boolean
  readonly destroyed?: boolean
  destroy(error?: Error): void
}

const closedEarly = () => new Error('the body stream closed before its end')

/** A Node Readable read in paused mode: `read()` while it has data, an event only when it has none. */
function fromNodeReadable(stream: NodeJS.ReadableStream & NodeReadableState): BodySource {
  // A late error (a write after end, a destroy) must not become an uncaught exception.
  stream.on('error', noop)
  const readNow = (): unknown => {
    if (stream.errored) throw stream.errored
    const chunk = stream.read()
    if (chunk !== null) return chunk
    if (stream.readableEnded) return END
    if (stream.errored) throw stream.errored
    // Destroyed before its end, with nothing left to read: no event will come (its
    // 'close' may be gone already), so waiting would last until a deadline, or forever.
    if (stream.destroyed) throw closedEarly()
    return PENDING
  }
  return {
    readNow,
    next: () =>
      new Promise((resolve, reject) => {
        const cleanup = () => {
          stream.off('readable', attempt)
          stream.off('end', attempt)
          stream.off('error', failed)
          stream.off('close', closed)
        }
        const failed = (error: unknown) => {
          cleanup()
          reject(error)
        }
        const closed = () => {
          cleanup()
          if (stream.readableEnded) resolve({ done: true, value: undefined })
          else reject(stream.errored ?? closedEarly())
        }
        function attempt() {
          let item: unknown
          try {
            item = readNow()
          } catch (error) {
            failed(error)
            return
          }
          if (item === PENDING) return
          cleanup()
          resolve(item === END ? { done: true, value: undefined } : { done: false, value: item })
        }
        stream.on('readable', attempt)
        stream.on('end', attempt)
        stream.on('error', failed)
        stream.on('close', closed)
        attempt()
      }),
    stop: () => stream.destroy(),
  }
}

function fromList(chunks: unknown[]): BodySource {
  let index = 0
  return {
    next: async () =>
      index < chunks.length
        ? { done: false, value: chunks[index++] }
        : { done: true, value: undefined },
    stop: () => {
      index = chunks.length
    },
  }
}

/** A chunk as bytes, or undefined when it is not text or bytes (an object-mode stream). */
const asBytes = (chunk: unknown): Uint8Array | undefined =>
  chunk instanceof Uint8Array ? chunk : typeof chunk === 'string' ? Buffer.from(chunk) : undefined

/** Thrown into the pending wait when the stream must stop. */
class Stop {
  constructor(readonly reason: TruncationReason) {}
}

export interface DeliverOptions {
  sink: ResponseSink
  /**
   * Installs the prelude on the sink; `undefined` for a response without one (an event of
   * no HTTP front door, e.g. an `InvokeWithResponseStream` caller, ST27): then the whole
   * response is the body and a failure is left to the caller to rethrow.
   */
  writePrelude: PreludeWriter | undefined
  state: StreamState
  integration: Integration | undefined
  event: unknown
  requestId: string | undefined
  format?: ErrorFormat
  now?: () => number
}

/**
 * Watches one streamed response from the handler's result to the end of the stream.
 * The prelude leaves with the body's first chunk (yield an empty chunk to send it
 * early), so anything that fails before — an invalid prelude, a body that is not a
 * stream, a stream that errors or stays silent past a deadline — is answered with a
 * rendered error whose status and headers can still change. Once the prelude is out,
 * a failure ends the stream cleanly (never a hang) and is reported as a truncation.
 */
export async function deliverStream(
  response: unknown,
  options: DeliverOptions,
): Promise<StreamOutcome> {
  const tap = new StreamTap(options)
  try {
    return await tap.deliver(response)
  } catch (error) {
    // Reading a hostile response (throwing getters, a revoked Proxy) must not fail the invocation.
    return tap.recover(error)
  } finally {
    tap.close()
  }
}

class StreamTap {
  readonly #options: DeliverOptions
  readonly #now: () => number
  readonly #startedAt: number
  #lastActivity: number
  #timer: ReturnType<typeof setTimeout> | undefined
  #stopped: TruncationReason | undefined
  #pending: ((reason: Stop) => void) | undefined
  #source: BodySource | undefined
  #sink: ResponseSink
  #bytes = 0
  #chunks = 0
  #firstByteAt: number | undefined
  #drained: (() => void) | undefined
  readonly #onDrain = () => {
    const drained = this.#drained
    this.#drained = undefined
    drained?.()
  }
  #ending = false
  #preludeSet = false
  // After `end()`, the sink closing is how it finishes, not a client going away.
  readonly #onSinkGone = () => {
    if (!this.#ending) this.#stop('client-closed')
  }

  constructor(options: DeliverOptions) {
    this.#options = options
    this.#now = options.now ?? Date.now
    this.#startedAt = this.#now()
    this.#lastActivity = this.#startedAt
    this.#sink = options.sink
    options.sink.on('error', this.#onSinkGone)
    options.sink.on('close', this.#onSinkGone)
    options.sink.on('drain', this.#onDrain)
    this.#arm()
  }

  async deliver(response: unknown): Promise<StreamOutcome> {
    if (this.#options.writePrelude === undefined) return this.#deliverRaw(response)
    const { body, ...rest } = isObject(response) ? response : { body: undefined }
    const check = checkPrelude(rest, this.#options.integration)
    if (!check.ok) {
      return this.#replace({ kind: 'invalid-prelude', problems: check.problems }, 'invalid-prelude')
    }
    const source = bodySource(body)
    if (source === undefined) {
      const error = new TypeError(
        'the streamed body is not a string, bytes, stream or async iterable',
      )
      return this.#replace({ kind: 'error', error }, 'body-error', error)
    }
    const read = await this.#firstChunk(source)
    if ('failure' in read) {
      const { failure } = read
      if (failure instanceof Stop) {
        if (failure.reason === 'client-closed') return this.#outcome('truncated', failure.reason)
        const kind = failure.reason === 'deadline' ? 'deadline' : 'idle-timeout'
        return this.#replace({ kind }, failure.reason)
      }
      return this.#replace({ kind: 'error', error: failure }, 'body-error', failure)
    }
    this.#preludeSet = true
    this.#sink = this.#options.writePrelude(this.#sink, check.prelude)
    return this.#pump(source, read.first, check.prelude.statusCode)
  }

  /** No prelude, nothing to render: the body as it comes, failures reported to the caller. */
  async #deliverRaw(body: unknown): Promise<StreamOutcome> {
    const source = bodySource(body)
    if (source === undefined) {
      this.#sink.end()
      const error = new TypeError('handler response not a Readable or ReadableStream')
      return this.#outcome('truncated', 'body-error', undefined, error)
    }
    const read = await this.#firstChunk(source)
    if ('failure' in read) {
      await this.#endQuietly()
      const { failure } = read
      if (failure instanceof Stop) return this.#outcome('truncated', failure.reason)
      return this.#outcome('truncated', 'body-error', undefined, failure)
    }
    return this.#pump(source, read.first, undefined)
  }

  /** After an unexpected throw: a rendered 500 if nothing has left yet, else a clean end. */
  recover(error: unknown): StreamOutcome | Promise<StreamOutcome> {
    this.#source?.stop()
    if (this.#options.writePrelude !== undefined && !this.#preludeSet && !this.#ending) {
      return this.#replace({ kind: 'error', error }, 'body-error', error)
    }
    if (!this.#ending && !this.#sink.destroyed) {
      this.#ending = true
      this.#sink.end()
    }
    return this.#outcome('truncated', 'body-error', undefined, error)
  }

  close(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
    this.#options.sink.off('error', this.#onSinkGone)
    this.#options.sink.off('close', this.#onSinkGone)
    this.#options.sink.off('drain', this.#onDrain)
  }

  /** Writes `first` (the prelude goes with it, ST16 — even when empty, ST18), then the rest. */
  async #pump(
    source: BodySource,
    first: Uint8Array,
    statusCode: number | undefined,
  ): Promise<StreamOutcome> {
    try {
      let chunk: Uint8Array = first
      for (;;) {
        if (this.#stopped !== undefined) throw new Stop(this.#stopped)
        if (this.#firstByteAt === undefined) this.#firstByteAt = this.#now()
        this.#bytes += chunk.byteLength
        this.#chunks++
        if (!this.#sink.write(chunk)) await this.#drain()
        // Buffered chunks are copied without a promise each; only an empty source is awaited.
        let item = source.readNow ? source.readNow() : PENDING
        if (item === PENDING) {
          const result = await this.#wait(source.next())
          item = result.done ? END : result.value
        }
        if (item === END) break
        this.#lastActivity = this.#now()
        const bytes = asBytes(item)
        if (bytes === undefined) throw new InvalidChunk()
        chunk = bytes
      }
      await this.#end()
      return this.#outcome('complete', undefined, statusCode)
    } catch (failure) {
      source.stop()
      const why: TruncationReason =
        failure instanceof Stop
          ? failure.reason
          : failure instanceof InvalidChunk
            ? 'invalid-chunk'
            : 'body-error'
      if (why !== 'client-closed') await this.#endQuietly()
      const error = failure instanceof Stop ? undefined : failure
      return this.#outcome('truncated', why, statusCode, error)
    }
  }

  /**
   * Takes the body's source as this stream's own (so a later stop reaches it) and reads its first
   * chunk; a failed read stops the source at once, and what failed is the caller's to report:
   * before a prelude and after one they answer differently.
   */
  async #firstChunk(source: BodySource): Promise<{ first: Uint8Array } | { failure: unknown }> {
    this.#source = source
    try {
      return { first: await this.#nextBytes(source, true) }
    } catch (failure) {
      source.stop()
      return { failure }
    }
  }

  /** The next chunk as bytes; `undefined` at the end (never for the first read, which yields an empty chunk). */
  async #nextBytes(source: BodySource, first: true): Promise<Uint8Array>
  async #nextBytes(source: BodySource, first: false): Promise<Uint8Array | undefined>
  async #nextBytes(source: BodySource, first: boolean): Promise<Uint8Array | undefined> {
    const result = await this.#wait(source.next())
    this.#lastActivity = this.#now()
    if (result.done) return first ? EMPTY : undefined
    const bytes = asBytes(result.value)
    if (bytes === undefined) throw new InvalidChunk()
    return bytes
  }

  /** One promise per wait, one long-lived listener: a fast stream waits for `drain` on every chunk. */
  #drain(): Promise<void> {
    if (this.#stopped !== undefined) return Promise.reject(new Stop(this.#stopped))
    return new Promise<void>((resolve, reject) => {
      this.#drained = resolve
      this.#pending = reject
    })
  }

  async #end(): Promise<void> {
    this.#ending = true
    this.#sink.end()
    if (!this.#sink.writableFinished) await this.#wait(settled(this.#sink, 'finish'))
  }

  /** Ends the stream after a failure; a deadline must not be stuck behind a sink that never drains. */
  async #endQuietly(): Promise<void> {
    if (this.#sink.destroyed) return
    this.#ending = true
    try {
      this.#sink.end()
    } catch {
      // Already ended: nothing more to send.
    }
  }

  /** Renders the failure and sends it instead of the handler's response (nothing has left yet). */
  async #replace(
    failure: StreamFailure,
    reason: StreamOutcome['reason'],
    error?: unknown,
  ): Promise<StreamOutcome> {
    const rendered = this.#render(failure)
    const { body, statusCode, headers } = rendered
    const prelude: StreamPrelude = { statusCode, ...(headers ? { headers } : {}) }
    this.#preludeSet = true
    this.#sink = (this.#options.writePrelude as PreludeWriter)(this.#sink, prelude)
    this.#sink.write(body)
    this.#ending = true
    this.#sink.end()
    return this.#outcome('replaced', reason, statusCode, error)
  }

  #render(failure: StreamFailure): RenderedErrorResponse {
    const { state, integration, event, requestId, format } = this.#options
    if (state.renderError) {
      try {
        const rendered = state.renderError(failure)
        if (checkPrelude(rendered, integration).ok && typeof rendered.body === 'string') {
          return rendered
        }
      } catch {
        // fall through to core's own rendering: the error path must not fail
      }
    }
    const status =
      failure.kind === 'error' || failure.kind === 'invalid-prelude'
        ? 500
        : timeoutStatusFor(integration)
    // ALB does not stream (ST32); its fields stay out of a prelude.
    return renderErrorResponse(
      { status, requestId },
      { format, integration: integration === 'alb' ? undefined : integration, event },
    )
  }

  #outcome(
    ended: StreamOutcome['ended'],
    reason: StreamOutcome['reason'],
    statusCode?: number,
    error?: unknown,
  ): StreamOutcome {
    return {
      ended,
      ...(reason === undefined ? {} : { reason }),
      statusCode,
      bytes: this.#bytes,
      chunks: this.#chunks,
      firstByteMs:
        this.#firstByteAt === undefined ? undefined : this.#firstByteAt - this.#startedAt,
      ...(error === undefined ? {} : { error }),
    }
  }

  /** Resolves with `promise`, or rejects with a `Stop` as soon as the stream must stop. */
  #wait<T>(promise: Promise<T>): Promise<T> {
    if (this.#stopped !== undefined) return Promise.reject(new Stop(this.#stopped))
    return new Promise<T>((resolve, reject) => {
      this.#pending = reject
      promise.then(
        (value) => {
          this.#pending = undefined
          resolve(value)
        },
        (error: unknown) => {
          this.#pending = undefined
          reject(error)
        },
      )
    })
  }

  #stop(reason: TruncationReason): void {
    if (this.#stopped !== undefined) return
    this.#stopped = reason
    if (reason === 'deadline' || reason === 'idle-timeout') {
      this.#options.state.controller.abort(
        new DOMException(
          `The stream reached its ${reason === 'deadline' ? 'deadline' : 'idle timeout'}`,
          'TimeoutError',
        ),
      )
    } else if (reason === 'client-closed') {
      // Nobody reads what the handler's producers make any more (ST7): let them stop too.
      this.#options.state.controller.abort(
        new DOMException('The client closed the stream', 'AbortError'),
      )
    }
    this.#source?.stop()
    this.#pending?.(new Stop(reason))
  }

  /**
   * One timer for both deadlines, re-armed lazily: chunks only move `#lastActivity`, so a
   * fast stream costs no timer work per chunk.
   */
  #arm(): void {
    const { totalAt, idleMs } = this.#options.state
    const idleAt = idleMs === undefined ? Number.POSITIVE_INFINITY : this.#lastActivity + idleMs
    const next = Math.min(totalAt ?? Number.POSITIVE_INFINITY, idleAt)
    if (next === Number.POSITIVE_INFINITY) return
    this.#timer = setTimeout(() => this.#check(), Math.max(0, next - this.#now()))
  }

  #check(): void {
    this.#timer = undefined
    const now = this.#now()
    const { totalAt, idleMs } = this.#options.state
    if (totalAt !== undefined && now >= totalAt) this.#stop('deadline')
    else if (idleMs !== undefined && now >= this.#lastActivity + idleMs) this.#stop('idle-timeout')
    else this.#arm()
  }
}

const EMPTY = new Uint8Array(0)

class InvalidChunk extends TypeError {
  constructor() {
    super('the streamed body produced a chunk that is not text or bytes')
  }
}

/** Resolves on `event`, or on the sink closing or failing (the tap reports those itself). */
function settled(sink: ResponseSink, event: 'finish'): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      sink.off(event, done)
      sink.off('close', done)
      sink.off('error', done)
      resolve()
    }
    sink.on(event, done)
    sink.on('close', done)
    sink.on('error', done)
  })
}
