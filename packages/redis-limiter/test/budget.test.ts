import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { BudgetExceededError, withinBudget } from '../src/budget.js'

describe('latency budget', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('gives up with BudgetExceededError when the call has not answered within the budget', async () => {
    const outcome = withinBudget(new Promise(() => {}), 25).catch((error: unknown) => error)
    await vi.advanceTimersByTimeAsync(24)
    expect(vi.getTimerCount()).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(await outcome).toEqual(new BudgetExceededError(25))
    expect(vi.getTimerCount()).toBe(0)
  })

  it('settles with the call and clears its timer when the call wins', async () => {
    await expect(withinBudget(Promise.resolve('answer'), 25)).resolves.toBe('answer')
    expect(vi.getTimerCount()).toBe(0)
    await expect(withinBudget(Promise.reject(new Error('refused')), 25)).rejects.toThrow('refused')
    expect(vi.getTimerCount()).toBe(0)
  })
})
