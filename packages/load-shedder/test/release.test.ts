import { Logger } from '@aws-lambda-powertools/logger'
import { gateproofPlugin, type RequestLike } from '@gateproof/core'
import {
  type Limiter,
  type LoadShedderOptions,
  loadShedder,
  memoryLimiter,
} from '@gateproof/load-shedder'
import { expectLog, lambdaContext, restEvent } from '@gateproof/testing'
import middy from '@middy/core'
import createHttpError from 'http-errors'
import { describe, expect, it } from 'vitest'
import { captureEachTest } from './helpers/capture.js'
import { fakeClock } from './helpers/clock.js'
import { countingLimiter } from './helpers/counting-limiter.js'
import { contractRenderer, OK, type Response } from './helpers/middy.js'

const capture = captureEachTest()

type Path =
  | 'success'
  | 'handler-error'
  | 'client-error'
  | 'early-before'
  | 'early-after'
  | 'early-on-error'
  | 'timeout'

const EARLY = { statusCode: 304, body: '' }

/**
 * One handler that can end every way a request can end, chosen by the `x-path` header:
 * the shedder is used early, and later middlewares answer early from each phase.
 */
function buildPaths(
  options: LoadShedderOptions,
  { plugin = true, timeoutEarlyInMillis }: { plugin?: boolean; timeoutEarlyInMillis?: number } = {},
) {
  const shedder = loadShedder(options)
  const pathOf = (request: RequestLike) =>
    (request.event as { headers: Record<string, string> }).headers['x-path'] as Path
  const handler = middy<unknown, Response>(
    async (event: unknown, _context: unknown, { signal }: { signal: AbortSignal }) => {
      await new Promise((resolve) => setImmediate(resolve))
      switch ((event as { headers: Record<string, string> }).headers['x-path'] as Path) {
        case 'handler-error':
        case 'early-on-error':
          throw new Error('boom')
        case 'client-error':
          throw createHttpError(404, 'No such order')
        case 'timeout':
          await new Promise((resolve) => signal.addEventListener('abort', resolve))
          return OK
        default:
          return OK
      }
    },
    plugin ? gateproofPlugin(shedder, { timeoutEarlyInMillis }) : undefined,
  )
    .use(contractRenderer())
    .use(shedder)
    .use({
      before: (request: RequestLike) => (pathOf(request) === 'early-before' ? EARLY : undefined),
      after: (request: RequestLike) => (pathOf(request) === 'early-after' ? EARLY : undefined),
      onError: (request: RequestLike) => (pathOf(request) === 'early-on-error' ? EARLY : undefined),
    })
  const invoke = (
    path: Path,
    {
      remainingMs = 30_000,
      clock,
    }: { remainingMs?: number; clock?: ReturnType<typeof fakeClock> } = {},
  ) =>
    handler(
      restEvent({ headers: { 'x-path': path } }, { arrivedAt: clock?.now() ?? Date.now() }),
      lambdaContext({ remainingMs, ...(clock ? { clock } : {}) }),
    )
  return { shedder, invoke }
}

describe('loadShedder: what was acquired is released exactly once on every path', () => {
  it.each<[Path, number]>([
    ['success', 200],
    ['handler-error', 500],
    ['client-error', 404],
    ['early-before', 304],
    ['early-after', 304],
    ['early-on-error', 304],
  ])('releases the slot and the limiter lease after %s (%i)', async (path, status) => {
    const limiter = countingLimiter(memoryLimiter({ concurrency: 5 }))
    const { shedder, invoke } = buildPaths({ limiter, inFlight: 5 })

    const response = await invoke(path)

    expect(response.statusCode).toBe(status)
    expect(shedder.stats()).toEqual({ inFlight: 0, adaptiveLimit: undefined, reclaimed: 0 })
    expect([limiter.admitted, limiter.released, limiter.repeated]).toEqual([1, 1, 0])
  })

  it('releases on a timeout raised by Middy early timeout, and counts it as a drop', async () => {
    const limiter = countingLimiter(memoryLimiter({ concurrency: 5 }))
    const { shedder, invoke } = buildPaths({
      limiter,
      deadline: false,
      adaptive: {
        algorithm: 'aimd',
        initialLimit: 10,
        minLimit: 1,
        maxLimit: 10,
        backoffRatio: 0.5,
      },
    })

    const response = await invoke('timeout', { remainingMs: 40 })

    expect(response.statusCode).toBe(504)
    expect(shedder.stats()).toEqual({ inFlight: 0, adaptiveLimit: 5, reclaimed: 0 })
    expect([limiter.admitted, limiter.released, limiter.repeated]).toEqual([1, 1, 0])
  })

  it('gives back the slot of a request the limiter refused, and releases no lease', async () => {
    const limiter = countingLimiter({
      name: 'no',
      acquire: () => ({ admitted: false, reason: 'rate', retryAfterMs: 1000 }),
    })
    const { shedder, invoke } = buildPaths({ limiter, inFlight: 5 })

    expect((await invoke('success')).statusCode).toBe(429)
    expect(shedder.stats().inFlight).toBe(0)
    expect([limiter.admitted, limiter.released]).toEqual([0, 0])
  })

  it('acquires nothing for a request a local policy refused', async () => {
    const clock = fakeClock()
    const limiter = countingLimiter(memoryLimiter({ concurrency: 5 }))
    const { shedder, invoke } = buildPaths({ limiter, clock })

    expect((await invoke('success', { clock, remainingMs: 100 })).statusCode).toBe(429)
    expect(shedder.stats().inFlight).toBe(0)
    expect(limiter.admitted).toBe(0)
  })

  it('awaits an asynchronous release, and a failing release does not fail the request', async () => {
    let released = false
    const limiter: Limiter = {
      name: 'remote',
      acquire: () => ({
        admitted: true,
        release: async () => {
          await new Promise((resolve) => setImmediate(resolve))
          released = true
          throw new Error('connection reset')
        },
      }),
    }
    const { invoke } = buildPaths({ limiter, logger: new Logger({ serviceName: 'orders' }) })

    const response = await invoke('early-before')

    expect(response.statusCode).toBe(304)
    expect(released).toBe(true)
    expectLog(capture, {
      level: 'WARN',
      message: 'load shedder could not release a limiter lease',
      fields: { limiter: 'remote' },
    })
  })

  it('without its plugin, frees a slot skipped by an early response at the request deadline, and says so', async () => {
    const clock = fakeClock()
    const { shedder, invoke } = buildPaths(
      { clock, inFlight: 1, logger: new Logger({ serviceName: 'orders' }) },
      { plugin: false },
    )

    expect((await invoke('early-before', { clock })).statusCode).toBe(304)
    expect(shedder.stats().inFlight).toBe(1)
    expect((await invoke('success', { clock })).statusCode).toBe(429)

    // REST's 29 s after arrival: the request is certainly over.
    clock.advance(29_000)
    expect((await invoke('success', { clock })).statusCode).toBe(200)
    expect(shedder.stats()).toEqual({ inFlight: 0, adaptiveLimit: undefined, reclaimed: 1 })
    expectLog(capture, { level: 'WARN', message: 'load shedder runs without its Middy plugin' })
    expectLog(capture, {
      level: 'WARN',
      message: 'load shedder reclaimed in-flight slots nobody released',
      fields: { reclaimed: 1 },
    })
  })

  it('without its plugin, still releases on success, error and timeout through after/onError', async () => {
    const limiter = countingLimiter(memoryLimiter({ concurrency: 5 }))
    const { shedder, invoke } = buildPaths({ limiter, deadline: false }, { plugin: false })
    await invoke('success')
    await invoke('handler-error')
    await invoke('timeout', { remainingMs: 40 })
    expect(shedder.stats().inFlight).toBe(0)
    expect([limiter.admitted, limiter.released, limiter.repeated]).toEqual([3, 3, 0])
  })
})

describe('loadShedder: leak test', () => {
  it('returns in-flight to 0 after 10 000 mixed concurrent invocations, each lease released once', async () => {
    const limiter = countingLimiter(memoryLimiter({ concurrency: 40 }))
    const { shedder, invoke } = buildPaths(
      {
        limiter,
        inFlight: 48,
        adaptive: { initialLimit: 60, minLimit: 30, maxLimit: 64 },
        // The timeouts below leave too little time for the deadline policy to admit them.
        deadline: false,
      },
      // Middy preempts 10 ms into a 30 s budget: long before any slot's deadline, so every
      // slot must come back through a hook (`reclaimed` stays 0).
      { timeoutEarlyInMillis: 29_990 },
    )
    const paths: Path[] = [
      'success',
      'success',
      'success',
      'handler-error',
      'client-error',
      'early-before',
      'early-after',
      'early-on-error',
      'timeout',
    ]
    const statuses = new Map<number, number>()
    let next = 0
    let seed = 42
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
      return seed / 2_147_483_648
    }
    const worker = async () => {
      while (next < 10_000) {
        next++
        const path = paths[Math.floor(random() * paths.length)] as Path
        const response = await invoke(path, { remainingMs: path === 'timeout' ? 30_000 : 60_000 })
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1)
        // The next request arrives later: a refusal is all microtasks and would otherwise
        // starve the admitted requests' timers.
        await new Promise((resolve) => setImmediate(resolve))
      }
    }
    await Promise.all(Array.from({ length: 100 }, worker))

    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(10_000)
    // Every way of ending happened, refusals included.
    expect([...statuses.keys()].sort()).toEqual([200, 304, 404, 429, 500, 504])
    expect(shedder.stats()).toMatchObject({ inFlight: 0, reclaimed: 0 })
    expect(limiter.admitted).toBeGreaterThan(5000)
    expect([limiter.released, limiter.repeated]).toEqual([limiter.admitted, 0])
  })
})
