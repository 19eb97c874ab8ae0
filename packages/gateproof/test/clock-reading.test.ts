import { lambdaContext, restEvent } from '@gateproof/testing'
import { executionModeStandard } from '@middy/core/executionModeStandard'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { type GateproofOptions, gateproof } from '../src/index.js'

// DESIGN: one clock read passed along. In gateproof() the guard reads the clock once when the
// request starts (its deadline); its arrival check, the shedder's admit decision and the check
// right before the handler decide at that reading as long as only gateproof's code ran since
// (issue 18). Whenever your code runs in between — a middleware, a decorator, a shedder
// callback, a custom execution mode — the next decision reads the clock again. Each test below
// moves the clock past the deadline inside your code: a stale reading would run the handler.

const T0 = Date.UTC(2026, 11, 6, 12)
// REST: arrival + 29 000 ms − the 500 ms margin.
const PAST_DEADLINE = T0 + 29_000

beforeEach(() => {
  vi.useFakeTimers({ fakeNodeBuiltins: true, now: T0 })
})
afterEach(() => {
  vi.useRealTimers()
})

const movesClockPastDeadline = () => {
  vi.setSystemTime(PAST_DEADLINE)
}

async function invoke(options: GateproofOptions, user?: { before: () => void }) {
  let handlerRan = false
  const handler = gateproof(
    async () => {
      handlerRan = true
      return { statusCode: 200, body: 'ok' }
    },
    { logger: false, ...options },
  )
  if (user) handler.use(user)
  const response = (await handler(
    restEvent({}, { arrivedAt: T0 }),
    lambdaContext({ remainingMs: 60_000 }),
  )) as { statusCode: number }
  return { status: response.statusCode, handlerRan }
}

describe('one clock reading passed along (issue 18, DESIGN)', () => {
  it('answers 200 when nothing moves the clock: the shared reading admits the request', async () => {
    expect(await invoke({})).toEqual({ status: 200, handlerRan: true })
  })

  it('reads the clock again before the handler after your own `before` ran (H5 check)', async () => {
    expect(await invoke({}, { before: movesClockPastDeadline })).toEqual({
      status: 504,
      handlerRan: false,
    })
  })

  it('reads the clock again before the handler after the shedder called your `priority`', async () => {
    const options: GateproofOptions = {
      loadShedder: {
        priority: () => {
          movesClockPastDeadline()
          return 'normal'
        },
      },
    }
    expect(await invoke(options)).toEqual({ status: 504, handlerRan: false })
  })

  it('reads the clock again on arrival after a decorator’s `before` ran', async () => {
    const options: GateproofOptions = { decorators: [{ before: movesClockPastDeadline }] }
    expect(await invoke(options)).toEqual({ status: 504, handlerRan: false })
  })

  it('reads the clock again on arrival under an execution mode of your own', async () => {
    const custom = (
      internals: { runRequest: (...args: unknown[]) => unknown },
      ...rest: unknown[]
    ) =>
      (executionModeStandard as (...args: unknown[]) => unknown)(
        {
          ...internals,
          runRequest: (...args: unknown[]) => {
            movesClockPastDeadline()
            return internals.runRequest(...args)
          },
        },
        ...rest,
      )
    const options: GateproofOptions = { timeoutGuard: { executionMode: custom as never } }
    expect(await invoke(options)).toEqual({ status: 504, handlerRan: false })
  })

  it('reads the clock again before the handler after a dry-run refusal went to your Logger', async () => {
    const logger = {
      debug() {},
      warn() {},
      error() {},
      info(message: string) {
        if (message.includes('dry run')) movesClockPastDeadline()
      },
    }
    const options: GateproofOptions = {
      logger: logger as never,
      // The deadline policy "would refuse" a request with less than 15 minutes left.
      loadShedder: { dryRun: true, deadline: { minRemainingMs: 900_000 } },
    }
    expect(await invoke(options)).toEqual({ status: 504, handlerRan: false })
  })

  it('decides on arrival after the context’s accessors and getRemainingTimeInMillis ran', async () => {
    for (const where of ['accessor', 'countdown'] as const) {
      let handlerRan = false
      const handler = gateproof(
        async () => {
          handlerRan = true
          return { statusCode: 200, body: 'ok' }
        },
        { logger: false },
      )
      const base = lambdaContext({ remainingMs: 60_000 })
      const context =
        where === 'accessor'
          ? Object.defineProperty({ ...base }, 'tenant', {
              enumerable: true,
              get() {
                movesClockPastDeadline()
                return 'acme'
              },
            })
          : {
              ...base,
              getRemainingTimeInMillis: () => {
                movesClockPastDeadline()
                return 60_000
              },
            }
      const response = (await handler(restEvent({}, { arrivedAt: T0 }), context)) as {
        statusCode: number
      }
      expect({ where, status: response.statusCode, handlerRan }).toEqual({
        where,
        status: 504,
        handlerRan: false,
      })
      vi.setSystemTime(T0)
    }
  })

  it('reads the clock again before the handler when a Middy hook of yours runs in between', async () => {
    const withHook = (
      internals: unknown,
      befores: unknown,
      handler: unknown,
      afters: unknown,
      onErrors: unknown,
      plugin: Record<string, unknown>,
    ) => {
      plugin.beforeMiddleware = (name: string) => {
        if (name === 'timeoutGuardBeforeHandler') movesClockPastDeadline()
      }
      return (executionModeStandard as (...args: unknown[]) => unknown)(
        internals,
        befores,
        handler,
        afters,
        onErrors,
        plugin,
      )
    }
    const options: GateproofOptions = { timeoutGuard: { executionMode: withHook as never } }
    expect(await invoke(options)).toEqual({ status: 504, handlerRan: false })
  })

  it('reads the clock three times for a request answered 200, where each part once read it five', async () => {
    const handler = gateproof(async () => ({ statusCode: 200, body: 'ok' }), { logger: false })
    const context = lambdaContext({ remainingMs: 60_000, clock: { now: () => T0 } })
    const event = restEvent({}, { arrivedAt: T0 })
    const now = vi.spyOn(Date, 'now')
    await handler(event, context)
    // The deadline when the request starts, the handler's start (its timer), the shedder's
    // timing of the finished request.
    expect(now).toHaveBeenCalledTimes(3)
  })
})
