// The timeout guard and the load shedder pass one clock reading along in the `before` phase
// (core's `requestNow`): only while nothing but gateproof's own code runs between them. These
// tests move the (fake) clock in someone else's code between the two and expect the shedder to
// decide on the moved clock, as it did when each part read the clock itself.
import { gateproofPlugin } from '@gateproof/core'
import { loadShedder } from '@gateproof/load-shedder'
import { lambdaContext, restEvent } from '@gateproof/testing'
import { timeoutGuard } from '@gateproof/timeout-guard'
import middy from '@middy/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

const T0 = Date.UTC(2026, 10, 22, 12, 0, 0)
// REST: arrival + 29 s − 500 ms margin; the shedder refuses with less than 250 ms left.
const NEARLY_AT_DEADLINE_MS = 29_000 - 500 - 100

beforeEach(() => {
  vi.useFakeTimers({ fakeNodeBuiltins: true, now: T0 })
})
afterEach(() => {
  vi.useRealTimers()
})

function parts() {
  const guard = timeoutGuard({ logger: false })
  const shedder = loadShedder({ logger: false })
  const handler = vi.fn(async () => ({ statusCode: 200, body: 'ok' }))
  return { guard, shedder, handler }
}

const event = () => {
  const e = restEvent()
  e.requestContext.requestTimeEpoch = T0
  return e
}

const moveClock = () => {
  vi.setSystemTime(Date.now() + NEARLY_AT_DEADLINE_MS)
}

/** What the invocation ends with: the response, or the thrown error's status. */
async function outcome(invocation: Promise<unknown>): Promise<unknown> {
  try {
    return await invocation
  } catch (error) {
    return { thrown: (error as { status?: number }).status }
  }
}

describe('one clock reading passed along (requestNow)', () => {
  it('admits when nothing moves the clock between the guard and the shedder', async () => {
    const { guard, shedder, handler } = parts()
    const fn = middy(handler, gateproofPlugin(guard, shedder)).use(guard).use(shedder)
    expect(await outcome(fn(event(), lambdaContext({ remainingMs: 60_000 })))).toEqual({
      statusCode: 200,
      body: 'ok',
    })
  })

  it('reads the clock afresh after another middleware ran between the guard and the shedder', async () => {
    const { guard, shedder, handler } = parts()
    const fn = middy(handler, gateproofPlugin(guard, shedder))
      .use(guard)
      .use({ before: moveClock })
      .use(shedder)
    expect(await outcome(fn(event(), lambdaContext({ remainingMs: 60_000 })))).toEqual({
      thrown: 429,
    })
    expect(handler).not.toHaveBeenCalled()
  })

  it('reads the clock afresh after an asynchronous middleware', async () => {
    const { guard, shedder, handler } = parts()
    const fn = middy(handler, gateproofPlugin(guard, shedder))
      .use(guard)
      .use({ before: async () => moveClock() })
      .use(shedder)
    expect(await outcome(fn(event(), lambdaContext({ remainingMs: 60_000 })))).toEqual({
      thrown: 429,
    })
  })

  it('shares no reading when Middy’s own middleware hooks run code between middlewares', async () => {
    const { guard, shedder, handler } = parts()
    const plugin = {
      ...gateproofPlugin(guard, shedder),
      beforeMiddleware: (name: string) => {
        if (name === 'loadShedderBefore') moveClock()
      },
    }
    const fn = middy(handler, plugin).use(guard).use(shedder)
    expect(await outcome(fn(event(), lambdaContext({ remainingMs: 60_000 })))).toEqual({
      thrown: 429,
    })
  })

  it('reads a custom shedder clock as given', async () => {
    const guard = timeoutGuard({ logger: false })
    const clock = { now: vi.fn(() => Date.now() + NEARLY_AT_DEADLINE_MS) }
    const shedder = loadShedder({ logger: false, clock })
    const fn = middy(async () => ({ statusCode: 200, body: 'ok' }), gateproofPlugin(guard, shedder))
      .use(guard)
      .use(shedder)
    expect(await outcome(fn(event(), lambdaContext({ remainingMs: 60_000 })))).toEqual({
      thrown: 429,
    })
    expect(clock.now).toHaveBeenCalled()
  })
})
