import { PassThrough } from 'node:stream'
import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb'
import { GateproofOptionsError } from '@gateproof/core'
import {
  captureOutput,
  expectLog,
  expectMetric,
  functionUrlEvent,
  installStreamingGlobals,
  invokeStreaming,
  lambdaContext,
  restEvent,
} from '@gateproof/testing'
import middy from '@middy/core'
import createHttpError from 'http-errors'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { gateproof, streamDeadline, streamShape } from '../src/index.js'

let uninstall: () => void
beforeAll(() => {
  uninstall = installStreamingGlobals()
})
afterAll(() => uninstall())
afterEach(() => {
  vi.useRealTimers()
})

const json = (body: Buffer) => JSON.parse(body.toString()) as Record<string, unknown>

async function* lines(...parts: string[]) {
  for (const part of parts) yield `${part}\n`
}

describe('gateproof(handler, { streaming: true })', () => {
  it('ST1, ST16: streams a REST STREAM and a Function URL response chunk by chunk', async () => {
    const handler = gateproof(
      async () => ({
        statusCode: 200,
        headers: { 'content-type': 'application/x-ndjson' },
        body: lines('{"n":1}', '{"n":2}'),
      }),
      { streaming: true },
    )
    for (const event of [restEvent(), functionUrlEvent()]) {
      const result = await invokeStreaming(handler, event)
      expect(result.ended).toBe('complete')
      expect(result.prelude).toEqual({
        statusCode: 200,
        headers: { 'content-type': 'application/x-ndjson' },
      })
      expect(result.body.toString()).toBe('{"n":1}\n{"n":2}\n')
    }
  })

  it('ST8, ST20 (client view unconfirmed): an error thrown before the response is the contract answer, with its status', async () => {
    const handler = gateproof(
      async () => {
        throw createHttpError(404, 'no such order')
      },
      { streaming: true },
    )
    const result = await invokeStreaming(handler, restEvent())
    expect(result.prelude).toMatchObject({
      statusCode: 404,
      headers: {
        'Content-Type': 'application/problem+json',
        'x-amzn-ErrorType': 'NotFoundException',
      },
    })
    expect(json(result.body)).toMatchObject({ status: 404, detail: 'no such order' })
  })

  it('ST26: a body that fails before its first byte is mapped with the error mapper’s rules (throttle → 503 + Retry-After)', async () => {
    async function* throttled(): AsyncGenerator<string> {
      yield* []
      throw new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} })
    }
    const handler = gateproof(async () => ({ statusCode: 200, body: throttled() }), {
      streaming: true,
    })
    const result = await invokeStreaming(handler, functionUrlEvent())
    expect(result.prelude).toMatchObject({
      statusCode: 503,
      headers: { 'Retry-After': expect.any(String) },
    })
    expect(json(result.body)).toMatchObject({
      status: 503,
      errorType: 'ServiceUnavailableException',
    })
  })

  it('ST9, ST21: after the prelude an error ends the stream cleanly with one StreamError metric and one log line', async () => {
    const capture = captureOutput()
    let result: Awaited<ReturnType<typeof invokeStreaming>>
    try {
      const metrics = new Metrics({ namespace: 'orders', serviceName: 'orders-api' })
      const logger = new Logger({ serviceName: 'orders-api' })
      async function* failing() {
        yield 'first'
        throw new Error('socket hang up')
      }
      const handler = gateproof(async () => ({ statusCode: 200, body: failing() }), {
        streaming: true,
        metrics,
        logger,
      })
      result = await invokeStreaming(handler, restEvent())
    } finally {
      capture.stop()
    }
    expect(result).toMatchObject({ ended: 'complete', prelude: { statusCode: 200 } })
    expect(result.body.toString()).toBe('first')
    expectMetric(capture, {
      name: 'StreamError',
      dimensions: { Reason: 'body-error', Ended: 'truncated', Integration: 'rest' },
    })
    expectLog(capture, { level: 'ERROR', message: 'Stream truncated' })
  })

  it('ST30, ST5: the idle deadline answers 504 before the first byte and aborts the handler’s signal', async () => {
    vi.useFakeTimers({ fakeNodeBuiltins: true })
    let signal: AbortSignal | undefined
    const handler = gateproof(
      async (_event, _context, options) => {
        signal = options.signal
        return { statusCode: 200, body: new PassThrough() }
      },
      { streaming: { idleMs: 2_000, marginMs: 100 } },
    )
    const pending = invokeStreaming(
      handler,
      functionUrlEvent(),
      lambdaContext({ remainingMs: 60_000 }),
      {
        timeoutMs: 120_000,
      },
    )
    await vi.advanceTimersByTimeAsync(1_950)
    const result = await pending
    expect(result.prelude).toMatchObject({ statusCode: 504 })
    expect(json(result.body)).toMatchObject({ status: 504, errorType: 'GatewayTimeoutException' })
    expect(signal?.aborted).toBe(true)
  })

  it('ST17, ST30: a Function URL stream ends cleanly before Lambda’s own timeout, keeping what was sent', async () => {
    vi.useFakeTimers({ fakeNodeBuiltins: true })
    const body = new PassThrough()
    const handler = gateproof(async () => ({ statusCode: 200, body }), { streaming: true })
    const pending = invokeStreaming(
      handler,
      functionUrlEvent(),
      lambdaContext({ remainingMs: 10_000 }),
      {
        timeoutMs: 120_000,
      },
    )
    for (let i = 0; i < 12; i++) {
      await vi.advanceTimersByTimeAsync(1_000)
      if (!body.destroyed) body.write(`${i},`)
    }
    const result = await pending
    expect(result.prelude).toMatchObject({ statusCode: 200 })
    // 10 s of Lambda time less the 500 ms margin: nine writes made it.
    expect(result.body.toString()).toBe('0,1,2,3,4,5,6,7,8,')
    expect(body.destroyed).toBe(true)
  })

  it('repairs the prelude: header values as text, CR/LF removed, base64 body decoded, keys outside the prelude dropped (ST3, ST27)', async () => {
    const handler = gateproof(
      async () =>
        ({
          statusCode: '201',
          headers: { 'x-count': 3, 'x-note': 'a\r\nSet-Cookie: evil=1' },
          isBase64Encoded: true,
          statusDescription: '201 Created',
          body: Buffer.from('binary\0data').toString('base64'),
        }) as never,
      { streaming: true },
    )
    const result = await invokeStreaming(handler, restEvent())
    expect(result.prelude).toEqual({
      statusCode: 201,
      headers: { 'x-count': '3', 'x-note': 'a Set-Cookie: evil=1' },
    })
    expect(result.body.toString()).toBe('binary\0data')
  })

  it('payload 2.0: a Function URL result without statusCode streams as a 200 JSON body; a REST one is a contract 500', async () => {
    const handler = gateproof(async () => ({ orders: [1, 2] }) as never, { streaming: true })
    const url = await invokeStreaming(handler, functionUrlEvent())
    expect(url.prelude).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
    })
    expect(json(url.body)).toEqual({ orders: [1, 2] })
    const rest = await invokeStreaming(handler, restEvent())
    expect(rest.prelude).toMatchObject({ statusCode: 500 })
  })

  it('the load shedder holds the slot until the stream ends, not until the handler returns', async () => {
    const open = new PassThrough()
    let calls = 0
    const handler = gateproof(
      async () => ({ statusCode: 200, body: calls++ === 0 ? open : 'second' }),
      { streaming: true, loadShedder: { inFlight: 1 } },
    )
    const first = invokeStreaming(handler, functionUrlEvent())
    open.write('streaming…')
    await new Promise((resolve) => setTimeout(resolve, 10))
    // The first handler has returned long ago, but its stream is still open.
    const refused = await invokeStreaming(handler, functionUrlEvent())
    expect(refused.prelude).toMatchObject({
      statusCode: 429,
      headers: { 'Retry-After': expect.any(String) },
    })
    open.end()
    expect((await first).body.toString()).toBe('streaming…')
    const admitted = await invokeStreaming(handler, functionUrlEvent())
    expect(admitted.prelude).toMatchObject({ statusCode: 200 })
    expect(admitted.body.toString()).toBe('second')
  })

  it('ST24: the Middy 6 option streamifyResponse fails loudly, in the preset and in a buffered Middy handler', async () => {
    expect(() => gateproof(async () => ({}), { streamifyResponse: true } as never)).toThrow(
      /Middy 7 silently ignores it/,
    )
    // Middy 7 ignores the option and runs buffered: the streaming middlewares refuse to pretend.
    const buffered = middy(async () => ({ statusCode: 200, body: 'x' }), {
      streamifyResponse: true,
    } as never).use(streamDeadline())
    await expect(buffered(restEvent(), lambdaContext())).rejects.toThrow(/ST24/)
    const shaped = middy(async () => ({ statusCode: 200, body: 'x' })).use(streamShape())
    await expect(shaped(functionUrlEvent(), lambdaContext())).rejects.toThrow(GateproofOptionsError)
  })

  it('ST31, ST32: streaming with an HTTP API or ALB integration is refused when the handler is built', () => {
    expect(() =>
      gateproof(async () => ({}), { streaming: true, integration: 'alb' } as never),
    ).toThrow(/does not stream/)
    expect(() =>
      gateproof(async () => ({}), { streaming: true, integration: 'http-v2' } as never),
    ).toThrow(/ST31/)
  })

  it('the timeout guard still answers a handler that never returns its stream (504 in the contract)', async () => {
    const handler = gateproof(() => new Promise<never>(() => undefined), {
      streaming: true,
      loadShedder: false,
    })
    const result = await invokeStreaming(
      handler,
      functionUrlEvent(),
      lambdaContext({ remainingMs: 700 }),
    )
    expect(result.prelude).toMatchObject({ statusCode: 504 })
    expect(json(result.body)).toMatchObject({ status: 504 })
  })
})
