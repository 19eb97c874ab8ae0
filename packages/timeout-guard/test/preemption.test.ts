import { gateproofPlugin, type Integration } from '@gateproof/core'
import {
  albEvent,
  expectLog,
  expectMetric,
  findLogs,
  findMetrics,
  lambdaContext,
  simulateGateway,
} from '@gateproof/testing'
import middy from '@middy/core'
import type { Context } from 'aws-lambda'
import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import { getDeadline, type TimeoutRequest, timeoutGuard } from '../src/index.js'
import {
  captureEachTest,
  eventFrom,
  gatewayRequestId,
  hangs,
  neverSettles,
  powertools,
  T0,
  watch,
  withParsedBody,
} from './support.js'

const capture = captureEachTest()

/** REST request that spent 1 s at the gateway: its deadline is T0 + 27 500 (29 000 − 1 000 − 500). */
const REST_DEADLINE = T0 + 27_500
const restRequest = () => eventFrom('rest', T0 - 1_000)

const problem = (status: 503 | 504, requestId: string) => ({
  type: 'about:blank',
  title: status === 504 ? 'Gateway Timeout' : 'Service Unavailable',
  status,
  errorType: status === 504 ? 'GatewayTimeoutException' : 'ServiceUnavailableException',
  requestId,
})

describe('a handler still running at the deadline', () => {
  const context = () => lambdaContext({ remainingMs: 60_000, awsRequestId: 'lambda-request-1' })

  const expected: Record<Integration, object> = {
    rest: {
      statusCode: 504,
      headers: {
        'Content-Type': 'application/problem+json',
        'x-amzn-ErrorType': 'GatewayTimeoutException',
      },
      body: problem(504, gatewayRequestId.rest),
      isBase64Encoded: false,
    },
    'http-v1': {
      statusCode: 503,
      headers: {
        'Content-Type': 'application/problem+json',
        'x-amzn-ErrorType': 'ServiceUnavailableException',
        'Retry-After': '1',
      },
      body: problem(503, gatewayRequestId['http-v1']),
      isBase64Encoded: false,
    },
    'http-v2': {
      statusCode: 503,
      headers: {
        'Content-Type': 'application/problem+json',
        'x-amzn-ErrorType': 'ServiceUnavailableException',
        'Retry-After': '1',
      },
      body: problem(503, gatewayRequestId['http-v2']),
      isBase64Encoded: false,
    },
    alb: {
      statusCode: 504,
      statusDescription: '504 Gateway Timeout',
      headers: {
        'Content-Type': 'application/problem+json',
        'x-amzn-ErrorType': 'GatewayTimeoutException',
      },
      body: problem(504, 'lambda-request-1'),
      isBase64Encoded: false,
    },
    'function-url': {
      statusCode: 504,
      headers: {
        'Content-Type': 'application/problem+json',
        'x-amzn-ErrorType': 'GatewayTimeoutException',
      },
      body: problem(504, gatewayRequestId['function-url']),
      isBase64Encoded: false,
    },
  }

  it.each([
    { integration: 'rest', status: 504, limitMs: 29_000 },
    { integration: 'http-v1', status: 503, limitMs: 30_000 },
    { integration: 'http-v2', status: 503, limitMs: 30_000 },
  ] as const)(
    'is answered $integration $status, as its own integration timeout would be (§2.1 F-integration-timeout), before its $limitMs ms (§2.2)',
    async ({ integration, limitMs }) => {
      const guard = timeoutGuard()
      const handler = middy(hangs, guard.plugin).use(guard)
      const invocation = watch(handler(eventFrom(integration, T0), context()))

      await vi.advanceTimersByTimeAsync(limitMs - 500 - 1)
      expect(invocation.settled).toBe(false)
      await vi.advanceTimersByTimeAsync(1)
      expect(invocation.settled).toBe(true)
      const response = await invocation.result

      expect(withParsedBody(response)).toEqual(expected[integration])
      const gatewaysOwn = simulateGateway(integration, { kind: 'integration-timeout' })
      expect(response).toMatchObject({ statusCode: gatewaysOwn.status })
      expect(simulateGateway(integration, { kind: 'returned', value: response })).toMatchObject({
        status: gatewaysOwn.status,
        gatewayError: false,
      })
    },
  )

  it.each(['alb', 'function-url'] as const)(
    'is answered with %s 504 before Lambda’s own timeout turns it into a 502 (§2.1 F-timeout)',
    async (integration) => {
      const guard = timeoutGuard()
      const handler = middy(hangs, guard.plugin).use(guard)
      const invocation = watch(handler(eventFrom(integration, T0), context()))

      await vi.advanceTimersByTimeAsync(59_500)
      const response = await invocation.result

      expect(withParsedBody(response)).toEqual(expected[integration])
      expect(simulateGateway(integration, { kind: 'function-timeout' }).status).toBe(502)
      expect(simulateGateway(integration, { kind: 'returned', value: response })).toMatchObject({
        status: 504,
        gatewayError: false,
      })
    },
  )

  it('is answered in multiValueHeaders on an ALB target group that uses them (A2)', async () => {
    const guard = timeoutGuard()
    const handler = middy(hangs, guard.plugin).use(guard)
    const event = albEvent(undefined, { arrivedAt: T0, multiValueHeaders: true })
    const invocation = watch(handler(event, context()))

    await vi.advanceTimersByTimeAsync(59_500)

    expect(withParsedBody(await invocation.result)).toEqual({
      statusCode: 504,
      statusDescription: '504 Gateway Timeout',
      multiValueHeaders: {
        'Content-Type': ['application/problem+json'],
        'x-amzn-ErrorType': ['GatewayTimeoutException'],
      },
      body: problem(504, 'lambda-request-1'),
      isBase64Encoded: false,
    })
  })

  it('is answered in the message format when asked', async () => {
    const guard = timeoutGuard({ format: 'message' })
    const handler = middy(hangs, guard.plugin).use(guard)
    const invocation = watch(handler(restRequest(), context()))

    await vi.advanceTimersByTimeAsync(REST_DEADLINE - T0)

    expect(withParsedBody(await invocation.result)).toEqual({
      statusCode: 504,
      headers: {
        'Content-Type': 'application/json',
        'x-amzn-ErrorType': 'GatewayTimeoutException',
      },
      body: {
        message: 'Gateway Timeout',
        errorType: 'GatewayTimeoutException',
        requestId: gatewayRequestId.rest,
      },
      isBase64Encoded: false,
    })
  })

  it('leaves the response alone when a later-used onError (an error mapper) rendered one', async () => {
    const guard = timeoutGuard()
    const rendered = { statusCode: 504, body: 'rendered by the mapper' }
    const seen: unknown[] = []
    const handler = middy(hangs, guard.plugin)
      .use(guard)
      .onError((request) => {
        seen.push(request.error)
        request.response = rendered
      })
    const invocation = watch(handler(restRequest(), context()))

    await vi.advanceTimersByTimeAsync(REST_DEADLINE - T0)

    expect(await invocation.result).toBe(rendered)
    expect(seen).toEqual([
      expect.objectContaining({
        name: 'TimeoutError',
        status: 504,
        expose: false,
        errorType: 'GatewayTimeoutException',
        cause: {
          package: '@gateproof/timeout-guard',
          data: expect.objectContaining({ phase: 'handler', integration: 'rest' }),
        },
      }),
    ])
  })

  it('aborts the guard’s signal with a TimeoutError and Middy’s own signal, before answering', async () => {
    const guard = timeoutGuard()
    const events: string[] = []
    let guardSignal: AbortSignal | undefined
    let middySignal: AbortSignal | undefined
    const handler = middy(
      async (_event: unknown, context: Context, { signal }: { signal: AbortSignal }) => {
        middySignal = signal
        guardSignal = getDeadline(context)?.signal
        guardSignal?.addEventListener('abort', () => events.push('guard signal aborted'))
        signal.addEventListener('abort', () => events.push('middy signal aborted'))
        return hangs()
      },
      guard.plugin,
    ).use(guard)
    const invocation = handler(restRequest(), context()).then((response) => {
      events.push(`answered ${response.statusCode}`)
    })

    await vi.advanceTimersByTimeAsync(REST_DEADLINE - T0 - 1)
    expect(guardSignal?.aborted).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    await invocation

    expect(events).toEqual(['middy signal aborted', 'guard signal aborted', 'answered 504'])
    expect(guardSignal?.reason).toBeInstanceOf(DOMException)
    expect(guardSignal?.reason).toMatchObject({ name: 'TimeoutError' })
    expect(middySignal?.aborted).toBe(true)
    expect(middySignal?.reason).toMatchObject({ name: 'AbortError' })
  })

  it('emits one TimeoutGuard metric and one log line with the budget left at arrival and the handler’s run time', async () => {
    const guard = timeoutGuard(powertools())
    const handler = middy(hangs, guard.plugin).use(guard)
    const invocation = watch(handler(restRequest(), context()))

    await vi.advanceTimersByTimeAsync(REST_DEADLINE - T0)
    await invocation.result

    expect(findMetrics(capture, { name: 'TimeoutGuard' })).toHaveLength(1)
    expectMetric(capture, { name: 'TimeoutGuard', dimensions: { Integration: 'rest' }, value: 1 })
    expect(findLogs(capture, { message: 'Request timed out' })).toHaveLength(1)
    expectLog(capture, {
      level: 'warn',
      message: 'Request timed out',
      fields: {
        package: '@gateproof/timeout-guard',
        requestId: gatewayRequestId.rest,
        statusCode: 504,
        phase: 'handler',
        integration: 'rest',
        boundBy: 'gateway',
        deadlineAt: REST_DEADLINE,
        budgetLeftAtArrivalMs: 27_500,
        ageAtArrivalMs: 1_000,
        handlerRanMs: 27_500,
        lateByMs: 0,
        integrationTimeoutMs: 29_000,
        marginMs: 500,
      },
    })
  })
})

describe('a handler that finishes before the deadline', () => {
  it('is untouched: same response, no signal, no telemetry, nothing left scheduled', async () => {
    const guard = timeoutGuard(powertools())
    const result = { statusCode: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' }
    let signal: AbortSignal | undefined
    const handler = middy(async (_event: unknown, context: Context) => {
      signal = getDeadline(context)?.signal
      await new Promise((resolve) => setTimeout(resolve, 27_499))
      return result
    }, guard.plugin).use(guard)
    const invocation = watch(handler(restRequest(), lambdaContext({ remainingMs: 60_000 })))

    await vi.advanceTimersByTimeAsync(27_499)

    expect(await invocation.result).toBe(result)
    expect(signal?.aborted).toBe(false)
    expect(vi.getTimerCount()).toBe(0)
    expect(capture.metrics()).toEqual([])
    expect(capture.logs()).toEqual([])
  })
})

describe('a handler that settles right at the deadline', () => {
  async function settleAt(offsetMs: number, schedule: 'before-arming' | 'after-arming') {
    const guard = timeoutGuard(powertools())
    let signal: AbortSignal | undefined
    const handler = middy(async (_event: unknown, context: Context) => {
      signal = getDeadline(context)?.signal
      // The handler's timer is created before Middy arms its own, or one microtask after.
      if (schedule === 'after-arming') await Promise.resolve()
      await new Promise((resolve) => setTimeout(resolve, REST_DEADLINE - T0 + offsetMs))
      return { statusCode: 200, body: 'finished' }
    }, guard.plugin).use(guard)
    const responses: unknown[] = []
    const invocation = handler(restRequest(), lambdaContext({ remainingMs: 60_000 })).then(
      (response) => responses.push(response),
    )
    await vi.advanceTimersByTimeAsync(REST_DEADLINE - T0 + Math.max(0, offsetMs))
    await invocation
    return {
      responses,
      aborted: signal?.aborted,
      timeoutMetrics: findMetrics(capture, { name: 'TimeoutGuard' }).length,
    }
  }

  it('delivers the handler’s answer when it was due first, and nothing of the guard’s', async () => {
    expect(await settleAt(0, 'before-arming')).toEqual({
      responses: [{ statusCode: 200, body: 'finished' }],
      aborted: false,
      timeoutMetrics: 0,
    })
  })

  it('delivers only the timeout when the deadline was due first', async () => {
    const { responses, aborted, timeoutMetrics } = await settleAt(0, 'after-arming')
    expect(responses).toEqual([expect.objectContaining({ statusCode: 504 })])
    expect({ aborted, timeoutMetrics }).toEqual({ aborted: true, timeoutMetrics: 1 })
  })

  it('produces exactly one response, consistent with the guard’s telemetry, for any timing around it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -3, max: 3 }),
        fc.constantFrom('before-arming' as const, 'after-arming' as const),
        async (offsetMs, schedule) => {
          capture.restart()

          const { responses, aborted, timeoutMetrics } = await settleAt(offsetMs, schedule)

          expect(responses).toHaveLength(1)
          const timedOut = (responses[0] as { statusCode: number }).statusCode === 504
          expect(timedOut).toBe(offsetMs > 0 || (offsetMs === 0 && schedule === 'after-arming'))
          expect({ aborted, timeoutMetrics }).toEqual({
            aborted: timedOut,
            timeoutMetrics: timedOut ? 1 : 0,
          })
          expect(vi.getTimerCount()).toBe(0)
        },
      ),
      { numRuns: 40 },
    )
  })
})

describe('a request that arrives with no budget left', () => {
  it.each([
    ['REST, 29 000 ms old (§2.2)', 'rest', 29_000, 504, -500],
    ['HTTP API, 30 000 ms old (§2.2)', 'http-v2', 30_000, 503, -500],
    ['REST, exactly the margin left', 'rest', 28_500, 504, 0],
  ] as const)(
    'is answered at once without running the handler: %s',
    async (_name, integration, ageMs, status, budgetMs) => {
      const guard = timeoutGuard(powertools())
      const handlerRan = vi.fn()
      const handler = middy(async () => {
        handlerRan()
        return { statusCode: 200 }
      }, guard.plugin).use(guard)

      const response = await handler(
        eventFrom(integration, T0 - ageMs),
        lambdaContext({ remainingMs: 60_000 }),
      )

      expect(response).toMatchObject({ statusCode: status })
      expect(handlerRan).not.toHaveBeenCalled()
      expect(Date.now()).toBe(T0)
      expectMetric(capture, { name: 'TimeoutGuard', dimensions: { Integration: integration } })
      expectLog(capture, {
        message: 'Request timed out',
        fields: { phase: 'arrival', ageAtArrivalMs: ageMs, budgetLeftAtArrivalMs: budgetMs },
      })
    },
  )
})

describe('onTimeout', () => {
  const context = () => lambdaContext({ remainingMs: 60_000 })

  it('runs at the deadline with the request, after the signal was aborted, and the answer waits for it', async () => {
    const calls: Array<{ at: number; aborted: boolean | undefined; path: unknown }> = []
    const guard = timeoutGuard({
      onTimeout: async (request: TimeoutRequest) => {
        calls.push({
          at: Date.now(),
          aborted: getDeadline(request)?.signal.aborted,
          path: (request.event as { path?: string }).path,
        })
        await new Promise((resolve) => setTimeout(resolve, 30))
      },
    })
    const handler = middy(hangs, guard.plugin).use(guard)
    const invocation = watch(handler(restRequest(), context()))

    await vi.advanceTimersByTimeAsync(REST_DEADLINE - T0 + 29)
    expect(calls).toEqual([{ at: REST_DEADLINE, aborted: true, path: '/orders/42' }])
    expect(invocation.settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(await invocation.result).toMatchObject({ statusCode: 504 })
    expect(vi.getTimerCount()).toBe(0)
  })

  it('is waited for at most onTimeoutBudgetMs, then logged as over budget', async () => {
    const guard = timeoutGuard({ ...powertools(), onTimeout: neverSettles, onTimeoutBudgetMs: 100 })
    const handler = middy(hangs, guard.plugin).use(guard)
    const invocation = watch(handler(restRequest(), context()))

    await vi.advanceTimersByTimeAsync(REST_DEADLINE - T0 + 99)
    expect(invocation.settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)

    expect(await invocation.result).toMatchObject({ statusCode: 504 })
    expect(vi.getTimerCount()).toBe(0)
    expectLog(capture, {
      level: 'warn',
      message: 'onTimeout hook ran past its budget',
      fields: { budgetMs: 100, requestId: gatewayRequestId.rest },
    })
  })

  it.each([
    [
      'throws',
      () => {
        throw new Error('cleanup failed')
      },
    ],
    ['rejects', () => Promise.reject(new Error('cleanup failed'))],
  ])('that %s is logged, never thrown', async (_how, onTimeout) => {
    const guard = timeoutGuard({ ...powertools(), onTimeout })
    const handler = middy(hangs, guard.plugin).use(guard)
    const invocation = watch(handler(restRequest(), context()))

    await vi.advanceTimersByTimeAsync(REST_DEADLINE - T0)

    expect(await invocation.result).toMatchObject({ statusCode: 504 })
    expect(vi.getTimerCount()).toBe(0)
    expectLog(capture, { level: 'error', message: 'onTimeout hook failed' })
  })

  it('does not run for a request answered on arrival: no handler work to stop', async () => {
    const onTimeout = vi.fn()
    const guard = timeoutGuard({ onTimeout })
    const handler = middy(hangs, guard.plugin).use(guard)
    await handler(eventFrom('rest', T0 - 29_000), context())
    expect(onTimeout).not.toHaveBeenCalled()
  })
})

describe('composition', () => {
  it('preempts through gateproofPlugin() combined with other parts’ hooks', async () => {
    const guard = timeoutGuard()
    const order: string[] = []
    const other = {
      plugin: {
        requestStart: () => order.push('other start'),
        requestEnd: () => {
          order.push('other end')
        },
      },
    }
    const handler = middy(hangs, gateproofPlugin(guard, other)).use(guard)
    const invocation = watch(handler(restRequest(), lambdaContext({ remainingMs: 60_000 })))

    await vi.advanceTimersByTimeAsync(REST_DEADLINE - T0)

    expect(await invocation.result).toMatchObject({ statusCode: 504 })
    expect(order).toEqual(['other start', 'other end'])
  })

  it('without its plugin: warns once, still answers late arrivals, cannot preempt', async () => {
    const guard = timeoutGuard(powertools())
    const handler = middy(async (_event: unknown, context: Context) => {
      expect(getDeadline(context)?.at).toBe(REST_DEADLINE)
      return hangs()
    }).use(guard)

    const late = await handler(
      eventFrom('rest', T0 - 29_000),
      lambdaContext({ remainingMs: 60_000 }),
    )
    expect(late).toMatchObject({ statusCode: 504 })
    const hanging = watch(handler(restRequest(), lambdaContext({ remainingMs: 60_000 })))
    await vi.advanceTimersByTimeAsync(REST_DEADLINE - T0 + 1_000)
    expect(hanging.settled).toBe(false)

    expect(findLogs(capture, { message: /without its Middy plugin/ })).toHaveLength(1)
  })

  it('with its plugin but not used as middleware: warns once', async () => {
    const guard = timeoutGuard(powertools())
    const handler = middy(async () => ({ statusCode: 200 }), guard.plugin)
    await handler(restRequest(), lambdaContext({ remainingMs: 60_000 }))
    await handler(restRequest(), lambdaContext({ remainingMs: 60_000 }))
    expect(findLogs(capture, { message: /middleware is not in the chain/ })).toHaveLength(1)
  })

  it('still throws a 504 TimeoutError, and says so, if Middy’s timer fires for no request it knows', () => {
    const guard = timeoutGuard(powertools())
    expect(() => guard.plugin.timeoutEarlyResponse()).toThrow(
      expect.objectContaining({ name: 'TimeoutError', status: 504 }),
    )
    expectLog(capture, {
      level: 'warn',
      message: 'timeout guard could not tell which request reached its deadline',
    })
  })

  it('never fails a request because its deadline cannot be computed', async () => {
    const guard = timeoutGuard(powertools())
    const handler = middy(async () => ({ statusCode: 200 }), guard.plugin).use(guard)
    const broken = {
      ...lambdaContext(),
      getRemainingTimeInMillis: () => {
        throw new Error('no clock')
      },
    }
    const response = await handler(restRequest(), broken)
    expect(response).toEqual({ statusCode: 200 })
    expectLog(capture, {
      level: 'error',
      message: 'timeout guard could not read Lambda’s remaining time',
    })
  })
})
