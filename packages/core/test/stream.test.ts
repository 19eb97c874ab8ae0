import { PassThrough, Readable } from 'node:stream'
import {
  checkPrelude,
  encodePrelude,
  GateproofOptionsError,
  getStreamState,
  parsePreludeStream,
  type RequestLike,
  rejectMiddy6StreamOption,
  type StreamOutcome,
  streamingExecutionMode,
} from '@gateproof/core'
import {
  functionUrlEvent,
  installStreamingGlobals,
  invokeStreaming,
  lambdaContext,
  restEvent,
} from '@gateproof/testing'
import middy from '@middy/core'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'

let uninstall: () => void
beforeAll(() => {
  uninstall = installStreamingGlobals()
})
afterAll(() => uninstall())
afterEach(() => {
  vi.useRealTimers()
})

type Handler = (event: unknown, context: unknown, options: { signal: AbortSignal }) => unknown

/** A streaming Middy handler through core's execution mode, recording each request's outcome. */
function streaming(handler: Handler, outcomes: StreamOutcome[] = [], policy: Partial<Policy> = {}) {
  return middy(handler as never, { executionMode: streamingExecutionMode() }).use({
    before: (request) => {
      const state = getStreamState(request as unknown as RequestLike)
      if (!state) throw new Error('not streaming')
      Object.assign(state, policy)
      state.onEnd.push((outcome) => outcomes.push(outcome))
    },
  })
}
interface Policy {
  totalAt: number
  idleMs: number
}

async function* chunks(...parts: Array<string | Uint8Array>) {
  for (const part of parts) yield part
}

describe('stream prelude rules (core)', () => {
  it('ST3: a prelude is its JSON then exactly 8 NUL bytes, and parses back', () => {
    const bytes = Buffer.concat([
      encodePrelude({ statusCode: 201, headers: { a: 'b' } }),
      Buffer.from('hi'),
    ])
    const parsed = parsePreludeStream(bytes)
    expect(parsed).toEqual({
      ok: true,
      prelude: { statusCode: 201, headers: { a: 'b' } },
      body: Buffer.from('hi'),
    })
    expect(parsePreludeStream(Buffer.from('{"statusCode":200}'))).toMatchObject({ ok: false })
    expect(parsePreludeStream(Buffer.from('{"statusCode":200}\0\0\0x'))).toMatchObject({
      ok: false,
    })
  })

  it('ST3: CR, LF and NUL in header values or cookies, bad names and bad statuses are rejected', () => {
    expect(checkPrelude({ statusCode: 200, headers: { a: 'x\r\nSet-Cookie: evil' } }).ok).toBe(
      false,
    )
    expect(checkPrelude({ statusCode: 200, headers: { a: 'x\0y' } }).ok).toBe(false)
    expect(checkPrelude({ statusCode: 200, headers: { 'bad name': 'x' } }).ok).toBe(false)
    expect(checkPrelude({ statusCode: 200, cookies: ['a=1\nb=2'] }).ok).toBe(false)
    expect(checkPrelude({ statusCode: 99 }).ok).toBe(false)
    expect(checkPrelude({ statusCode: '200' }).ok).toBe(false)
    expect(checkPrelude({ statusCode: 200, headers: { a: 1 } }).ok).toBe(false)
  })

  it('ST3, ST27: only the four prelude keys are kept; multiValueHeaders only for REST', () => {
    const check = checkPrelude(
      { statusCode: 200, headers: { a: 'b' }, cookies: ['c=d'], isBase64Encoded: false, extra: 1 },
      'function-url',
    )
    expect(check).toEqual({
      ok: true,
      prelude: { statusCode: 200, headers: { a: 'b' }, cookies: ['c=d'] },
    })
    expect(checkPrelude({ statusCode: 200, multiValueHeaders: { a: ['1', '2'] } }, 'rest').ok).toBe(
      true,
    )
    expect(
      checkPrelude({ statusCode: 200, multiValueHeaders: { a: ['1'] } }, 'function-url').ok,
    ).toBe(false)
  })
})

describe('streaming execution mode (core)', () => {
  it('ST16, ST27: the prelude leaves with the first chunk, with only its own keys, then the body', async () => {
    const handler = streaming(async () => ({
      statusCode: 200,
      headers: { 'content-type': 'text/plain' },
      isBase64Encoded: false,
      body: chunks('one ', 'two'),
    }))
    const result = await invokeStreaming(handler, restEvent())
    expect(result.ended).toBe('complete')
    expect(result.contentType).toBe('application/vnd.awslambda.http-integration-response')
    expect(result.prelude).toEqual({ statusCode: 200, headers: { 'content-type': 'text/plain' } })
    expect(result.body.toString()).toBe('one two')
  })

  it('ST28: string, Buffer, Uint8Array, Node Readable, web ReadableStream and async iterable bodies all stream', async () => {
    const bodies: Array<() => unknown> = [
      () => 'héllo wörld',
      () => Buffer.from('héllo wörld'),
      () => new Uint8Array(Buffer.from('héllo wörld')),
      () => Readable.from(['héllo ', 'wörld']),
      () =>
        new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('héllo '))
            controller.enqueue('wörld')
            controller.close()
          },
        }),
      () => chunks('héllo', ' wörld'),
    ]
    for (const body of bodies) {
      const result = await invokeStreaming(
        streaming(async () => ({ statusCode: 200, body: body() })),
        functionUrlEvent(),
      )
      expect(result.body.toString()).toBe('héllo wörld')
      expect(result.prelude).toEqual({ statusCode: 200 })
    }
  })

  it('ST18: an empty body still sends the prelude and ends the stream (no hang)', async () => {
    const outcomes: StreamOutcome[] = []
    const result = await invokeStreaming(
      streaming(async () => ({ statusCode: 204 }), outcomes),
      functionUrlEvent(),
    )
    expect(result).toMatchObject({ ended: 'complete', prelude: { statusCode: 204 } })
    expect(result.body.length).toBe(0)
    expect(outcomes).toMatchObject([{ ended: 'complete', statusCode: 204, bytes: 0 }])
  })

  it('ST3: a prelude with CR/LF in a header never leaves: a contract 500 goes out instead', async () => {
    const outcomes: StreamOutcome[] = []
    const result = await invokeStreaming(
      streaming(
        async () => ({ statusCode: 200, headers: { 'x-a': 'v\r\nx-evil: 1' }, body: 'secret' }),
        outcomes,
      ),
      restEvent(),
    )
    expect(result.prelude).toMatchObject({
      statusCode: 500,
      headers: { 'Content-Type': 'application/problem+json' },
    })
    expect(JSON.parse(result.body.toString())).toMatchObject({
      status: 500,
      title: 'Internal Server Error',
    })
    expect(outcomes).toMatchObject([{ ended: 'replaced', reason: 'invalid-prelude' }])
  })

  it('ST8, ST20 (unconfirmed client view, expected 5xx): an error no onError answers becomes a contract 500 before any byte', async () => {
    const result = await invokeStreaming(
      streaming(async () => {
        throw new Error('db password is hunter2')
      }),
      restEvent(),
    )
    expect(result.ended).toBe('complete')
    expect(result.prelude).toMatchObject({ statusCode: 500 })
    expect(result.body.toString()).not.toContain('hunter2')
    expect(JSON.parse(result.body.toString())).toMatchObject({
      status: 500,
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
    })
  })

  it('ST28: a body that is not a stream is answered with a contract 500, never after the prelude', async () => {
    const outcomes: StreamOutcome[] = []
    const result = await invokeStreaming(
      streaming(async () => ({ statusCode: 200, body: { not: 'a stream' } }), outcomes),
      functionUrlEvent(),
    )
    expect(result.prelude).toMatchObject({ statusCode: 500 })
    expect(outcomes).toMatchObject([{ ended: 'replaced', reason: 'body-error' }])
  })

  it('ST26: a body that fails before its first chunk is answered with a rendered error, status still changeable', async () => {
    const outcomes: StreamOutcome[] = []
    async function* failing(): AsyncGenerator<string> {
      yield* []
      throw new Error('query failed')
    }
    const result = await invokeStreaming(
      streaming(async () => ({ statusCode: 200, body: failing() }), outcomes),
      restEvent(),
    )
    expect(result.prelude).toMatchObject({ statusCode: 500 })
    expect(outcomes[0]).toMatchObject({ ended: 'replaced', reason: 'body-error' })
  })

  it('ST9, ST21, ST29: a body that fails after the prelude ends the stream cleanly, status kept, truncation reported', async () => {
    const outcomes: StreamOutcome[] = []
    async function* failing() {
      yield 'partial'
      throw new Error('connection reset')
    }
    const result = await invokeStreaming(
      streaming(async () => ({ statusCode: 200, body: failing() }), outcomes),
      restEvent(),
    )
    expect(result).toMatchObject({ ended: 'complete', prelude: { statusCode: 200 } })
    expect(result.body.toString()).toBe('partial')
    expect(outcomes).toMatchObject([
      { ended: 'truncated', reason: 'body-error', bytes: 7, chunks: 1 },
    ])
  })

  it('ST9: without any reporting middleware a truncation is one JSON line on stderr', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    try {
      const handler = middy(
        (async () => ({
          statusCode: 200,
          body: (async function* () {
            yield 'a'
            throw new Error('boom')
          })(),
        })) as never,
        { executionMode: streamingExecutionMode() },
      )
      await invokeStreaming(handler, restEvent())
      expect(errors).toHaveBeenCalledTimes(1)
      expect(JSON.parse(String(errors.mock.calls[0]?.[0]))).toMatchObject({
        level: 'ERROR',
        message: 'Stream truncated',
        reason: 'body-error',
        statusCode: 200,
      })
    } finally {
      errors.mockRestore()
    }
  })

  it('ST30: an idle body before its first chunk is answered 504 and the handler signal is aborted', async () => {
    vi.useFakeTimers()
    const outcomes: StreamOutcome[] = []
    let signal: AbortSignal | undefined
    const handler = streaming(
      async (_e, _c, options) => {
        signal = options.signal
        return { statusCode: 200, body: new PassThrough() }
      },
      outcomes,
      { idleMs: 1_000 },
    )
    const pending = invokeStreaming(handler, restEvent(), lambdaContext(), { timeoutMs: 60_000 })
    await vi.advanceTimersByTimeAsync(1_001)
    const result = await pending
    expect(result.prelude).toMatchObject({ statusCode: 504 })
    expect(outcomes).toMatchObject([{ ended: 'replaced', reason: 'idle-timeout' }])
    expect(signal?.aborted).toBe(true)
    expect((signal?.reason as DOMException | undefined)?.name).toBe('TimeoutError')
  })

  it('ST5, ST30: a stream past its total deadline is ended cleanly and counted, chunks before it kept', async () => {
    vi.useFakeTimers()
    const outcomes: StreamOutcome[] = []
    const body = new PassThrough()
    const handler = streaming(async () => ({ statusCode: 200, body }), outcomes, {
      totalAt: Date.now() + 5_000,
      idleMs: 2_000,
    })
    const pending = invokeStreaming(handler, functionUrlEvent(), lambdaContext(), {
      timeoutMs: 60_000,
    })
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersByTimeAsync(1_500)
      body.write(`tick${i};`)
    }
    await vi.advanceTimersByTimeAsync(1_000)
    const result = await pending
    expect(result.prelude).toMatchObject({ statusCode: 200 })
    expect(result.body.toString()).toBe('tick0;tick1;tick2;')
    expect(outcomes).toMatchObject([{ ended: 'truncated', reason: 'deadline' }])
    expect(body.destroyed).toBe(true)
  })

  it('requestEnd runs only once the stream has ended, so per-request resources live as long as the stream', async () => {
    const calls: string[] = []
    const body = new PassThrough()
    const handler = middy(async () => ({ statusCode: 200, body }), {
      executionMode: streamingExecutionMode(),
      requestEnd: () => {
        calls.push(`requestEnd:${body.readableEnded}`)
      },
    } as never)
    const pending = invokeStreaming(handler, functionUrlEvent())
    setTimeout(() => {
      calls.push('body.end')
      body.end('done')
    }, 5)
    await pending
    expect(calls).toEqual(['body.end', 'requestEnd:true'])
  })

  it('a write after the body ended does not crash the invocation or change the response', async () => {
    const body = new PassThrough()
    const handler = streaming(async () => {
      body.end('all')
      setTimeout(() => body.write('late'), 1)
      return { statusCode: 200, body }
    })
    const result = await invokeStreaming(handler, functionUrlEvent())
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(result).toMatchObject({ ended: 'complete' })
    expect(result.body.toString()).toBe('all')
  })

  it('ST27: events of no HTTP front door keep Middy semantics: no prelude, errors rethrown', async () => {
    const ok = await invokeStreaming(
      streaming(async () => Readable.from(['raw'])),
      { Records: [] },
    )
    expect(ok).toMatchObject({ ended: 'complete', prelude: undefined })
    expect(ok.body.toString()).toBe('raw')
    const failed = await invokeStreaming(
      streaming(async () => {
        throw new Error('not http')
      }),
      { Records: [] },
    )
    expect(failed).toMatchObject({ ended: 'truncated' })
    expect((failed.error as Error).message).toBe('not http')
  })

  it('ST22, ST25: without the awslambda global, building the handler fails with a clear error', () => {
    uninstall()
    try {
      expect(() => middy(async () => ({}), { executionMode: streamingExecutionMode() })).toThrow(
        /AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA/,
      )
    } finally {
      uninstall = installStreamingGlobals()
    }
  })

  it('ST24: the Middy 6 option streamifyResponse fails loudly', () => {
    expect(() => rejectMiddy6StreamOption('gateproof', { streamifyResponse: true })).toThrow(
      GateproofOptionsError,
    )
    expect(() => rejectMiddy6StreamOption('gateproof', { streaming: true })).not.toThrow()
  })
})

describe('stream tap under hostile results (core mode alone, no streamShape)', () => {
  const boom = (): never => {
    throw new Error('getter says no')
  }
  it('ST3: throwing getters, a revoked Proxy or throwing traps on the response become a contract 500', async () => {
    const { proxy, revoke } = Proxy.revocable({}, {})
    revoke()
    const hostile: Array<() => unknown> = [
      () => proxy,
      () => new Proxy({ statusCode: 200, body: 'x' }, { ownKeys: boom }),
      () => Object.defineProperty({ statusCode: 200 }, 'headers', { get: boom, enumerable: true }),
      () => Object.defineProperty({ statusCode: 200 }, 'body', { get: boom, enumerable: true }),
    ]
    for (const make of hostile) {
      const outcomes: StreamOutcome[] = []
      const result = await invokeStreaming(
        streaming(async () => make(), outcomes),
        restEvent(),
      )
      expect(result.ended).toBe('complete')
      expect(result.prelude, String(make)).toMatchObject({ statusCode: 500 })
      // A revoked Proxy already fails Middy's `await` of the handler (unhandled → rendered 500, then
      // delivered complete); the others fail in the tap, which replaces them.
      expect(outcomes).toHaveLength(1)
    }
  })
})
