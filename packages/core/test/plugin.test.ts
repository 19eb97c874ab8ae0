import { GateproofOptionsError, gateproofPlugin, type RequestLike } from '@gateproof/core'
import { lambdaContext, restEvent } from '@gateproof/testing'
import middy from '@middy/core'
import { describe, expect, it } from 'vitest'

/** A middleware that records its plugin hooks, as a gateproof middleware carries them. */
function recording(name: string, calls: string[], { failEnd = false } = {}) {
  return {
    before: () => {
      calls.push(`${name}.before`)
    },
    plugin: {
      requestStart: (request: RequestLike) => {
        calls.push(`${name}.start`)
        request.internal[`gateproof.${name}`] = 'armed'
      },
      requestEnd: async (request: RequestLike) => {
        calls.push(`${name}.end:${String(request.internal[`gateproof.${name}`])}`)
        if (failEnd) throw new Error(`${name} release failed`)
      },
    },
  }
}

describe('gateproofPlugin', () => {
  it('runs requestStart hooks in the order given and requestEnd hooks in reverse', async () => {
    const calls: string[] = []
    const plugin = gateproofPlugin(recording('guard', calls), recording('shedder', calls))
    const request = { event: {}, context: {}, internal: {} }
    plugin.requestStart?.(request)
    await plugin.requestEnd?.(request)
    expect(calls).toEqual(['guard.start', 'shedder.start', 'shedder.end:armed', 'guard.end:armed'])
  })

  it('accepts bare hook objects and skips false, null, undefined and middlewares without hooks', async () => {
    const calls: string[] = []
    const plugin = gateproofPlugin(
      { requestStart: () => calls.push('bare.start') },
      false,
      null,
      undefined,
      { plugin: undefined },
      { before: () => undefined } as never,
      recording('guard', calls),
    )
    const request = { event: {}, context: {}, internal: {} }
    plugin.requestStart?.(request)
    await plugin.requestEnd?.(request)
    expect(calls).toEqual(['bare.start', 'guard.start', 'guard.end:armed'])
  })

  it('returns an empty plugin when no part has hooks, so Middy keeps its defaults', () => {
    expect(gateproofPlugin()).toEqual({})
    expect(gateproofPlugin({ plugin: {} })).toEqual({})
  })

  it('runs every requestEnd even when one throws, then rethrows the first error', async () => {
    const calls: string[] = []
    const plugin = gateproofPlugin(
      recording('first', calls, { failEnd: true }),
      recording('second', calls, { failEnd: true }),
      recording('third', calls),
    )
    const request = { event: {}, context: {}, internal: {} }
    plugin.requestStart?.(request)
    await expect(plugin.requestEnd?.(request)).rejects.toThrow('second release failed')
    expect(calls.filter((call) => call.includes('.end'))).toEqual([
      'third.end:armed',
      'second.end:armed',
      'first.end:armed',
    ])
  })

  it('runs synchronous requestEnd hooks without a promise when none fails', () => {
    const calls: string[] = []
    const plugin = gateproofPlugin(
      { requestEnd: () => void calls.push('first') },
      { requestEnd: () => void calls.push('second') },
    )
    expect(plugin.requestEnd?.({ event: {}, context: {}, internal: {} })).toBeUndefined()
    expect(calls).toEqual(['second', 'first'])
  })

  it('runs every synchronous requestEnd even when some throw, then rejects with the first error', async () => {
    const calls: string[] = []
    const failing = (name: string) => () => {
      calls.push(name)
      throw new Error(`${name} release failed`)
    }
    const plugin = gateproofPlugin(
      { requestEnd: failing('first') },
      { requestEnd: failing('second') },
      { requestEnd: () => void calls.push('third') },
    )
    await expect(plugin.requestEnd?.({ event: {}, context: {}, internal: {} })).rejects.toThrow(
      'second release failed',
    )
    expect(calls).toEqual(['third', 'second', 'first'])
  })

  it('runs one to six hooks in order, throws and promises included, unrolled or looped', async () => {
    for (let count = 1; count <= 6; count++) {
      for (const failing of [-1, 0, count - 1]) {
        const calls: string[] = []
        const parts = Array.from({ length: count }, (_, index) => ({
          requestStart: () => void calls.push(`start${index}`),
          requestEnd: () => {
            calls.push(`end${index}`)
            if (index === failing) throw new Error(`end${index} failed`)
            return index === 1 ? Promise.resolve() : undefined
          },
        }))
        const plugin = gateproofPlugin(...parts)
        const request = { event: {}, context: {}, internal: {} }
        plugin.requestStart?.(request)
        const ended = plugin.requestEnd?.(request)
        if (failing >= 0) await expect(ended).rejects.toThrow(`end${failing} failed`)
        else await ended
        const indexes = Array.from({ length: count }, (_, index) => index)
        expect(calls).toEqual([
          ...indexes.map((index) => `start${index}`),
          ...indexes.reverse().map((index) => `end${index}`),
        ])
      }
    }
  })

  it('waits for a requestEnd that returns a promise before running the next, in order', async () => {
    const calls: string[] = []
    let release: () => void = () => undefined
    const plugin = gateproofPlugin(
      { requestEnd: () => void calls.push('first') },
      {
        requestEnd: () =>
          new Promise<void>((resolve) => {
            calls.push('second started')
            release = () => {
              calls.push('second done')
              resolve()
            }
          }),
      },
      {
        requestEnd: () => {
          calls.push('third')
          throw new Error('third release failed')
        },
      },
    )
    const ended = plugin.requestEnd?.({ event: {}, context: {}, internal: {} })
    await Promise.resolve()
    expect(calls).toEqual(['third', 'second started'])
    release()
    await expect(ended).rejects.toThrow('third release failed')
    expect(calls).toEqual(['third', 'second started', 'second done', 'first'])
  })

  it('passes the one early-timeout owner through', () => {
    const timeoutEarlyResponse = () => ({ statusCode: 504 })
    const plugin = gateproofPlugin(
      { plugin: { timeoutEarlyInMillis: 800, timeoutEarlyResponse } },
      recording('shedder', []),
    )
    expect(plugin.timeoutEarlyInMillis).toBe(800)
    expect(plugin.timeoutEarlyResponse).toBe(timeoutEarlyResponse)
  })

  it('rejects two parts that both want the early-timeout hooks', () => {
    const guard = { plugin: { timeoutEarlyInMillis: 500 } }
    expect(() => gateproofPlugin(guard, { plugin: { timeoutEarlyInMillis: 1000 } })).toThrow(
      GateproofOptionsError,
    )
    expect(() => gateproofPlugin(guard, { timeoutEarlyInMillis: 0 })).toThrow(
      '@gateproof/core: only one part may set Middy early-timeout hooks (use one timeout guard per handler)',
    )
  })
})

describe('gateproofPlugin with Middy', () => {
  const setup = (handler: () => Promise<unknown>) => {
    const calls: string[] = []
    const guard = recording('guard', calls)
    const shedder = recording('shedder', calls)
    const handle = middy(handler, gateproofPlugin(guard, shedder)).use(guard).use(shedder)
    return { calls, handle }
  }

  it('runs requestStart before the middlewares and requestEnd after them on the success path', async () => {
    const { calls, handle } = setup(async () => ({ statusCode: 200, body: 'ok' }))
    await expect(handle(restEvent(), lambdaContext())).resolves.toEqual({
      statusCode: 200,
      body: 'ok',
    })
    expect(calls).toEqual([
      'guard.start',
      'shedder.start',
      'guard.before',
      'shedder.before',
      'shedder.end:armed',
      'guard.end:armed',
    ])
  })

  it('runs requestEnd on the error path when an onError middleware answers', async () => {
    const { calls, handle } = setup(async () => {
      throw new Error('boom')
    })
    handle.onError(async (request) => {
      request.response = { statusCode: 500, body: 'rendered' }
    })
    await expect(handle(restEvent(), lambdaContext())).resolves.toEqual({
      statusCode: 500,
      body: 'rendered',
    })
    expect(calls.slice(-2)).toEqual(['shedder.end:armed', 'guard.end:armed'])
  })

  it('runs requestEnd on the error path when nothing answers and the error escapes', async () => {
    const { calls, handle } = setup(async () => {
      throw new Error('boom')
    })
    await expect(handle(restEvent(), lambdaContext())).rejects.toThrow('boom')
    expect(calls.slice(-2)).toEqual(['shedder.end:armed', 'guard.end:armed'])
  })

  it('runs requestEnd when a before middleware returns early', async () => {
    const calls: string[] = []
    const guard = recording('guard', calls)
    const shedder = recording('shedder', calls)
    const handle = middy(
      async () => {
        calls.push('handler')
        return { statusCode: 200 }
      },
      gateproofPlugin(guard, shedder),
    )
      .use(guard)
      .before(async () => ({ statusCode: 304, body: '' }))
      .use(shedder)
    await expect(handle(restEvent(), lambdaContext())).resolves.toEqual({
      statusCode: 304,
      body: '',
    })
    expect(calls).toEqual([
      'guard.start',
      'shedder.start',
      'guard.before',
      'shedder.end:armed',
      'guard.end:armed',
    ])
  })

  it('lets the early-timeout owner answer for a handler still running at its deadline', async () => {
    const plugin = gateproofPlugin({
      plugin: {
        timeoutEarlyInMillis: 950,
        timeoutEarlyResponse: () => ({ statusCode: 504, body: 'guarded' }),
      },
    })
    let aborted = false
    const handle = middy(
      (_event: unknown, _context: unknown, { signal }: { signal: AbortSignal }) =>
        new Promise(() => {
          signal.addEventListener('abort', () => {
            aborted = true
          })
        }),
      plugin,
    )
    await expect(handle(restEvent(), lambdaContext({ remainingMs: 1_000 }))).resolves.toEqual({
      statusCode: 504,
      body: 'guarded',
    })
    expect(aborted).toBe(true)
  })
})
