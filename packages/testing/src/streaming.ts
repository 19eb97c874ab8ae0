import { Writable } from 'node:stream'
import { PRELUDE_CONTENT_TYPE, parsePreludeStream } from '@gateproof/core'
import { lambdaContext } from './context.js'

/** How the Lambda Node.js runtime marks a streaming handler (RIC `UserFunction`, `globals`). */
export const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming')
const HANDLER_HIGHWATERMARK = Symbol.for('aws.lambda.runtime.handler.streaming.highWaterMark')
const STREAM_RESPONSE = 'response'
const DELIMITER_LENGTH = 8
const DEFAULT_HIGH_WATER_MARK = 16_384

/**
 * A local stand-in for the runtime's response stream, faithful to the RIC's
 * `createResponseStream`: a Writable whose first `write()` runs `_onBeforeFirstWrite`
 * (the prelude, ST16), whose content type can change only before that write, and whose
 * non-byte chunks are JSON-stringified. It records every chunk with its time.
 */
export class LocalResponseStream extends Writable {
  contentType = 'application/octet-stream'
  _onBeforeFirstWrite: ((write: (chunk: Uint8Array | string) => void) => void) | undefined
  readonly chunks: Array<{ at: number; bytes: Buffer }> = []
  #written = false
  readonly #startedAt: number

  constructor(
    options: { highWaterMark?: number; now?: () => number; onChunk?: (bytes: Buffer) => void } = {},
  ) {
    super({ highWaterMark: options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK })
    this.#now = options.now ?? Date.now
    this.#startedAt = this.#now()
    this.#onChunk = options.onChunk
  }

  readonly #now: () => number
  readonly #onChunk: ((bytes: Buffer) => void) | undefined

  setContentType(contentType: string): void {
    if (this.#written) throw new Error('Cannot set content-type, too late.')
    this.contentType = contentType
  }

  override write(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    const data =
      typeof chunk === 'string' || chunk instanceof Uint8Array ? chunk : JSON.stringify(chunk)
    if (!this.#written && typeof this._onBeforeFirstWrite === 'function') {
      this._onBeforeFirstWrite((prelude) => super.write(prelude))
    }
    this.#written = true
    return super.write(data, encoding as BufferEncoding, callback as () => void)
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    const bytes = Buffer.from(chunk)
    this.chunks.push({ at: this.#now() - this.#startedAt, bytes })
    this.#onChunk?.(bytes)
    callback()
  }
}

/** `awslambda.HttpResponseStream`, as the RIC implements it (ST16). */
export const LocalHttpResponseStream = {
  from(stream: LocalResponseStream, prelude: Record<string, unknown>): LocalResponseStream {
    stream.setContentType(PRELUDE_CONTENT_TYPE)
    const json = JSON.stringify(prelude)
    stream._onBeforeFirstWrite = (write) => {
      write(json)
      write(new Uint8Array(DELIMITER_LENGTH))
    }
    return stream
  },
}

type AnyFunction = (...args: never[]) => unknown

/**
 * Installs the `awslambda` global the Lambda Node.js runtime provides (`streamifyResponse`,
 * `HttpResponseStream`), as the RIC's `setupGlobals` does. Call it before importing or
 * building a streaming handler: Middy wraps it when the module loads (ST25). Returns a
 * function that restores what was there.
 */
export function installStreamingGlobals(): () => void {
  const holder = globalThis as unknown as { awslambda?: unknown }
  const previous = holder.awslambda
  holder.awslambda = {
    ...(typeof previous === 'object' ? previous : {}),
    streamifyResponse<H extends AnyFunction>(handler: H, options?: { highWaterMark?: number }): H {
      const marked = handler as unknown as Record<symbol, unknown>
      marked[HANDLER_STREAMING] = STREAM_RESPONSE
      if (typeof options?.highWaterMark === 'number') {
        marked[HANDLER_HIGHWATERMARK] = Math.trunc(options.highWaterMark)
      }
      return handler
    },
    HttpResponseStream: LocalHttpResponseStream,
  }
  return () => {
    if (previous === undefined) delete holder.awslambda
    else holder.awslambda = previous
  }
}

/** What a client of the front door would receive from one streamed invocation. */
export interface StreamedResponse {
  /** The metadata prelude, when the function wrote one (`HttpResponseStream.from`). */
  prelude: Record<string, unknown> | undefined
  /** The body bytes after the prelude and its 8 NUL bytes. */
  body: Buffer<ArrayBufferLike>
  /** Every write as it reached the runtime, with ms since the invocation started. */
  chunks: Array<{ at: number; bytes: Buffer }>
  /**
   * `complete`: the stream was ended and the handler resolved. `truncated`: the handler
   * rejected (the runtime sends the error as trailers, ST9, ST21), or it resolved before
   * ending the stream ("Response stream is not finished.", ST22).
   */
  ended: 'complete' | 'truncated'
  /** The Runtime API content type: the prelude's own when there is one (ST3). */
  contentType: string
  /** Why it is truncated. */
  error?: unknown
}

export interface InvokeStreamingOptions {
  /** Give up waiting for the handler after this many ms (ST18: a stream that never ends hangs). Default 10 000. */
  timeoutMs?: number
}

/**
 * Runs a streaming handler as the Lambda Node.js runtime does (RIC
 * `StreamingInvokeProcessor`): with a response stream, requiring an `async` handler,
 * then waiting for the stream to finish. Installs the `awslambda` globals if missing.
 */
export async function invokeStreaming(
  handler: unknown,
  event: unknown,
  context: object = lambdaContext(),
  options: InvokeStreamingOptions = {},
): Promise<StreamedResponse> {
  if (typeof handler !== 'function')
    throw new TypeError('invokeStreaming: handler is not a function')
  if ((handler as unknown as Record<symbol, unknown>)[HANDLER_STREAMING] !== STREAM_RESPONSE) {
    throw new TypeError(
      'invokeStreaming: the handler is not a streaming handler (wrap it with awslambda.streamifyResponse, or gateproof(fn, { streaming: true }))',
    )
  }
  const highWaterMark = (handler as unknown as Record<symbol, unknown>)[HANDLER_HIGHWATERMARK]
  const stream = new LocalResponseStream({
    highWaterMark: typeof highWaterMark === 'number' ? highWaterMark : undefined,
  })
  let error: unknown
  let failed = false
  const timeoutMs = options.timeoutMs ?? 10_000
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    const result = (handler as (e: unknown, s: unknown, c: unknown) => unknown)(
      event,
      stream,
      context,
    )
    if (typeof (result as Promise<unknown> | undefined)?.then !== 'function') {
      throw new Error('Streaming does not support non-async handlers.')
    }
    await Promise.race([
      result,
      new Promise((_, reject) => {
        timer = setTimeout(
          () =>
            reject(new Error(`invokeStreaming: the handler did not finish within ${timeoutMs} ms`)),
          timeoutMs,
        )
      }),
    ])
    if (!stream.writableFinished) {
      await Promise.race([
        new Promise((resolve) => stream.once('finish', resolve)),
        new Promise((_, reject) => {
          clearTimeout(timer)
          timer = setTimeout(() => reject(new Error('Response stream is not finished.')), 50)
        }),
      ])
    }
  } catch (thrown) {
    failed = true
    error = thrown
    if (!stream.writableEnded) stream.end()
  } finally {
    clearTimeout(timer)
  }
  const all = Buffer.concat(stream.chunks.map((chunk) => chunk.bytes))
  let prelude: Record<string, unknown> | undefined
  let body: Buffer<ArrayBufferLike> = all
  if (stream.contentType === PRELUDE_CONTENT_TYPE) {
    const parsed = parsePreludeStream(all)
    if (parsed.ok) {
      prelude = parsed.prelude
      body = parsed.body
    }
  }
  return {
    prelude,
    body,
    chunks: stream.chunks,
    ended: failed ? 'truncated' : 'complete',
    contentType: stream.contentType,
    ...(failed ? { error } : {}),
  }
}
