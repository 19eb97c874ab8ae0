import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { BudgetExceededError, createBudget } from '../src/budget.js'

describe('latency budget (issue 14: measured from when the command is sent)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'performance'] })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('R14 gives up with BudgetExceededError once the budget has passed since the call was made', async () => {
    const budget = createBudget(25)
    const outcome = budget.run(new Promise(() => {})).catch((error: unknown) => error)
    await vi.advanceTimersByTimeAsync(24)
    expect(budget.pending).toBe(1)
    await vi.advanceTimersByTimeAsync(5)
    expect(await outcome).toEqual(new BudgetExceededError(25))
    expect(budget.pending).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('R14 a call sent later gets its own full budget', async () => {
    const budget = createBudget(25)
    const first = budget.run(new Promise(() => {})).catch(() => 'first timed out')
    await vi.advanceTimersByTimeAsync(20)
    let second: string | undefined
    void budget.run(new Promise(() => {})).catch(() => {
      second = 'second timed out'
    })
    await vi.advanceTimersByTimeAsync(10)
    expect(await first).toBe('first timed out')
    expect(second).toBeUndefined()
    await vi.advanceTimersByTimeAsync(20)
    expect(second).toBe('second timed out')
    expect(vi.getTimerCount()).toBe(0)
  })

  it('R14 a reply that arrives in the same loop turn as the late timer wins (busy process)', async () => {
    const budget = createBudget(25)
    let answer: (value: string) => void = () => {}
    const outcome = budget.run(
      new Promise<string>((resolve) => {
        answer = resolve
      }),
    )
    // The timer fires; the reply is read before setImmediate gives the verdict.
    vi.advanceTimersToNextTimer()
    answer('reply')
    await vi.runAllTimersAsync()
    await expect(outcome).resolves.toBe('reply')
  })

  it('R14 settles with the call; its timer ends within one budget once nothing waits', async () => {
    const budget = createBudget(25)
    await expect(budget.run(Promise.resolve('answer'))).resolves.toBe('answer')
    await expect(budget.run(Promise.reject(new Error('refused')))).rejects.toThrow('refused')
    expect(budget.pending).toBe(0)
    // Kept, not cleared per call: one call at a time must not arm a timer per decision.
    expect(vi.getTimerCount()).toBe(1)
    await budget.run(Promise.resolve('again'))
    expect(vi.getTimerCount()).toBe(1)
    await vi.advanceTimersByTimeAsync(30)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('R14 one timer serves many calls in flight', async () => {
    const budget = createBudget(25)
    const calls = Array.from({ length: 100 }, () =>
      budget.run(new Promise(() => {})).catch(() => 1),
    )
    expect(vi.getTimerCount()).toBe(1)
    await vi.advanceTimersByTimeAsync(30)
    expect(await Promise.all(calls)).toEqual(Array(100).fill(1))
    expect(vi.getTimerCount()).toBe(0)
  })
})
