import { type Clock, systemClock } from '@gateproof/core'

export type BreakerState = 'closed' | 'open' | 'half-open'

export interface BreakerOptions {
  /** Share of failed calls in the window that opens the circuit, above 0 and at most 1. */
  failureRatio: number
  /** Calls the window must hold before its ratio can open the circuit. */
  minCalls: number
  /** Length of the sliding window of outcomes, in ms. */
  windowMs: number
  /** How long the circuit stays open before probes may try Redis again. */
  coolDownMs: number
  /** Probe calls let through when half-open; all must succeed to close the circuit. */
  probes: number
}

/** A permission to call Redis; its outcome is reported back with the same ticket. */
export interface BreakerTicket {
  readonly probe: boolean
}

export interface Transition {
  from: BreakerState
  to: BreakerState
  /** Calls and failures in the window when the circuit opened (0 otherwise). */
  calls: number
  failures: number
}

export interface Breaker {
  readonly state: BreakerState
  /** A ticket when Redis may be called now; `undefined` means use the failure mode. */
  pass(): BreakerTicket | undefined
  succeeded(ticket: BreakerTicket): void
  failed(ticket: BreakerTicket): void
  /** Milliseconds until probes may run (0 unless open). */
  msUntilProbe(): number
}

/** The window is kept as this many buckets: O(1) per call, bounded memory. */
const BUCKETS = 10
const CALL: BreakerTicket = Object.freeze({ probe: false })

/**
 * Closed → open when, over the last `windowMs`, at least `minCalls` calls were made and
 * at least `failureRatio` of them failed. A ratio over a window, not N consecutive
 * failures: a burst of concurrent calls that all wait behind one slow moment is one
 * event among many successes, not a dead Redis. Open → half-open after the cool down,
 * when `probes` calls go to Redis while every other request keeps using the failure
 * mode → closed when every probe succeeded, open again at the first probe failure.
 * Outcomes of calls that started before the circuit opened do not count, so a late
 * success cannot close a circuit that the probes have not tested.
 */
export function createBreaker(
  options: BreakerOptions,
  onTransition: (transition: Transition) => void,
  clock: Clock = systemClock,
): Breaker {
  const bucketMs = Math.max(1, options.windowMs / BUCKETS)
  const calls = new Array<number>(BUCKETS).fill(0)
  const failures = new Array<number>(BUCKETS).fill(0)
  let totalCalls = 0
  let totalFailures = 0
  // Index (in bucket units since the epoch) of the newest bucket.
  let newest = 0
  let state: BreakerState = 'closed'
  let openedAt = 0
  let probes = new Set<BreakerTicket>()
  let probesLeft = 0
  let probesPassed = 0

  /** Drops the buckets that slid out of the window since the last call. */
  function slide(now: number): number {
    const current = Math.floor(now / bucketMs)
    if (current === newest) return current % BUCKETS
    const stale = Math.min(BUCKETS, current - newest)
    for (let step = 1; step <= stale; step += 1) {
      const slot = (newest + step) % BUCKETS
      totalCalls -= calls[slot] as number
      totalFailures -= failures[slot] as number
      calls[slot] = 0
      failures[slot] = 0
    }
    newest = current
    return current % BUCKETS
  }

  function reset(): void {
    calls.fill(0)
    failures.fill(0)
    totalCalls = 0
    totalFailures = 0
  }

  function move(to: BreakerState, counted = { calls: 0, failures: 0 }): void {
    const from = state
    state = to
    onTransition({ from, to, ...counted })
  }

  function open(): void {
    const counted = { calls: totalCalls, failures: totalFailures }
    openedAt = clock.now()
    probes = new Set()
    reset()
    move('open', counted)
  }

  function record(failed: boolean): void {
    const slot = slide(clock.now())
    calls[slot] = (calls[slot] as number) + 1
    totalCalls += 1
    if (failed) {
      failures[slot] = (failures[slot] as number) + 1
      totalFailures += 1
    }
  }

  return {
    get state() {
      return state
    },
    pass() {
      if (state === 'closed') return CALL
      if (state === 'open') {
        if (clock.now() - openedAt < options.coolDownMs) return undefined
        probesLeft = options.probes
        probesPassed = 0
        move('half-open')
      }
      if (probesLeft === 0) return undefined
      probesLeft -= 1
      const probe: BreakerTicket = { probe: true }
      probes.add(probe)
      return probe
    },
    succeeded(ticket) {
      if (state === 'closed') {
        if (ticket === CALL) record(false)
        return
      }
      if (state !== 'half-open' || !probes.delete(ticket)) return
      probesPassed += 1
      if (probesPassed >= options.probes) {
        reset()
        move('closed')
      }
    },
    failed(ticket) {
      if (state === 'closed') {
        if (ticket !== CALL) return
        record(true)
        if (totalCalls >= options.minCalls && totalFailures >= options.failureRatio * totalCalls) {
          open()
        }
        return
      }
      if (state === 'half-open' && probes.has(ticket)) open()
    },
    msUntilProbe() {
      if (state !== 'open') return 0
      return Math.max(0, openedAt + options.coolDownMs - clock.now())
    },
  }
}
