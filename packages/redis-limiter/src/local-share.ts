import type { LimiterDecision, Priority } from '@gateproof/load-shedder'
import type { ResolvedRules } from './options.js'

/** What a process knows of a key while Redis cannot decide for it. */
export interface LocalKey {
  /** Processes active in the last window, as the script last counted them; 0 until it has. */
  processes: number
  /** Per rate rule: the local theoretical arrival time, ms of this host's clock. */
  readonly tats: number[]
  /** Requests of this key admitted in this process — by Redis or locally — and not yet released. */
  inFlight: number
}

/**
 * Assumed until the script has counted the processes (a cold process whose first decisions
 * already failed): a small share each, so a fleet of cold processes does not admit N× the limit.
 */
export const UNKNOWN_PROCESSES = 10

export function newLocalKey(rules: ResolvedRules): LocalKey {
  return { processes: 0, tats: rules.rates.map(() => 0), inFlight: 0 }
}

const noop = (): void => {}

/**
 * This process's share of each limit, enforced in memory: the limit divided by the
 * processes that decided on Redis in the last window (the script counts them in the
 * same round trip), floored, at least 1. The concurrency share counts every request of
 * the key in flight in this process, those Redis admitted before it went away included:
 * a process already holding its share admits nothing more, so while every process does
 * the same the fleet holds at most max(limit, processes) at once — never "everything".
 * Shadow rules stay unenforced here too.
 */
export function decideLocally(
  local: LocalKey,
  rules: ResolvedRules,
  priority: Priority,
  cost: number,
  now: number,
  /**
   * Redis was slow with the circuit closed: a slow moment, not a lost Redis. Other
   * processes are still admitted by Redis, so a local admission here would come on top of
   * a fleet that may be full: refused instead, until the breaker says Redis is gone.
   */
  slowMoment = false,
): LimiterDecision {
  const processes = local.processes > 0 ? local.processes : UNKNOWN_PROCESSES
  const concurrency = rules.concurrency
  if (concurrency && !concurrency.shadow) {
    const share = Math.max(1, Math.floor(concurrency.slots[priority] / processes))
    if (local.inFlight >= share || slowMoment) {
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
