import { type Clock, systemClock } from '@gateproof/core'

export type BreakerState = 'closed' | 'open' | 'half-open'

export interface BreakerOptions {
  /** Consecutive failed calls that open the circuit. */
  failures: number
  /** How long the circuit stays open before one probe call may try Redis again. */
  coolDownMs: number
}

/** A permission to call Redis; its outcome is reported back with the same ticket. */
export interface BreakerTicket {
  readonly probe: boolean
}

export interface Transition {
  from: BreakerState
  to: BreakerState
  consecutiveFailures: number
}

export interface Breaker {
  readonly state: BreakerState
  /** A ticket when Redis may be called now; `undefined` means use the failure mode. */
  pass(): BreakerTicket | undefined
  succeeded(ticket: BreakerTicket): void
  failed(ticket: BreakerTicket): void
  /** Milliseconds until the next probe may run (0 unless open). */
  msUntilProbe(): number
}

const CALL: BreakerTicket = Object.freeze({ probe: false })

/**
 * Closed → open after `failures` consecutive failures → half-open after the cool
 * down, when exactly one probe call goes to Redis while every other request keeps
 * using the failure mode → closed when the probe succeeds, open again when it fails.
 * Outcomes of calls that started before the circuit opened do not count, so a late
 * success cannot close a circuit that a probe has not tested.
 */
export function createBreaker(
  options: BreakerOptions,
  onTransition: (transition: Transition) => void,
  clock: Clock = systemClock,
): Breaker {
  let state: BreakerState = 'closed'
  let consecutiveFailures = 0
  let openedAt = 0
  let probe: BreakerTicket | undefined

  const move = (to: BreakerState) => {
    const from = state
    state = to
    onTransition({ from, to, consecutiveFailures })
  }
  const open = () => {
    openedAt = clock.now()
    probe = undefined
    move('open')
  }

  return {
    get state() {
      return state
    },
    pass() {
      if (state === 'closed') return CALL
      if (state === 'open' && clock.now() - openedAt >= options.coolDownMs) {
        probe = { probe: true }
        move('half-open')
        return probe
      }
      return undefined
    },
    succeeded(ticket) {
      if (state === 'closed') consecutiveFailures = 0
      else if (state === 'half-open' && ticket === probe) {
        consecutiveFailures = 0
        probe = undefined
        move('closed')
      }
    },
    failed(ticket) {
      if (state === 'closed') {
        consecutiveFailures += 1
        if (consecutiveFailures >= options.failures) open()
      } else if (state === 'half-open' && ticket === probe) {
        consecutiveFailures += 1
        open()
      }
    },
    msUntilProbe() {
      if (state !== 'open') return 0
      return Math.max(0, openedAt + options.coolDownMs - clock.now())
    },
  }
}
