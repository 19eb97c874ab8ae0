import { lambdaContext } from '@gateproof/testing'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

describe('lambdaContext', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(Date.UTC(2026, 10, 22, 12, 0, 0))
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('counts getRemainingTimeInMillis down as fake time passes, stopping at 0', () => {
    const context = lambdaContext({ remainingMs: 3_000 })
    expect(context.getRemainingTimeInMillis()).toBe(3_000)
    vi.advanceTimersByTime(1_250)
    expect(context.getRemainingTimeInMillis()).toBe(1_750)
    vi.advanceTimersByTime(5_000)
    expect(context.getRemainingTimeInMillis()).toBe(0)
  })

  it('defaults to 30 s left', () => {
    expect(lambdaContext().getRemainingTimeInMillis()).toBe(30_000)
  })

  it('follows a clock of its own when given one', () => {
    let now = 1_000
    const context = lambdaContext({ remainingMs: 500, clock: { now: () => now } })
    now += 200
    expect(context.getRemainingTimeInMillis()).toBe(300)
  })

  it('describes a function invocation with a distinct request id each time', () => {
    const first = lambdaContext()
    const second = lambdaContext()
    expect(first.awsRequestId).not.toBe(second.awsRequestId)
    expect(first.awsRequestId).toMatch(/^[0-9a-f-]{36}$/)
    expect(lambdaContext({ awsRequestId: 'given' }).awsRequestId).toBe('given')
    expect(lambdaContext({ functionName: 'checkout', memoryLimitInMB: 512 })).toMatchObject({
      functionName: 'checkout',
      memoryLimitInMB: '512',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:checkout',
      logGroupName: '/aws/lambda/checkout',
    })
  })
})
