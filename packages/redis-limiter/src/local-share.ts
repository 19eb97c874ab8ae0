import type { LimiterDecision, Priority } from '@gateproof/load-shedder'
import type { ResolvedRules } from './options.js'

/** What a process knows of a key while Redis cannot decide for it. */
export interface LocalKey {
  /** Processes active in the last window, as the script last counted them (at least 1). */
  processes: number
  /** Per rate rule: the local theoretical arrival time, ms of this host's clock. */
  readonly tats: number[]
  /** Requests of this key admitted locally and not yet released. */
  inFlight: number
}

export function newLocalKey(rules: ResolvedRules): LocalKey {
  return { processes: 1, tats: rules.rates.map(() => 0), inFlight: 0 }
}

const noop = (): void => {}

/**
 * This process's share of each limit, enforced in memory: the limit divided by the
 * processes that decided on Redis in the last window (the script counts them in the
 * same round trip), floored, at least 1. When every process does the same while Redis
 * is away, the fleet admits at most the limit plus what Redis had already admitted —
 * never "everything". Shadow rules stay unenforced here too.
 */
export function decideLocally(
  local: LocalKey,
  rules: ResolvedRules,
  priority: Priority,
  cost: number,
  now: number,
): LimiterDecision {
  const processes = Math.max(1, local.processes)
  const concurrency = rules.concurrency
  if (concurrency && !concurrency.shadow) {
    const share = Math.max(1, Math.floor(concurrency.slots[priority] / processes))
    if (local.inFlight >= share) {
      return {
        admitted: false,
        retryAfterMs: Math.min(concurrency.retryAfterMs, 1000),
        reason: 'concurrency',
      }
    }
  }
  const next: number[] = []
  for (let i = 0; i < rules.rates.length; i += 1) {
    const rate = rules.rates[i]
    if (rate === undefined || rate.shadow) continue
    // A share of the rate: each process emits a cell every `interval × processes` ms.
    const interval = rate.interval * processes
    const cells = Math.max(1, Math.floor(rate.cells[priority] / processes))
    const tat = Math.max(local.tats[i] ?? 0, now)
    const newTat = tat + interval * cost
    const conformsAt = newTat - cells * interval
    if (conformsAt > now) {
      return {
        admitted: false,
        retryAfterMs: Math.max(1, Math.ceil(conformsAt - now)),
        reason: 'rate',
      }
    }
    next[i] = newTat
  }
  for (let i = 0; i < next.length; i += 1) {
    const tat = next[i]
    if (tat !== undefined) local.tats[i] = tat
  }
  if (!concurrency || concurrency.shadow) return { admitted: true, release: noop }
  local.inFlight += 1
  let released = false
  return {
    admitted: true,
    release: function releaseLocalSlot() {
      if (released) return
      released = true
      local.inFlight -= 1
    },
  }
}
