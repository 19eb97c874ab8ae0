/** A Redis call that did not answer within the latency budget. */
export class BudgetExceededError extends Error {
  readonly budgetMs: number

  constructor(budgetMs: number) {
    super(`Redis did not answer within ${budgetMs} ms`)
    this.name = 'BudgetExceededError'
    this.budgetMs = budgetMs
  }
}

interface Pending extends Tracked {
  readonly expiresAt: number
  settled: boolean
  /** Called with how late the verdict came: a large lateness means this process stalled. */
  readonly expire: (lateMs: number) => void
}

/** A call being timed: `settle()` when it answers; false means the budget ran out first. */
export interface Tracked {
  settle(): boolean
}

export interface Budget {
  /**
   * Settles with the call, or rejects with `BudgetExceededError` once the budget has
   * passed since this call was made (the moment the command is handed to the client),
   * whichever comes first. The call itself keeps running; its late outcome is the
   * caller's to handle.
   */
  run<T>(call: Promise<T>): Promise<T>
  /**
   * Times a call without wrapping it: `onExpire` runs once the budget has passed unsettled,
   * with how many ms after the expiry the verdict came (the event loop's lag).
   */
  track(onExpire: (lateMs: number) => void): Tracked
  /** Calls still waiting (for tests: 0 means no timer is armed). */
  readonly pending: number
}

/**
 * One timer for every call in flight instead of one per call: calls share one budget,
 * so they expire in the order they were sent, and a FIFO with a timer on its oldest
 * entry is enough. No timer is armed again once nothing waits.
 *
 * When the timer fires, the verdict waits for `setImmediate`: a timer that fires late
 * because the event loop was busy runs before the poll phase that would read a reply
 * already sitting in the socket. Giving the poll phase one turn first means a busy
 * process does not blame Redis for its own lag — the cliff where an overloaded process
 * declared a healthy Redis dead and stopped limiting.
 */
export function createBudget(
  budgetMs: number,
  now: () => number = performance.now.bind(performance),
): Budget {
  // Calls in the order they were made, in queue[head..tail); slots outside are undefined,
  // so a settled call (and what its verdict closure holds) is garbage at once instead of
  // surviving young-generation collections until the next timer.
  const queue: (Pending | undefined)[] = []
  let head = 0
  let tail = 0
  let waiting = 0
  let timer: NodeJS.Timeout | undefined
  let judging = false
  let sweeping = false

  /** Drops the settled calls at the head: one call at a time keeps the queue empty. */
  function dropSettled(): void {
    while (head < tail && (queue[head] as Pending).settled) {
      queue[head] = undefined
      head += 1
    }
    if (head === tail) {
      head = 0
      tail = 0
    }
  }

  function arm(): void {
    dropSettled()
    if (head === tail) return
    if (head > 1024) {
      queue.copyWithin(0, head, tail)
      queue.fill(undefined, tail - head, tail)
      tail -= head
      head = 0
    }
    const delay = Math.max(0, (queue[head] as Pending).expiresAt - now())
    timer = setTimeout(onTimer, delay + 1)
    timer.unref()
  }

  function onTimer(): void {
    timer = undefined
    judging = true
    setImmediate(judge)
  }

  function judge(): void {
    judging = false
    sweeping = true
    const at = now()
    while (head < tail) {
      const entry = queue[head] as Pending
      if (!entry.settled) {
        if (entry.expiresAt > at) break
        entry.settled = true
        waiting -= 1
        entry.expire(at - entry.expiresAt)
      }
      queue[head] = undefined
      head += 1
    }
    sweeping = false
    arm()
  }

  // The timer is not cleared when the last call settles: at one call at a time that would
  // arm and clear a timer per decision. It fires once, finds nothing waiting, and is not
  // armed again — so it outlives the last decision by at most the budget, never keeps a
  // process alive (unref) and never runs more often than once per budget.
  function settle(entry: Pending): boolean {
    if (entry.settled) return false
    entry.settled = true
    waiting -= 1
    // Not while the verdicts are given: the sweep moves the head itself.
    if (!sweeping) dropSettled()
    return true
  }

  // One function for every entry, called as its method: a call costs one object, not an
  // entry, a closure and a wrapper.
  function settleEntry(this: Pending): boolean {
    return settle(this)
  }

  function track(onExpire: (lateMs: number) => void): Tracked {
    const entry: Pending = {
      expiresAt: now() + budgetMs,
      settled: false,
      expire: onExpire,
      settle: settleEntry,
    }
    if (tail < queue.length) queue[tail] = entry
    else queue.push(entry)
    tail += 1
    waiting += 1
    if (timer === undefined && !judging) arm()
    return entry
  }

  return {
    get pending() {
      return waiting
    },
    track,
    run<T>(call: Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const tracked = track(() => reject(new BudgetExceededError(budgetMs)))
        call.then(
          (value) => {
            if (tracked.settle()) resolve(value)
          },
          (error: unknown) => {
            if (tracked.settle()) reject(error)
          },
        )
      })
    },
  }
}

/** Runs a client call so that a synchronous throw becomes a rejection. */
export function attempt<T>(call: () => Promise<T>): Promise<T> {
  try {
    return call()
  } catch (error) {
    return Promise.reject(error)
  }
}
