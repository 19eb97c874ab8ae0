import {
  computeDeadline,
  type Deadline,
  ENDS_AT_READING,
  type EventOf,
  frontDoorOf,
  type Integration,
  isStreamingRequest,
  type PluginHooks,
  peekRequestState,
  type RequestLike,
  type ResultOf,
  readThrown,
  requestIdOf,
  requestState,
  systemClock,
  WITH_READING,
} from '@gateproof/core'
import type { MiddlewareObj } from '@middy/core'
import type { Admitted, LimiterDecision, Priority } from './limiter.js'
import { LocalPolicies } from './local-policies.js'
import { type LoadShedderOptions, resolveOptions } from './options.js'
import { isPriority } from './priority.js'
import { type Refusal, refusalError } from './rejection.js'
import { jitteredRetryAfterSeconds } from './retry-after.js'
import { memoizedRouteKey } from './route-key.js'
import type { Slot } from './slots.js'

/** No request outlives Lambda's 15-minute maximum: the end of a slot with no known deadline. */
const MAX_SLOT_MS = 900_000
/** A limiter's reason becomes a metric dimension, so it must look like one. */
const BOUNDED_REASON = /^[a-z][a-z0-9-]{0,31}$/

/** How a request ended, as the latency-learning policies see it. */
type Outcome = 'served' | 'dropped' | 'ignored'

/** Per-request state, in the request's state (`loadShedder`); it is its own slot. */
interface ShedderState extends Slot {
  /** Holds a slot: admitted, or refused in a dry run. */
  admitted: boolean
  admittedAt: number
  key: string
  inFlight: number
  lease: Admitted | undefined
  /** Released, by whichever hook came first. */
  finished: boolean
}

export interface LoadShedderStats {
  /** Requests admitted by this shedder and not yet finished. */
  inFlight: number
  /** The adaptive policy's current limit, when it is on. */
  adaptiveLimit: number | undefined
  /** Slots freed at their deadline because no hook released them (see README, "Release"). */
  reclaimed: number
}

// Created by the plugin's `requestStart`, so its absence in `before` means no plugin.
const newState = (): ShedderState => ({
  expiresAt: 0,
  slotIndex: -1,
  admitted: false,
  admittedAt: 0,
  key: '',
  inFlight: 0,
  lease: undefined,
  finished: false,
})

/**
 * Timeouts and "unavailable" answers are what overload looks like from the inside. The
 * thrown value is read through core's safe reader: a throwing getter or Proxy here would
 * make Middy reject the invocation, and the gateway answer 502 (H1).
 */
function outcomeOfError(error: unknown): Outcome {
  const { isObject, name, status } = readThrown(error)
  if (!isObject) return 'ignored'
  const code = status ?? 0
  if (name === 'TimeoutError' || name === 'AbortError' || code === 503 || code === 504) {
    return 'dropped'
  }
  // A client error was served in full: its duration is a real service time.
  return code >= 400 && code < 500 ? 'served' : 'ignored'
}

/** A priority function's answer, `normal` for anything that is not a priority. */
const priorityFrom = (chosen: unknown): Priority => (isPriority(chosen) ? chosen : 'normal')

/** When a held slot is certainly worthless: the hard limit behind the deadline. */
const slotEnd = (deadline: Deadline, now: number): number =>
  Number.isFinite(deadline.at)
    ? Math.min(deadline.at + deadline.marginMs, now + MAX_SLOT_MS)
    : now + MAX_SLOT_MS

/**
 * Admission control: decides in `before`, before any work is done, whether to admit a
 * request, and refuses with a 429 (or 503) `HttpError` carrying `Retry-After`, so the
 * error renderer answers and `onError` decorators still run.
 *
 * Pass the returned object to `gateproofPlugin(...)` in `middy(handler, plugin)` too: its
 * `requestEnd` hook releases what was acquired on every path, including an early response
 * from a later middleware, which skips `after`.
 */
export function loadShedder<I extends Integration = Integration>(
  options: LoadShedderOptions<EventOf<I>> = {},
) {
  const config = resolveOptions(options)
  const { clock, telemetry, dryRun, status, jitter, limiter } = config
  const keyOf = config.key ?? memoizedRouteKey()
  // Only the service-time prediction and the limiter partition by key.
  const needsKey = config.deadline?.predict === true || limiter !== undefined
  const priorityOf = config.priority
  // A reading handed over by the preset is `Date.now()`'s: a shedder with its own clock reads that.
  const readsSystemClock = clock === systemClock
  let warnedNoPlugin = false
  let warnedReclaim = false
  const policies = new LocalPolicies(config, clock.now(), function warnReclaimed(reclaimed) {
    if (warnedReclaim) return
    warnedReclaim = true
    telemetry.log('warn', 'load shedder reclaimed in-flight slots nobody released', {
      reclaimed,
      hint: 'pass the shedder to gateproofPlugin() in middy(handler, plugin)',
    })
  })
  const { slots } = policies
  // Fixed when the middleware is built: a finished request is timed only when it can teach.
  const learns = policies.learns

  /** Counts and logs a refusal; throws it unless this is a dry run. */
  function shed(request: RequestLike, refusal: Refusal, priority: Priority, deadline: Deadline) {
    const retryAfterSeconds = jitteredRetryAfterSeconds(refusal.retryAfterMs, jitter)
    const dimensions: Record<string, string> = { Reason: refusal.reason, Priority: priority }
    if (dryRun) dimensions.DryRun = 'true'
    telemetry.count('LoadShed', dimensions)
    if (telemetry.hasLogger) {
      const remainingMs = deadline.at - clock.now()
      const fields = {
        reason: refusal.reason,
        priority,
        status,
        dryRun,
        retryAfterSeconds,
        limit: refusal.limit,
        inFlight: slots.count,
        remainingMs: Number.isFinite(remainingMs) ? Math.round(remainingMs) : undefined,
        integration: deadline.integration,
        requestId: requestIdOf(request.event, request.context),
        statusCode: status,
      }
      // A refusal is the request's failure: its one log line (H7); a dry run is not.
      if (dryRun) telemetry.log('info', 'load shedder would refuse the request (dry run)', fields)
      else telemetry.logFailure(request, 'warn', 'load shedder refused the request', fields)
    }
    if (!dryRun) throw refusalError({ refusal, status, priority, retryAfterSeconds })
  }

  function releaseLease(lease: Admitted): void | Promise<void> {
    function failed(error: unknown) {
      telemetry.log('warn', 'load shedder could not release a limiter lease', {
        limiter: limiter?.name,
        error,
      })
    }
    try {
      const released = lease.release()
      if (released instanceof Promise) return released.catch(failed)
    } catch (error) {
      failed(error)
    }
  }

  /** Releases whatever the request holds, once, whichever hook gets here first. */
  function finish(request: RequestLike, outcome: Outcome): void | Promise<void> {
    const state = peekRequestState(request)?.loadShedder as ShedderState | undefined
    if (state === undefined || !state.admitted || state.finished) return
    state.finished = true
    if (slots.release(state) && outcome !== 'ignored' && learns) {
      const durationMs = clock.now() - state.admittedAt
      policies.learn(state.key, durationMs, state.inFlight, outcome === 'dropped')
    }
    if (state.lease) return releaseLease(state.lease)
  }

  function settleLimiter(
    request: RequestLike,
    state: ShedderState,
    decision: LimiterDecision,
    priority: Priority,
    deadline: Deadline,
  ): void {
    if (decision.admitted) {
      state.lease = decision
      return
    }
    const reason = BOUNDED_REASON.test(decision.reason) ? decision.reason : 'limiter'
    const refusal: Refusal = { reason, retryAfterMs: decision.retryAfterMs }
    if (decision.quota) refusal.quota = decision.quota
    if (!dryRun) {
      // Never admitted: the slot goes back without teaching the policies anything.
      state.finished = true
      slots.release(state)
    }
    shed(request, refusal, priority, deadline)
  }

  function limiterFailed(error: unknown): void {
    telemetry.log('warn', 'load shedder limiter failed; admitting the request', {
      limiter: limiter?.name,
      error,
    })
  }

  function warnNoPlugin() {
    warnedNoPlugin = true
    telemetry.log('warn', 'load shedder runs without its Middy plugin', {
      hint: 'pass the shedder to gateproofPlugin() in middy(handler, plugin); until then a slot held by a request answered early by a later middleware is freed only at its deadline',
    })
  }

  function loadShedderBefore(request: RequestLike): void | Promise<void> {
    return beforeAt(request, undefined)
  }

  /**
   * The shedder's `before`, deciding at `reading`: the caller's clock reading with no other
   * code since (the preset's folded middleware, right after the guard's), or `undefined`.
   * A shedder given its own `clock` reads it.
   */
  function beforeAt(request: RequestLike, reading: number | undefined): void | Promise<void> {
    // H2: an event from no HTTP front door is admitted untouched, never counted or shed.
    if (frontDoorOf(request, config.integration) === undefined) {
      telemetry.stepAside(request)
      return
    }
    const shared = requestState(request)
    let state = shared.loadShedder as ShedderState | undefined
    if (state === undefined) {
      if (!warnedNoPlugin) warnNoPlugin()
      state = newState()
      shared.loadShedder = state
    }
    const event = request.event as EventOf<I>
    let deadline = shared.deadline
    let now: number
    if (deadline === undefined) {
      deadline = computeDeadline(event, request.context, config.deadlineOptions)
      // Its reading of the same clock, a moment ago: one clock reading less per request.
      now = deadline.computedAt
    } else {
      now = reading !== undefined && readsSystemClock ? reading : clock.now()
    }
    const chosenKey = needsKey ? keyOf(event) : ''
    const key = typeof chosenKey === 'string' ? chosenKey : String(chosenKey)
    const priority: Priority = priorityOf === undefined ? 'normal' : priorityFrom(priorityOf(event))

    const refusal = policies.refuse(now, deadline, key, priority)
    if (refusal) shed(request, refusal, priority, deadline)

    const endsAt = slotEnd(deadline, now)
    slots.acquire(state, endsAt)
    state.admitted = true
    state.admittedAt = now
    state.key = key
    state.inFlight = slots.count
    // A request a local policy refused (dry run) is not offered to the limiter either.
    if (limiter === undefined || refusal) return

    let decision: LimiterDecision | Promise<LimiterDecision>
    try {
      decision = limiter.acquire(
        config.cost === undefined
          ? { key, priority, deadlineAt: endsAt }
          : { key, priority, deadlineAt: endsAt, cost: config.cost(event) },
      )
    } catch (error) {
      return limiterFailed(error)
    }
    if (decision instanceof Promise) {
      const admitted = state
      return decision.then(
        (settled) => settleLimiter(request, admitted, settled, priority, deadline),
        limiterFailed,
      )
    }
    settleLimiter(request, state, decision, priority, deadline)
  }

  function loadShedderAfter(request: RequestLike): void | Promise<void> {
    // A streamed response is still running: requestEnd releases the slot once it has ended.
    if (isStreamingRequest(request)) return
    return finish(request, 'served')
  }

  function loadShedderOnError(request: RequestLike): void | Promise<void> {
    return finish(request, outcomeOfError(request.error))
  }

  const plugin: PluginHooks = {
    requestStart: function loadShedderRequestStart(request) {
      requestState(request).loadShedder = newState()
    },
    requestEnd: function loadShedderRequestEnd(request) {
      // Reached with something unreleased only when a later middleware answered early (the
      // handler never ran) or cut the after/onError chain short: no latency to learn from.
      return finish(request, request.error == null ? 'ignored' : outcomeOfError(request.error))
    },
  }

  const middleware = {
    before: loadShedderBefore,
    after: loadShedderAfter,
    onError: loadShedderOnError,
    plugin,
    /** A snapshot for tests and custom metrics; frees expired slots first. */
    stats: (): LoadShedderStats => {
      policies.reclaim(clock.now())
      return {
        inFlight: slots.count,
        adaptiveLimit: policies.adaptiveLimit,
        reclaimed: slots.reclaimed,
      }
    },
  }
  // For the preset's folded middleware (not enumerable, in no public type): the `before`
  // deciding at the guard's reading, and whether an admitted request ran none of your code
  // (a key, a priority, a limiter; a dry run's refusal, which goes on to your Logger and
  // Metrics), so that the reading is still "now" when it returns.
  Object.defineProperty(middleware, WITH_READING, { value: beforeAt })
  Object.defineProperty(middleware, ENDS_AT_READING, {
    value: priorityOf === undefined && config.key === undefined && limiter === undefined && !dryRun,
  })
  return middleware as typeof middleware & MiddlewareObj<EventOf<I>, ResultOf<I>>
}

export default loadShedder
