import { request } from 'node:http'
import { PassThrough, Readable } from 'node:stream'
import { streamingExecutionMode } from '@gateproof/core'
import middy from '@middy/core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  type Exchange,
  installStreamingGlobals,
  type LocalGateway,
  startLocalGateway,
} from '../src/index.js'

let uninstall: () => void
let gateway: LocalGateway | undefined
beforeAll(() => {
  uninstall = installStreamingGlobals()
})
afterAll(() => uninstall())
afterEach(async () => {
  await gateway?.close()
  gateway = undefined
})

interface Received {
  status: number
  headers: Record<string, string | string[] | undefined>
  chunks: string[]
  /** `aborted`: the connection closed before the chunked body ended (curl's error 18, ST9). */
  ended: 'complete' | 'aborted'
}

/** A real HTTP client that records the body chunk by chunk; `onChunk` runs as each one arrives. */
function get(url: string, onChunk: (chunk: string) => void = () => undefined): Promise<Received> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      const chunks: string[] = []
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk.toString())
        onChunk(chunk.toString())
      })
      const done = (ended: Received['ended']) =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, chunks, ended })
      res.on('end', () => done(res.complete ? 'complete' : 'aborted'))
      res.on('aborted', () => done('aborted'))
      res.on('error', () => done('aborted'))
    })
    req.on('error', reject)
    req.end()
  })
}

const streamingHandler = (fn: () => Promise<unknown>) =>
  middy(fn as never, { executionMode: streamingExecutionMode() })

describe('local gateway: streamed responses (§11)', () => {
  it('ST2, ST3: a REST STREAM route sends status and headers from the prelude, then each write as its own chunk', async () => {
    const body = new PassThrough()
    gateway = await startLocalGateway({
      integration: 'rest',
      handler: streamingHandler(async () => ({
        statusCode: 201,
        headers: { 'content-type': 'text/event-stream' },
        cookies: ['session=1'],
        body,
      })) as never,
    })
    body.write('data: one\n\n')
    // The second chunk is written only once the client has the first: proof it was not buffered.
    const received = await get(`${gateway.url}/events`, (chunk) => {
      if (chunk.includes('one')) body.end('data: two\n\n')
    })
    expect(received.status).toBe(201)
    expect(received.headers['content-type']).toBe('text/event-stream')
    expect(received.headers['set-cookie']).toEqual(['session=1'])
    expect(received.headers['transfer-encoding']).toBe('chunked')
    expect(received.chunks).toEqual(['data: one\n\n', 'data: two\n\n'])
    expect(received.ended).toBe('complete')
  })

  it('ST9, ST21 (client view unconfirmed): a handler that fails after the prelude leaves the client an incomplete transfer', async () => {
    const exchanges: Exchange[] = []
    gateway = await startLocalGateway({
      integration: 'function-url',
      // Middy's own streaming mode rethrows a body error after the prelude (ST29).
      handler: middy(
        async () => ({
          statusCode: 200,
          // Middy pipes only Node and web streams (ST28).
          body: Readable.from(
            (async function* () {
              yield 'partial'
              throw new Error('boom')
            })(),
          ),
        }),
        {
          executionMode: (await import('@middy/core/StreamifyResponse'))
            .executionModeStreamifyResponse,
        },
      ) as never,
      onExchange: (exchange) => exchanges.push(exchange),
    })
    const received = await get(`${gateway.url}/`)
    expect(received.status).toBe(200)
    expect(received.chunks.join('')).toBe('partial')
    expect(received.ended).toBe('aborted')
    expect(exchanges[0]?.response).toMatchObject({ rows: ['ST9', 'ST21'], confirmed: false })
  })

  it('ST8, ST20 (unconfirmed): a handler that throws before any write is answered 502, as expected', async () => {
    const exchanges: Exchange[] = []
    gateway = await startLocalGateway({
      integration: 'rest',
      handler: Object.assign(
        async () => {
          throw new Error('before the prelude')
        },
        { [Symbol.for('aws.lambda.runtime.handler.streaming')]: 'response' },
      ),
      onExchange: (exchange) => exchanges.push(exchange),
    })
    const received = await get(`${gateway.url}/`)
    expect(received.status).toBe(502)
    expect(exchanges[0]?.response).toMatchObject({ gatewayError: true, confirmed: false })
  })

  it('ST5: a REST stream silent past the idle timeout is cut', async () => {
    const body = new PassThrough()
    gateway = await startLocalGateway({
      integration: 'rest',
      streamIdleTimeoutMs: 100,
      handler: streamingHandler(async () => ({ statusCode: 200, body })) as never,
    })
    body.write('first')
    const received = await get(`${gateway.url}/`)
    expect(received.chunks.join('')).toBe('first')
    expect(received.ended).toBe('aborted')
    body.destroy()
  })

  it('ST31: behind HTTP API a streaming handler’s response arrives whole, as a buffered one', async () => {
    gateway = await startLocalGateway({
      integration: 'http-v2',
      handler: streamingHandler(async () => ({
        statusCode: 202,
        headers: { 'content-type': 'text/plain' },
        body: (async function* () {
          yield 'a'
          yield 'b'
        })(),
      })) as never,
    })
    const received = await get(`${gateway.url}/`)
    expect(received.status).toBe(202)
    expect(received.headers['content-type']).toBe('text/plain')
    expect(received.chunks.join('')).toBe('ab')
    expect(received.ended).toBe('complete')
  })
})
