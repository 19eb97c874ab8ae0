/** A Redis call that did not answer within the latency budget. */
export class BudgetExceededError extends Error {
  readonly budgetMs: number

  constructor(budgetMs: number) {
    super(`Redis did not answer within ${budgetMs} ms`)
    this.name = 'BudgetExceededError'
    this.budgetMs = budgetMs
  }
}

/**
 * Settles with the call, or rejects with `BudgetExceededError` once `budgetMs` has
 * passed, whichever comes first. The timer is cleared when the call wins, so no
 * timer outlives a decision; the call itself keeps running and its late outcome is
 * the caller's to handle.
 */
export function withinBudget<T>(call: Promise<T>, budgetMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const expiry = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new BudgetExceededError(budgetMs)), budgetMs)
  })
  return Promise.race([call, expiry]).finally(() => clearTimeout(timer))
}

/** Runs a client call so that a synchronous throw becomes a rejection. */
export function attempt<T>(call: () => Promise<T>): Promise<T> {
  try {
    return call()
  } catch (error) {
    return Promise.reject(error)
  }
}
