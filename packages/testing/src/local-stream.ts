import type { ServerResponse } from 'node:http'
import {
  type Integration,
  isObject,
  PRELUDE_CONTENT_TYPE,
  PRELUDE_DELIMITER_LENGTH,
  parsePreludeStream,
} from '@gateproof/core'
import { lambdaContext } from './context.js'
import type { FunctionOutcome } from './simulate.js'
import { HANDLER_STREAMING, LocalResponseStream } from './streaming.js'

/** True for a handler wrapped by `awslambda.streamifyResponse` (Middy's or gateproof's streaming mode). */
export const isStreamingHandler = (handler: unknown): boolean =>
  typeof handler === 'function' &&
  (handler as unknown as Record<symbol, unknown>)[HANDLER_STREAMING] === 'response'

/** Only REST (`STREAM`) and Function URLs (`RESPONSE_STREAM`) stream to the client (ST1, ST31, ST32). */
export const streamsTo = (integration: Integration): boolean =>
  integration === 'rest' || integration === 'function-url'

export interface StreamExchangeOptions {
  integration: Integration
  functionTimeoutMs: number
  /** REST idle timeout between chunks (ST5); none for Function URLs. */
  idleTimeoutMs: number | undefined
  extraHeaders: Record<string, string>
}

export type StreamedExchange =
  | 'complete'
  | 'truncated'
  | 'failed-before-prelude'
  | 'function-timeout'
  | 'idle-timeout'

/**
 * Serves one invocation of a streaming handler to a real HTTP client chunk by chunk, as
 * the front door does: nothing is sent until the prelude and its 8 NUL bytes have arrived
 * (ST2); then the status and headers, then each body write as a chunk. A failure after the
 * prelude cuts the connection — a client sees an incomplete chunked transfer, curl's
 * "(18) transfer closed with outstanding read data remaining" (ST9); the client-visible
 * form of a failure before it is unconfirmed (ST8, ST20): answered 502 like a buffered
 * invocation error, expected, not verified.
 */
export async function serveStreaming(
  handler: unknown,
  event: unknown,
  res: ServerResponse,
  options: StreamExchangeOptions,
): Promise<StreamedExchange> {
  let pending: Buffer[] = []
  let headersSent = false
  let raw = false
  let lastChunkAt = Date.now()
  const stream = new LocalResponseStream({
    onChunk: (bytes) => {
      lastChunkAt = Date.now()
      if (headersSent) {
        res.write(bytes)
        return
      }
      if (!raw && stream.contentType !== PRELUDE_CONTENT_TYPE) raw = true
      if (raw) {
        // No prelude (InvokeWithResponseStream style): a Function URL answers 200 with the bytes.
        res.writeHead(200, { 'content-type': 'application/octet-stream', ...options.extraHeaders })
        res.flushHeaders()
        headersSent = true
        res.write(bytes)
        return
      }
      pending.push(bytes)
      const all = Buffer.concat(pending)
      const end = all.indexOf(0)
      if (end < 0 || all.length < end + PRELUDE_DELIMITER_LENGTH) return
      const parsed = parsePreludeStream(all)
      pending = []
      if (!parsed.ok) {
        res.writeHead(502, { 'content-type': 'application/json', ...options.extraHeaders })
        res.end('{"message":"Internal server error"}')
        headersSent = true
        return
      }
      const { status, headers } = headersOf(parsed.prelude)
      res.writeHead(status, { ...headers, ...options.extraHeaders })
      res.flushHeaders()
      headersSent = true
      if (parsed.body.length > 0) res.write(parsed.body)
    },
  })

  const context = lambdaContext({ remainingMs: options.functionTimeoutMs })
  let timer: ReturnType<typeof setInterval> | undefined
  const deadlines = new Promise<StreamedExchange>((resolve) => {
    const startedAt = Date.now()
    timer = setInterval(() => {
      const now = Date.now()
      if (now - startedAt >= options.functionTimeoutMs) resolve('function-timeout')
      else if (options.idleTimeoutMs !== undefined && now - lastChunkAt >= options.idleTimeoutMs) {
        resolve('idle-timeout')
      }
    }, 25)
  })
  const run = (async (): Promise<StreamedExchange> => {
    await (handler as (e: unknown, s: unknown, c: unknown) => Promise<unknown>)(
      event,
      stream,
      context,
    )
    if (!stream.writableFinished) {
      await new Promise((resolve) => stream.once('finish', resolve))
    }
    return 'complete'
  })().catch(() => (headersSent ? 'truncated' : 'failed-before-prelude') as StreamedExchange)

  const result = await Promise.race([run, deadlines])
  clearInterval(timer)
  if (result === 'complete' && headersSent) res.end()
  else if (result === 'complete' && !headersSent) {
    // The handler ended without writing a prelude: an empty 200, as a Function URL answers.
    res.writeHead(200, options.extraHeaders)
    res.end()
  } else if (headersSent) {
    // What was sent stays sent; the chunked body never gets its last chunk (ST9).
    // The response's own buffered output reaches the socket on the next turn; then it closes.
    const socket = res.socket
    setImmediate(() => (socket ? socket.end(() => socket.destroy()) : res.destroy()))
  } else {
    const status = result === 'failed-before-prelude' ? 502 : 504
    const message = status === 502 ? 'Internal server error' : 'Endpoint request timed out'
    res.writeHead(status, { 'content-type': 'application/json', ...options.extraHeaders })
    res.end(JSON.stringify({ message }))
  }
  return result
}

/** A streaming handler behind a front door that does not stream: the whole response at once (ST31, ST32). */
export async function invokeBuffered(
  handler: unknown,
  event: unknown,
  functionTimeoutMs: number,
): Promise<FunctionOutcome> {
  const chunks: Buffer[] = []
  const stream = new LocalResponseStream({ onChunk: (bytes) => chunks.push(bytes) })
  const context = lambdaContext({ remainingMs: functionTimeoutMs })
  try {
    await (handler as (e: unknown, s: unknown, c: unknown) => Promise<unknown>)(
      event,
      stream,
      context,
    )
  } catch (error) {
    return { kind: 'threw', error }
  }
  const all = Buffer.concat(chunks)
  const parsed = stream.contentType === PRELUDE_CONTENT_TYPE ? parsePreludeStream(all) : undefined
  if (parsed?.ok) {
    return {
      kind: 'returned',
      value: { ...parsed.prelude, body: parsed.body.toString('utf8') },
    }
  }
  return { kind: 'returned', value: all.toString('utf8') }
}

function headersOf(prelude: Record<string, unknown>): {
  status: number
  headers: Record<string, string | string[]>
} {
  const status = typeof prelude.statusCode === 'number' ? prelude.statusCode : 200
  const headers: Record<string, string | string[]> = {}
  if (isObject(prelude.headers)) {
    for (const [name, value] of Object.entries(prelude.headers)) {
      if (typeof value === 'string') headers[name] = value
    }
  }
  if (isObject(prelude.multiValueHeaders)) {
    for (const [name, values] of Object.entries(prelude.multiValueHeaders)) {
      if (Array.isArray(values)) headers[name] = values.map(String)
    }
  }
  if (Array.isArray(prelude.cookies) && prelude.cookies.length > 0) {
    headers['set-cookie'] = prelude.cookies.map(String)
  }
  return { status, headers }
}
