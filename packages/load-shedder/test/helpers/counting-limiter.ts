import type { Limiter, LimiterDecision, LimiterRequest } from '@gateproof/load-shedder'

export interface CountingLimiter extends Limiter {
  /** Leases granted. */
  readonly admitted: number
  /** Leases whose release was called at least once. */
  readonly released: number
  /** Release calls beyond the first for the same lease: must stay 0. */
  readonly repeated: number
}

/** Wraps a limiter to count what the shedder acquires and releases. */
export function countingLimiter(inner: Limiter): CountingLimiter {
  let admitted = 0
  let released = 0
  let repeated = 0
  const wrap = (decision: LimiterDecision): LimiterDecision => {
    if (!decision.admitted) return decision
    admitted++
    let calls = 0
    return {
      ...decision,
      release() {
        calls++
        if (calls === 1) released++
        else repeated++
        return decision.release()
      },
    }
  }
  return {
    name: inner.name,
    acquire(request: LimiterRequest) {
      const decision = inner.acquire(request)
      return decision instanceof Promise ? decision.then(wrap) : wrap(decision)
    },
    get admitted() {
      return admitted
    },
    get released() {
      return released
    },
    get repeated() {
      return repeated
    },
  }
}
