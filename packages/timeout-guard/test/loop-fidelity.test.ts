import { findLogs, lambdaContext } from '@gateproof/testing'
import { getDeadline, timeoutGuard } from '@gateproof/timeout-guard'
import middy from '@middy/core'
import { describe, expect, it, vi } from 'vitest'
import { captureEachTest, eventFrom, hangs, powertools, T0, watch } from './support.js'

// What the guard's own request loop (issue 18) must keep of Middy's, found by a review of it:
// the deadline timer of a raced middleware ends with the race, the plugin's own early-timeout
// settings are honoured, the handler's `signal` can be replaced, a thenable response settles
// before `requestEnd`, and a `null` context fails as under Middy.

const capture = captureEachTest()

/** REST, arrived at T0, 1.5 s integration timeout, 200 ms margin: the deadline is T0 + 1 300. */
const options = { integrationTimeoutMs: 1_500, marginMs: 200 }
const DEADLINE = T0 + 1_300

/** The request's one timeout line says the handler ran out of time, and no timer was nobody's. */
function expectOneTimeoutOfTheHandler(): void {
  expect(findLogs(capture, { message: 'Request timed out' }).map((log) => log.line.phase)).toEqual([
    'handler',
  ])
  expect(
    findLogs(capture, {
      message: 'timeout guard could not tell which request reached its deadline',
    }),
  ).toEqual([])
}

describe('H5: a middleware race ends with the middleware', () => {
  it('times a hanging handler out in its own phase after an asynchronous before: onTimeout runs, one line, no stray warning', async () => {
    const onTimeout = vi.fn(async () => {})
    const guard = timeoutGuard({ ...powertools(), ...options, onTimeout })
    const handler = middy(hangs, guard.plugin)
      .use(guard)
      .before(async () => {})
    const invocation = watch(handler(eventFrom('rest', T0), lambdaContext({ remainingMs: 60_000 })))
    await vi.advanceTimersByTimeAsync(DEADLINE - T0)
    expect(((await invocation.result) as { statusCode: number }).statusCode).toBe(504)
    expect(onTimeout).toHaveBeenCalledTimes(1)
    expectOneTimeoutOfTheHandler()
  })

  it('records no timeout for a handler that answers just before the deadline after an asynchronous before', async () => {
    const guard = timeoutGuard({ ...powertools(), ...options })
    const handler = middy(
      () =>
        new Promise((resolve) => setTimeout(() => resolve({ statusCode: 200, body: 'ok' }), 1_299)),
      guard.plugin,
    )
      .use(guard)
      .before(async () => {})
    const invocation = watch(handler(eventFrom('rest', T0), lambdaContext({ remainingMs: 60_000 })))
    await vi.advanceTimersByTimeAsync(DEADLINE - T0 + 100)
    expect(await invocation.result).toEqual({ statusCode: 200, body: 'ok' })
    expect(findLogs(capture, { message: 'Request timed out' })).toEqual([])
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('the plugin’s early-timeout settings, as Middy reads them', () => {
  it('arms the handler’s timer with the plugin’s timeoutEarlyInMillis when you override it', async () => {
    const guard = timeoutGuard({ ...options, marginMs: 200 })
    // ALB: no integration timeout; Lambda has 1 500 ms; Middy's timer fires 1 000 ms early.
    const handler = middy(hangs, { ...guard.plugin, timeoutEarlyInMillis: 1_000 }).use(guard)
    const invocation = watch(handler(eventFrom('alb', T0), lambdaContext({ remainingMs: 1_500 })))
    await vi.advanceTimersByTimeAsync(499)
    expect(invocation.settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(invocation.settled).toBe(true)
  })

  it('still times the request out as the guard’s when your timeoutEarlyResponse wraps the guard’s', async () => {
    const onTimeout = vi.fn(async () => {})
    const guard = timeoutGuard({ ...powertools(), ...options, onTimeout })
    const wrapper = vi.fn(() => guard.plugin.timeoutEarlyResponse())
    let signal: AbortSignal | undefined
    const handler = middy(
      async (_event: unknown, context: unknown) => {
        signal = getDeadline(context)?.signal
        return hangs()
      },
      { ...guard.plugin, timeoutEarlyResponse: wrapper },
    ).use(guard)
    const invocation = watch(handler(eventFrom('rest', T0), lambdaContext({ remainingMs: 60_000 })))
    await vi.advanceTimersByTimeAsync(DEADLINE - T0)
    expect(((await invocation.result) as { statusCode: number }).statusCode).toBe(504)
    expect({ wrapper: wrapper.mock.calls.length, onTimeout: onTimeout.mock.calls.length }).toEqual({
      wrapper: 1,
      onTimeout: 1,
    })
    expect(signal?.aborted).toBe(true)
    expectOneTimeoutOfTheHandler()
  })

  it('answers with your own timeoutEarlyResponse when you put one over the guard’s', async () => {
    const guard = timeoutGuard(options)
    const own = vi.fn(() => ({ statusCode: 599 }))
    const handler = middy(hangs, { ...guard.plugin, timeoutEarlyResponse: own }).use(guard)
    const invocation = watch(handler(eventFrom('rest', T0), lambdaContext({ remainingMs: 60_000 })))
    await vi.advanceTimersByTimeAsync(DEADLINE - T0)
    expect(await invocation.result).toEqual({ statusCode: 599 })
    expect(own).toHaveBeenCalledTimes(1)
  })
})

describe('the handler’s third argument', () => {
  it('lets a handler put a signal of its own in place of `signal`, as on Middy’s object', async () => {
    const guard = timeoutGuard(options)
    const own = new AbortController().signal
    const handler = middy(
      async (_event: unknown, _context: unknown, opts: { signal: AbortSignal }) => {
        opts.signal = own
        return { statusCode: 200, body: String(opts.signal === own) }
      },
      guard.plugin,
    ).use(guard)
    expect(await handler(eventFrom('rest', T0), lambdaContext())).toEqual({
      statusCode: 200,
      body: 'true',
    })
  })

  it('has no method of the guard’s for the handler to call', async () => {
    const guard = timeoutGuard(options)
    const handler = middy(
      async (_event: unknown, _context: unknown, opts: object) => ({
        statusCode: 200,
        body: typeof (opts as { abort?: unknown }).abort,
      }),
      guard.plugin,
    ).use(guard)
    expect(await handler(eventFrom('rest', T0), lambdaContext())).toEqual({
      statusCode: 200,
      body: 'undefined',
    })
  })
})

/** A guarded invocation whose `after` sets `response`, noting when `requestEnd` runs in `order`. */
function answeringWith(response: unknown, order: string[]): Promise<unknown> {
  const guard = timeoutGuard(options)
  const handler = middy(async () => ({ statusCode: 200 }), {
    ...guard.plugin,
    requestEnd: async (request: Parameters<typeof guard.plugin.requestEnd>[0]) => {
      order.push('requestEnd')
      await guard.plugin.requestEnd(request)
    },
  } as typeof guard.plugin)
    .use(guard)
    .after((request) => {
      request.response = response as never
    })
  return handler(eventFrom('rest', T0), lambdaContext())
}

describe('Middy’s standard mode, kept', () => {
  it('settles a thenable response before requestEnd, and its rejection is the failure', async () => {
    const order: string[] = []
    const failing = {
      // biome-ignore lint/suspicious/noThenProperty: a thenable response is the case under test
      then(_resolve: unknown, reject: (error: unknown) => void) {
        setTimeout(() => {
          order.push('response settled')
          reject(new Error('thenable failed'))
        }, 10)
      },
    }
    const invocation = watch(answeringWith(failing, order))
    await vi.advanceTimersByTimeAsync(10)
    await expect(invocation.result).rejects.toThrow('thenable failed')
    expect(order).toEqual(['response settled', 'requestEnd'])
  })

  it('settles a function that is a thenable before requestEnd too, reading its `then` once', async () => {
    const order: string[] = []
    let reads = 0
    const thenable = Object.defineProperty(() => {}, 'then', {
      get() {
        reads += 1
        return (resolve: (value: unknown) => void) => {
          setTimeout(() => {
            order.push('response settled')
            resolve({ statusCode: 200, body: 'late' })
          }, 10)
        }
      },
    })
    const invocation = watch(answeringWith(thenable, order))
    await vi.advanceTimersByTimeAsync(10)
    expect(await invocation.result).toEqual({ statusCode: 200, body: 'late' })
    expect({ order, reads }).toEqual({ order: ['response settled', 'requestEnd'], reads: 1 })
  })

  it.each([
    {
      what: 'has an accessor that throws',
      context: () =>
        Object.defineProperty({ ...lambdaContext() }, 'identity', {
          enumerable: true,
          get() {
            throw new Error('identity getter failed')
          },
        }),
    },
    {
      // issue 18: as before the prototype was read early.
      what: 'cannot tell its prototype (a Proxy whose trap throws)',
      context: () =>
        new Proxy(lambdaContext(), {
          getPrototypeOf() {
            throw new Error('getPrototypeOf trap failed')
          },
        }),
    },
  ])(
    'keeps the deadline of a request whose context $what (the handler gets the caller’s context)',
    async ({ context }) => {
      const guard = timeoutGuard({ ...powertools(), ...options })
      const handler = middy(
        async (_event: unknown, context: unknown) => ({
          statusCode: 200,
          body: String(getDeadline(context) === undefined),
        }),
        guard.plugin,
      ).use(guard)
      expect(await handler(eventFrom('rest', T0), context())).toEqual({
        statusCode: 200,
        body: 'true',
      })
      expect(
        findLogs(capture, { message: 'timeout guard could not arm the deadline' }),
      ).toHaveLength(1)
      expect(findLogs(capture, { message: /runs without its Middy plugin/ })).toEqual([])
    },
  )

  it('fails an invocation with a null context before any middleware, as Middy does', async () => {
    const guard = timeoutGuard(options)
    const before = vi.fn()
    // An event of no front door: the guard steps aside and the context reaches the loop as is.
    const handler = middy(async () => 'done', guard.plugin)
      .use(guard)
      .before(before)
    await expect(handler({ source: 'aws.events' } as never, null as never)).rejects.toThrow(
      TypeError,
    )
    expect(before).not.toHaveBeenCalled()
  })
})
