import { setTimeout as sleep } from 'node:timers/promises'
import { albEvent, findLogs, lambdaContext, restEvent } from '@gateproof/testing'
import middy from '@middy/core'
import type { Context } from 'aws-lambda'
import { describe, expect, it } from 'vitest'
import { type GuardedDeadline, getDeadline, timeoutGuard } from '../src/index.js'
import { captureEachTest, hangs, neverSettles, powertools } from './support.js'

// Real time, short budgets. Timers run on a monotonic clock and `Date.now()` on the wall
// clock; the two can disagree by up to 1 ms, which is the only slack allowed on "not early".
const CLOCK_SLACK_MS = 1

const capture = captureEachTest({ fakeClock: false })

/** What keeps the process alive, as a multiset: `Timeout`, `TCPWrap`, `Immediate`… */
const activeResources = (): Record<string, number> => {
  const counts: Record<string, number> = {}
  for (const name of process.getActiveResourcesInfo()) counts[name] = (counts[name] ?? 0) + 1
  return counts
}

describe('preemption in real time', () => {
  it('answers a never-settling handler at its deadline, within 20 ms of a timer due at the same instant, and aborts its signal', async () => {
    const guard = timeoutGuard({ marginMs: 20 })
    let deadline: GuardedDeadline | undefined
    const handler = middy(async (_event: unknown, context: Context) => {
      deadline = getDeadline(context)
      return hangs()
    }, guard.plugin).use(guard)

    // ALB has no integration timeout: the deadline is Lambda's 150 ms − 20 ms.
    const invocation = handler(albEvent(), lambdaContext({ remainingMs: 150 }))
    const at = deadline?.at ?? Number.NaN
    // A probe due at the same instant measures how late this machine runs timers right now,
    // so the bound below is about the guard's preemption, not the machine's speed.
    const probe = sleep(at - Date.now()).then(() => Date.now())
    const response = await invocation
    const answeredAt = Date.now()
    const probeLateMs = Math.max(0, (await probe) - at)

    expect(response).toMatchObject({ statusCode: 504 })
    expect(answeredAt).toBeGreaterThanOrEqual(at - CLOCK_SLACK_MS)
    expect(answeredAt - at).toBeLessThanOrEqual(20 + probeLateMs)
    expect(deadline?.signal.aborted).toBe(true)
    expect(deadline?.signal.reason).toMatchObject({ name: 'TimeoutError' })
  })
})

describe('nothing outlives its request', () => {
  it('returns the process’s timers and handles to their baseline after each of 1 000 invocations on every path', async () => {
    const restGuard = timeoutGuard({
      integrationTimeoutMs: 50,
      marginMs: 5,
      onTimeoutBudgetMs: 2,
      onTimeout: () => sleep(0),
    })
    const albGuard = timeoutGuard({ marginMs: 5, onTimeoutBudgetMs: 2, onTimeout: neverSettles })
    const paths = {
      succeeds: async () => ({ statusCode: 200, body: 'ok' }),
      throws: async (): Promise<{ statusCode: number }> => {
        throw new Error('boom')
      },
      hangs,
      honoursSignal: async (_event: unknown, context: Context) => {
        await sleep(10_000, undefined, { signal: getDeadline(context)?.signal })
        return { statusCode: 200 }
      },
    }
    const handlers = Object.entries(paths).flatMap(([name, fn]) =>
      [restGuard, albGuard].map((guard) => ({
        name,
        guard,
        handler: middy(fn, guard.plugin).use(guard),
      })),
    )
    // An early response from a later middleware: Middy never arms its timer, skips `after`.
    const answeredEarly = middy(hangs, restGuard.plugin)
      .use(restGuard)
      .before(() => ({ statusCode: 304, body: '' }))

    // Vitest holds a timer of its own for a while after a test starts (longer under load),
    // so a resource may vanish from the baseline; only one that outlives a request is a leak.
    await sleep(150)
    const baseline = activeResources()
    const beyondBaseline = () => {
      const now = activeResources()
      for (const kind of Object.keys(baseline))
        baseline[kind] = Math.min(baseline[kind] ?? 0, now[kind] ?? 0)
      return Object.entries(now).filter(([kind, count]) => count > (baseline[kind] ?? 0))
    }
    const outcomes: Record<string, number> = {}
    for (let i = 0; i < 1_000; i++) {
      const pick = i % (handlers.length + 2)
      const now = Date.now()
      let invocation: Promise<unknown>
      if (pick === handlers.length) {
        invocation = answeredEarly(restEvent(undefined, { arrivedAt: now - 40 }), lambdaContext())
      } else if (pick === handlers.length + 1) {
        // Arrived with no budget left: answered before the handler runs.
        const late = restEvent(undefined, { arrivedAt: now - 60 })
        invocation = handlers[0]?.handler(late, lambdaContext()) ?? Promise.reject()
      } else {
        const { guard, handler } = handlers[pick] as (typeof handlers)[number]
        const event =
          guard === restGuard ? restEvent(undefined, { arrivedAt: now - 40 }) : albEvent()
        invocation = handler(event, lambdaContext({ remainingMs: 10 }))
      }
      const outcome = await invocation.then(
        (response) => String((response as { statusCode: number }).statusCode),
        (error: Error) => error.message,
      )
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1
      expect(beyondBaseline()).toEqual([])
    }

    // Every path was taken: served, failed, timed out (handler and arrival), answered early.
    expect(Object.keys(outcomes).sort()).toEqual(['200', '304', '504', 'boom'])
  })
})

describe('concurrent invocations (Lambda Managed Instances)', () => {
  it('each get their own deadline, signal and timeout answer', async () => {
    const guard = timeoutGuard({ ...powertools(), integrationTimeoutMs: 100, marginMs: 10 })
    const signals = new Map<string, AbortSignal | undefined>()
    const handler = middy(
      async (event: { requestContext: { requestId: string } }, context: Context) => {
        const id = event.requestContext.requestId
        signals.set(id, getDeadline(context)?.signal)
        if (id.startsWith('fast')) {
          await sleep(1)
          return { statusCode: 200, body: id }
        }
        return hangs()
      },
      guard.plugin,
    ).use(guard)

    const now = Date.now()
    const requests = Array.from({ length: 40 }, (_, i) => {
      const id = `${i % 2 === 0 ? 'slow' : 'fast'}-${i}`
      // Arrival times spread the deadlines over 30–69 ms from now.
      const arrivedAt = now - 60 + i
      return { id, arrivedAt, deadlineAt: arrivedAt + 100 - 10 }
    })
    const responses = await Promise.all(
      requests.map(async (request) => {
        const event = restEvent({ requestContext: { requestId: request.id } }, request)
        const response = await handler(event, lambdaContext({ remainingMs: 5_000 }))
        return { ...request, response, answeredAt: Date.now() }
      }),
    )

    for (const { id, deadlineAt, response, answeredAt } of responses) {
      if (id.startsWith('fast')) {
        expect(response).toEqual({ statusCode: 200, body: id })
        expect(signals.get(id)?.aborted).toBe(false)
        continue
      }
      expect(JSON.parse(response.body)).toMatchObject({ status: 504, requestId: id })
      expect(answeredAt).toBeGreaterThanOrEqual(deadlineAt - CLOCK_SLACK_MS)
      expect(signals.get(id)?.aborted).toBe(true)
      const logs = findLogs(capture, { message: 'Request timed out', fields: { requestId: id } })
      expect(logs.map((log) => log.line.deadlineAt)).toEqual([deadlineAt])
    }
  })

  it('attributes a timeout to the right request when a handler invokes another guarded handler', async () => {
    const guard = timeoutGuard({ ...powertools(), integrationTimeoutMs: 60, marginMs: 10 })
    const inner = middy(async () => ({ statusCode: 200, body: 'inner' }), guard.plugin).use(guard)
    const outer = middy(async () => {
      // Started synchronously, before Middy arms the outer request's timer.
      const nested = inner(
        restEvent({ requestContext: { requestId: 'inner' } }),
        lambdaContext({ remainingMs: 5_000 }),
      )
      await nested
      return hangs()
    }, guard.plugin).use(guard)

    const response = await outer(
      restEvent({ requestContext: { requestId: 'outer' } }),
      lambdaContext({ remainingMs: 5_000 }),
    )

    expect(JSON.parse(response.body)).toMatchObject({ status: 504, requestId: 'outer' })
    expect(
      findLogs(capture, { message: 'Request timed out' }).map((l) => l.line.requestId),
    ).toEqual(['outer'])
  })
})

describe('limits beyond what setTimeout can hold', () => {
  it('clamps the countdown so Middy’s timer does not fire after 1 ms (Node’s overflow rule)', async () => {
    const guard = timeoutGuard()
    const warnings: string[] = []
    const onWarning = (warning: Error) => warnings.push(warning.name)
    process.on('warning', onWarning)
    let remaining: number | undefined
    const handler = middy(async (_event: unknown, context: Context) => {
      remaining = context.getRemainingTimeInMillis()
      await sleep(20)
      return { statusCode: 200, body: 'ok' }
    }, guard.plugin).use(guard)

    try {
      const thirtyDays = 30 * 24 * 3_600_000
      const response = await handler(albEvent(), lambdaContext({ remainingMs: thirtyDays }))
      await sleep(0)
      expect(response).toEqual({ statusCode: 200, body: 'ok' })
      expect(remaining).toBe(2 ** 31 - 1)
      expect(warnings).not.toContain('TimeoutOverflowWarning')
    } finally {
      process.off('warning', onWarning)
    }
  })

  it('H5: lets an asynchronous before finish when the deadline is further away than a timer can wait', async () => {
    const guard = timeoutGuard({ ...powertools() })
    const warnings: string[] = []
    const onWarning = (warning: Error) => warnings.push(warning.name)
    process.on('warning', onWarning)
    const handler = middy(async () => ({ statusCode: 200, body: 'ok' }), guard.plugin)
      .use(guard)
      .before(async () => {
        await sleep(20)
      })

    try {
      // The before is raced against the deadline, 3e9 ms away: past 2³¹−1 ms Node fires a timer
      // after 1 ms.
      const response = await handler(albEvent(), lambdaContext({ remainingMs: 3e9 }))
      await sleep(0)
      expect(response).toEqual({ statusCode: 200, body: 'ok' })
      expect(findLogs(capture, { message: 'Request timed out' })).toEqual([])
      expect(warnings).not.toContain('TimeoutOverflowWarning')
    } finally {
      process.off('warning', onWarning)
    }
  })
})
