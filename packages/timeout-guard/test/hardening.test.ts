import { gateproofPlugin, type ProxyEvent, type RequestLike } from '@gateproof/core'
import { lambdaContext } from '@gateproof/testing'
import { getDeadline, type TimeoutGuardOptions, timeoutGuard } from '@gateproof/timeout-guard'
import middy from '@middy/core'
import { executionModeStandard } from '@middy/core/executionModeStandard'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { eventFrom, T0, useFakeClock, watch } from './support.js'

beforeEach(() => {
  useFakeClock()
})
afterEach(() => {
  vi.useRealTimers()
})

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
const ok = async () => ({ statusCode: 200, body: 'late' })

/** REST, arrived now, 1.5 s integration timeout, 200 ms margin: the deadline is T0 + 1 300. */
const options: TimeoutGuardOptions = { integrationTimeoutMs: 1_500, marginMs: 200 }
const DEADLINE = T0 + 1_300

async function expectTimeoutAt(result: Promise<unknown>, at: number, phase: string) {
  const invocation = watch(result)
  await vi.advanceTimersByTimeAsync(at - 1 - Date.now())
  expect(invocation.settled).toBe(false)
  await vi.advanceTimersByTimeAsync(1)
  expect(invocation.settled).toBe(true)
  const response = (await invocation.result) as { statusCode: number; body: string }
  expect(response.statusCode).toBe(504)
  expect(response.body).not.toContain('late')
  return phase
}

describe('H5: the deadline covers the whole invocation, not only the handler', () => {
  it('H5: a slow before middleware (a 3 s auth call behind a 1.5 s integration timeout) answers 504 at the deadline', async () => {
    const guard = timeoutGuard(options)
    const handlerRan = vi.fn(ok)
    const handler = middy(handlerRan, guard.plugin)
      .use(guard)
      .before(async function slowAuth() {
        await sleep(3_000)
      })
    await expectTimeoutAt(handler(eventFrom('rest', T0), lambdaContext()), DEADLINE, 'before')
    await vi.advanceTimersByTimeAsync(5_000)
    expect(handlerRan).not.toHaveBeenCalled()
    expect(getDeadline({ internal: {} })).toBeUndefined()
  })

  it('H5: a slow after middleware answers 504 at the deadline instead of the late 200', async () => {
    const guard = timeoutGuard(options)
    const handler = middy(ok, guard.plugin)
      .use(guard)
      .after(async function slowAudit() {
        await sleep(3_000)
      })
    await expectTimeoutAt(handler(eventFrom('rest', T0), lambdaContext()), DEADLINE, 'after')
  })

  it('H5: a before that blocks synchronously past the deadline never starts the handler', async () => {
    const guard = timeoutGuard(options)
    const handlerRan = vi.fn(ok)
    const handler = middy(handlerRan, guard.plugin)
      .use(guard)
      .before(function blocking() {
        vi.setSystemTime(Date.now() + 2_000)
      })
    const response = await handler(eventFrom('rest', T0), lambdaContext())
    expect(response).toMatchObject({ statusCode: 504 })
    expect(handlerRan).not.toHaveBeenCalled()
  })

  it('H5: answers 503 on HTTP API, whose own timeout answer is 503', async () => {
    const guard = timeoutGuard(options)
    const handler = middy(ok, guard.plugin)
      .use(guard)
      .before(async () => sleep(3_000))
    const invocation = watch(handler(eventFrom('http-v2', T0), lambdaContext()))
    await vi.advanceTimersByTimeAsync(1_300)
    expect(await invocation.result).toMatchObject({ statusCode: 503 })
  })

  it('H5: a fast invocation leaves no deadline timer behind, on the success and the error path', async () => {
    const guard = timeoutGuard(options)
    const quick = middy(ok, guard.plugin)
      .use(guard)
      .before(async () => sleep(10))
    await Promise.all([
      (async () => {
        const result = quick(eventFrom('rest', T0), lambdaContext())
        await vi.advanceTimersByTimeAsync(10)
        expect(await result).toMatchObject({ statusCode: 200 })
      })(),
    ])
    const failing = middy(async () => {
      throw new Error('x')
    }, guard.plugin)
      .use(guard)
      .before(async () => sleep(10))
    const result = failing(eventFrom('rest', Date.now()), lambdaContext())
    result.catch(() => {})
    await vi.advanceTimersByTimeAsync(10)
    await expect(result).rejects.toThrow('x')
    // Middy's own handler timer and the deadline timer are both cleared.
    expect(vi.getTimerCount()).toBe(0)
  })

  it('H5: wraps the execution mode it is given (a streaming or custom mode), running it once per handler', async () => {
    const base = vi.fn(executionModeStandard)
    const guard = timeoutGuard({ ...options, executionMode: base as never })
    const handler = middy(ok, guard.plugin)
      .use(guard)
      .before(async () => sleep(3_000))
    expect(base).toHaveBeenCalledTimes(1)
    await expectTimeoutAt(handler(eventFrom('rest', T0), lambdaContext()), DEADLINE, 'before')
  })

  it('H5: executionMode false leaves Middy’s own race: only the handler is preempted (documented)', async () => {
    const guard = timeoutGuard({ ...options, executionMode: false })
    const handler = middy(ok, guard.plugin)
      .use(guard)
      .before(async () => sleep(3_000))
    const invocation = watch(handler(eventFrom('rest', T0), lambdaContext()))
    await vi.advanceTimersByTimeAsync(3_000)
    expect(await invocation.result).toMatchObject({ statusCode: 200 })
  })

  it('H5: two parts setting Middy’s executionMode is rejected with a clear error', () => {
    const guard = timeoutGuard(options)
    expect(() => gateproofPlugin(guard, { executionMode: executionModeStandard as never })).toThrow(
      /executionMode/,
    )
  })
})

describe('H2: the guard alone steps aside for events of no HTTP front door', () => {
  it('H2: an SQS result goes back untouched and an error is rethrown, never answered with 504', async () => {
    const guard = timeoutGuard(options)
    const sqs = { Records: [{ eventSource: 'aws:sqs', body: '{}' }] } as unknown as ProxyEvent
    const seen: RequestLike[] = []
    const partial = { batchItemFailures: [{ itemIdentifier: '1' }] }
    const handler = middy(async () => partial as never, guard.plugin)
      .before((request) => {
        seen.push(request as RequestLike)
      })
      .use(guard)
    await expect(handler(sqs, lambdaContext())).resolves.toBe(partial)
    expect(getDeadline(seen[0])).toBeUndefined()
    const error = new Error('poison message')
    const failing = middy(async () => {
      throw error
    }, guard.plugin).use(guard)
    await expect(failing(sqs, lambdaContext())).rejects.toBe(error)
  })

  it('H2: an explicit integration still forces the front door', async () => {
    const guard = timeoutGuard({ ...options, integration: 'rest' })
    const handler = middy(ok, guard.plugin)
      .use(guard)
      .before(async () => sleep(3_000))
    const invocation = watch(handler({} as never, lambdaContext({ remainingMs: 1_500 })))
    await vi.advanceTimersByTimeAsync(1_300)
    expect(await invocation.result).toMatchObject({ statusCode: 504 })
  })
})
