import {
  type Deadline,
  getRequestDeadline,
  type Integration,
  type ProxyEvent,
  type RequestLike,
  timeoutStatusFor,
} from '@gateproof/core'
import { lambdaContext } from '@gateproof/testing'
import middy from '@middy/core'
import type { Context } from 'aws-lambda'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  type GuardedDeadline,
  getDeadline,
  type TimeoutGuardOptions,
  timeoutGuard,
} from '../src/index.js'
import { eventFrom, hangs, T0, useFakeClock, watch } from './support.js'

beforeEach(() => {
  useFakeClock()
})
afterEach(() => {
  vi.useRealTimers()
})

interface Arrival {
  integration: Integration
  /** How long the request spent at the front door before the function saw it. */
  arrivedAgoMs: number
  /** Lambda's remaining time when the invocation starts. */
  lambdaMs: number
}

/** Invokes a hanging handler behind the guard; returns what the handler saw and the invocation. */
function invokeHanging(
  options: TimeoutGuardOptions,
  { integration, arrivedAgoMs, lambdaMs }: Arrival,
) {
  const guard = timeoutGuard(options)
  const seen: { deadline?: GuardedDeadline; remainingMs?: number } = {}
  const handler = middy(async (_event: unknown, context: Context) => {
    seen.deadline = getDeadline(context)
    seen.remainingMs = context.getRemainingTimeInMillis()
    return hangs()
  }, guard.plugin).use(guard)
  const event = eventFrom(integration, T0 - arrivedAgoMs)
  const invocation = watch(handler(event, lambdaContext({ remainingMs: lambdaMs })))
  return { seen, invocation }
}

/** The hanging invocation is still open 1 ms before `at` and answered with a timeout at `at`. */
async function expectAnsweredAt(
  invocation: ReturnType<typeof invokeHanging>['invocation'],
  at: number,
  status: number,
) {
  await vi.advanceTimersByTimeAsync(at - 1 - Date.now())
  expect(invocation.settled).toBe(false)
  await vi.advanceTimersByTimeAsync(1)
  expect(invocation.settled).toBe(true)
  expect(Date.now()).toBe(at)
  expect(await invocation.result).toMatchObject({ statusCode: status })
}

describe('the deadline is min(Lambda remaining, gateway arrival + integration timeout) − margin', () => {
  const cases: Array<Arrival & { name: string; at: number; boundBy: Deadline['boundBy'] }> = [
    {
      name: 'REST: requestTimeEpoch + 29 000 ms (§2.2 REST default) − 500 ms',
      integration: 'rest',
      arrivedAgoMs: 1_000,
      lambdaMs: 60_000,
      at: T0 + 27_500,
      boundBy: 'gateway',
    },
    {
      name: 'HTTP API 1.0: requestTimeEpoch + 30 000 ms (§2.2 HTTP API) − 500 ms',
      integration: 'http-v1',
      arrivedAgoMs: 2_000,
      lambdaMs: 60_000,
      at: T0 + 27_500,
      boundBy: 'gateway',
    },
    {
      name: 'HTTP API 2.0: timeEpoch + 30 000 ms (§2.2 HTTP API) − 500 ms',
      integration: 'http-v2',
      arrivedAgoMs: 2_000,
      lambdaMs: 60_000,
      at: T0 + 27_500,
      boundBy: 'gateway',
    },
    {
      name: 'ALB: no integration timeout (§2.2 ALB), Lambda remaining − 500 ms',
      integration: 'alb',
      arrivedAgoMs: 1_000,
      lambdaMs: 40_000,
      at: T0 + 39_500,
      boundBy: 'lambda',
    },
    {
      name: 'Function URL: no integration timeout (§2.2 FURL), Lambda remaining − 500 ms',
      integration: 'function-url',
      arrivedAgoMs: 1_000,
      lambdaMs: 40_000,
      at: T0 + 39_500,
      boundBy: 'lambda',
    },
    {
      name: 'REST with a Lambda timeout shorter than the gateway budget: Lambda remaining − 500 ms',
      integration: 'rest',
      arrivedAgoMs: 0,
      lambdaMs: 10_000,
      at: T0 + 9_500,
      boundBy: 'lambda',
    },
  ]

  it.each(cases)('$name', async ({ at, boundBy, ...arrival }) => {
    const { seen, invocation } = invokeHanging({}, arrival)

    expect(seen.deadline?.at).toBe(at)
    expect(seen.deadline?.deadline).toMatchObject({
      boundBy,
      marginMs: 500,
      arrivalAt: T0 - arrival.arrivedAgoMs,
    })
    // The handler's context counts down to the earlier limit, not to Lambda's alone.
    expect(seen.remainingMs).toBe(at + 500 - T0)
    await expectAnsweredAt(invocation, at, timeoutStatusFor(arrival.integration))
  })
})

describe('integrationTimeoutMs overrides the front door default', () => {
  it('uses a raised REST integration timeout (§2.2 "can be raised above 29 s")', async () => {
    const { seen, invocation } = invokeHanging(
      { integrationTimeoutMs: 120_000 },
      { integration: 'rest', arrivedAgoMs: 1_000, lambdaMs: 180_000 },
    )
    expect(seen.deadline?.deadline).toMatchObject({
      integrationTimeoutMs: 120_000,
      boundBy: 'gateway',
    })
    await expectAnsweredAt(invocation, T0 + 118_500, 504)
  })

  it('uses a shorter HTTP API route TimeoutInMillis (§2.2 HTTP API 50–30 000)', async () => {
    const { invocation } = invokeHanging(
      { integrationTimeoutMs: 10_000 },
      { integration: 'http-v2', arrivedAgoMs: 2_000, lambdaMs: 60_000 },
    )
    await expectAnsweredAt(invocation, T0 + 7_500, 503)
  })

  it('with null, ignores the gateway and keeps only Lambda’s limit', async () => {
    const { seen, invocation } = invokeHanging(
      { integrationTimeoutMs: null },
      { integration: 'rest', arrivedAgoMs: 1_000, lambdaMs: 60_000 },
    )
    expect(seen.deadline?.deadline).toMatchObject({
      gatewayDeadlineAt: undefined,
      boundBy: 'lambda',
    })
    await expectAnsweredAt(invocation, T0 + 59_500, 504)
  })
})

describe('marginMs', () => {
  it('keeps the margin back from the earlier limit and arms Middy with it', async () => {
    const guard = timeoutGuard({ marginMs: 2_000 })
    expect(guard.plugin.timeoutEarlyInMillis).toBe(2_000)

    const { seen, invocation } = invokeHanging(
      { marginMs: 2_000 },
      { integration: 'rest', arrivedAgoMs: 1_000, lambdaMs: 60_000 },
    )
    expect(seen.remainingMs).toBe(28_000)
    await expectAnsweredAt(invocation, T0 + 26_000, 504)
  })
})

describe('integration', () => {
  it('pins the front door instead of detecting it from each event', async () => {
    // A payload 1.0 event whose `version` a test harness dropped looks like REST.
    const { seen, invocation } = invokeHanging(
      { integration: 'http-v1' },
      { integration: 'rest', arrivedAgoMs: 0, lambdaMs: 60_000 },
    )
    expect(seen.deadline?.deadline).toMatchObject({
      integration: 'http-v1',
      integrationTimeoutMs: 30_000,
    })
    await expectAnsweredAt(invocation, T0 + 29_500, 503)
  })

  it('H2: steps aside for a direct invocation (no front door): a result goes back as it is, no 504 is rendered', async () => {
    const guard = timeoutGuard()
    const direct = { orderId: 42 } as unknown as ProxyEvent
    const done = middy(async () => ({ batchItemFailures: [] }) as never, guard.plugin).use(guard)
    await expect(done(direct, lambdaContext({ remainingMs: 3_000 }))).resolves.toEqual({
      batchItemFailures: [],
    })
    // Lambda's own limit applies: whatever ends the invocation is a rejection, never an HTTP answer.
    const handler = middy(hangs, guard.plugin).use(guard)
    const invocation = watch(handler(direct, lambdaContext({ remainingMs: 3_000 })))
    invocation.result.catch(() => {})
    await vi.advanceTimersByTimeAsync(3_000)
    await expect(invocation.result).rejects.toMatchObject({ name: 'TimeoutError' })
  })
})

describe('where the deadline is offered', () => {
  it('is shared with every before middleware, including those used ahead of the guard', async () => {
    const guard = timeoutGuard()
    let shared: Deadline | undefined
    const handler = middy(async () => ({ statusCode: 204 }), guard.plugin)
      .before((request) => {
        shared = getRequestDeadline(request as RequestLike)
      })
      .use(guard)
    await handler(eventFrom('rest', T0 - 1_000), lambdaContext({ remainingMs: 60_000 }))
    expect(shared?.at).toBe(T0 + 27_500)
  })

  it('is on request.internal and on the handler’s context, a copy that leaves the caller’s untouched', async () => {
    const guard = timeoutGuard()
    const context = lambdaContext({ remainingMs: 60_000 })
    let fromRequest: GuardedDeadline | undefined
    let handlerContext: Context | undefined
    const handler = middy(async (_event: unknown, received: Context) => {
      handlerContext = received
      return { statusCode: 204 }
    }, guard.plugin)
      .use(guard)
      .after((request) => {
        fromRequest = getDeadline(request)
      })
    await handler(eventFrom('rest', T0 - 1_000), context)

    expect(fromRequest).toBeDefined()
    expect(getDeadline(handlerContext)).toBe(fromRequest)
    // A copy of the caller's context with its own countdown; the caller's is untouched.
    expect(handlerContext).not.toBe(context)
    expect(Object.keys(handlerContext ?? {})).toEqual(Object.keys(context))
    expect({ ...handlerContext }).toMatchObject({
      ...context,
      getRemainingTimeInMillis: expect.any(Function),
    })
    expect(context.getRemainingTimeInMillis()).toBe(60_000)
    expect(handlerContext?.getRemainingTimeInMillis()).toBe(28_000)
    expect(getDeadline(context)).toBeUndefined()
  })

  it('gives the remaining time before the deadline, negative once it has passed', async () => {
    const guard = timeoutGuard()
    let deadline: GuardedDeadline | undefined
    const handler = middy(async (_event: unknown, context: Context) => {
      deadline = getDeadline(context)
      return hangs()
    }, guard.plugin).use(guard)
    handler(eventFrom('rest', T0 - 1_000), lambdaContext({ remainingMs: 60_000 }))

    expect(deadline?.remainingMs()).toBe(27_500)
    await vi.advanceTimersByTimeAsync(27_600)
    expect(deadline?.remainingMs()).toBe(-100)
  })
})
