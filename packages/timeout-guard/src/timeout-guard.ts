import {
  computeDeadline,
  createTelemetry,
  type Deadline,
  type DeadlineOptions,
  type EventOf,
  frontDoorOf,
  type Integration,
  isObject,
  type PluginHooks,
  peekRequestState,
  type RequestLike,
  type ResultOf,
  requestIdOf,
  requestState,
  WITH_READING,
} from '@gateproof/core'
import type { MiddlewareObj } from '@middy/core'
import {
  contextView,
  countsDown,
  deadlineOfContext,
  guardView,
  hasLimit,
  prototypeOf,
  replaceRemainingTime,
  untilLimit,
} from './context-view.js'
import { deadlineExecutionMode, releaseDeadline } from './execution-mode.js'
import { runOnTimeout } from './on-timeout.js'
import { PACKAGE, resolveOptions, type TimeoutGuardOptions } from './options.js'
import { renderTimeout } from './render.js'
import { type GuardedDeadline, RequestGuard, type TimeoutPhase } from './request-guard.js'
import { timeoutError, timeoutFacts } from './timeout-error.js'
import { TimerOwners } from './timer-owners.js'

/** The view's `getRemainingTimeInMillis`, bound to its request's guard. */
function remainingTime(this: RequestGuard): number {
  return untilLimit(this)
}

/**
 * The countdown Middy captures and calls once, right before it arms the timer that races
 * the handler (bound to the request's guard): one clock reading for both.
 */
function armTimeoutGuard(this: RequestGuard, timerOwners: TimerOwners): number {
  const now = Date.now()
  this.handlerStartedAt = now
  timerOwners.arming(this)
  return untilLimit(this, now)
}

/**
 * The request's guard, filed in its state. A function of its own: `arm` is inlined into Middy's
 * request start with the other parts' hooks, where TurboFan's inlining budget ran out before
 * this constructor, which then cost a generic construct call per request; called, this function
 * inlines it (−130 instructions a request). Too large to be inlined as a small function.
 */
function guardFor(request: RequestLike, deadline: Deadline): RequestGuard {
  const guard = new RequestGuard(request, deadline)
  const state = requestState(request)
  state.timeoutGuard = guard
  state.deadline = deadline
  return guard
}

/** The Middy plugin hooks the guard needs; pass them to `middy(handler, plugin)`. */
export interface TimeoutGuardPlugin extends PluginHooks {
  requestStart: (request: RequestLike) => void
  requestEnd: (request: RequestLike) => void | Promise<void>
  timeoutEarlyInMillis: number
  timeoutEarlyResponse: () => never
}

export type TimeoutGuard<I extends Integration = Integration> = MiddlewareObj<
  EventOf<I>,
  ResultOf<I>,
  unknown
> & { readonly plugin: TimeoutGuardPlugin }

const guardOf = (request: RequestLike): RequestGuard | undefined =>
  peekRequestState(request)?.timeoutGuard as RequestGuard | undefined

/**
 * The request's deadline and its `AbortSignal`, from the handler's `context` (or a
 * Middy request): `getDeadline(context)?.signal`. Undefined outside a guarded request.
 */
export function getDeadline(contextOrRequest: unknown): GuardedDeadline | undefined {
  const fromContext = deadlineOfContext(contextOrRequest)
  if (fromContext !== undefined || !isObject(contextOrRequest)) return fromContext
  const { internal } = contextOrRequest
  return typeof internal === 'object' && internal !== null
    ? guardOf(contextOrRequest as unknown as RequestLike)?.handle
    : undefined
}

/**
 * Answers a request the gateway is about to give up on with a clean 504 (503 on HTTP
 * API), aborts the handler's signal, and releases everything it armed. The deadline is
 * `min(Lambda remaining, gateway arrival + integration timeout) − margin`.
 *
 * Preempting a running handler needs Middy's plugin hooks, so use it in both places:
 *
 *     const guard = timeoutGuard()
 *     export const handler = middy(fn, guard.plugin).use(guard)
 *
 * (with other gateproof parts: `middy(fn, gateproofPlugin(guard, shedder))`). Use it
 * early, right after the proxy-shape validator.
 */
export function timeoutGuard<I extends Integration = Integration>(
  options: TimeoutGuardOptions<I> = {},
): TimeoutGuard<I> {
  const config = resolveOptions(options)
  const telemetry = createTelemetry(PACKAGE, config)
  // `integration` is set to the request's front door before each (synchronous) use: the
  // guard has just asked for it, and computeDeadline would otherwise detect it again.
  const deadlineOptions: { integration: Integration | undefined } & Omit<
    DeadlineOptions,
    'integration'
  > = {
    integration: config.integration,
    integrationTimeoutMs: config.integrationTimeoutMs,
    marginMs: config.marginMs,
  }
  const timerOwners = new TimerOwners()
  // The guard's execution mode runs the request loop and arms the handler's timer itself.
  const loopArms = config.executionMode !== false
  function phaseTimeout(guard: RequestGuard, phase: TimeoutPhase): unknown {
    timeOut(guard, phase)
    return guard.error
  }
  /** The countdown the handler's timer is armed from, one clock reading (see `DeadlineHooks`). */
  function handlerStarted(guard: RequestGuard): number | undefined {
    if (guard.countdown === undefined) return undefined
    const now = Date.now()
    guard.handlerStartedAt = now
    return untilLimit(guard, now)
  }
  const warned = { noPlugin: false, notInChain: false }

  function warnOnce(which: keyof typeof warned, message: string, hint: string) {
    if (warned[which]) return
    warned[which] = true
    if (telemetry.hasLogger) telemetry.log('warn', message, { hint })
    else process.emitWarning(`${PACKAGE}: ${message}. ${hint}`, { code: 'GATEPROOF_TIMEOUT_GUARD' })
  }

  function deadlineOf(request: RequestLike, context: object, door: Integration) {
    deadlineOptions.integration = door
    try {
      return computeDeadline(request.event, context, deadlineOptions)
    } catch (error) {
      telemetry.log('error', 'timeout guard could not read Lambda’s remaining time', { error })
      return computeDeadline(request.event, undefined, deadlineOptions)
    }
  }

  function arm(request: RequestLike, armsMiddyTimer: boolean, door: Integration): RequestGuard {
    const original: object = request.context ?? {}
    // Copied before the deadline's clock reading, which the preset's folded `before` decides
    // at: the copy runs the caller's accessors, the caller's code.
    // A context whose accessor throws still gets its deadline (the failure is logged and the
    // handler keeps the caller's context), as when the copy was made last.
    let view: Record<PropertyKey, unknown> | undefined
    let copyError: unknown
    try {
      view = contextView(original)
    } catch (error) {
      copyError = error
    }
    const countingDown = countsDown(original)
    // Right after `countsDown` read the same object: V8 then knows its shape and answers from
    // it instead of a runtime call (~130 instructions a request).
    const prototype: unknown = view === undefined ? undefined : prototypeOf(original)
    const deadline = deadlineOf(request, original, door)
    const guard = guardFor(request, deadline)
    let countdown: (() => number) | undefined
    if (hasLimit(guard, countingDown)) {
      // Bound functions, not closures made here: a closure over this request's scope kept
      // every request's objects alive through young-generation GCs until the next full
      // mark-compact (the heap grew ~14 MB per scavenge and the success path paid ~8 600
      // instructions a call for the collections; bench/results/instructions.md).
      guard.countdown = remainingTime.bind(guard)
      // Under Middy's own request loop (`executionMode: false`): the countdown Middy captures
      // before the first `before` and calls once, right before it arms the timer that races
      // the handler. The guard's loop asks `handlerStarted` instead.
      countdown =
        armsMiddyTimer && !loopArms ? armTimeoutGuard.bind(guard, timerOwners) : guard.countdown
    }
    if (view === undefined) throw copyError
    guard.view = guardView(view, original, prototype, guard, countdown)
    request.context = guard.view
    return guard
  }

  function timeOut(guard: RequestGuard, phase: TimeoutPhase): void {
    if (!guard.expire(phase, Date.now())) return
    guard.error = timeoutError(guard, config.retryAfterSeconds)
    const facts = timeoutFacts(guard)
    const requestId = requestIdOf(guard.request.event, guard.request.context)
    telemetry.count('TimeoutGuard', { Integration: String(facts.integration) })
    // The request's one failure line (H7): the error mapper that renders the 504 skips its own.
    telemetry.logFailure(guard.request, 'warn', 'Request timed out', {
      requestId,
      statusCode: guard.error.status,
      ...facts,
    })
    if (phase === 'handler' && config.onTimeout !== undefined) {
      guard.onTimeoutDone = runOnTimeout(
        config.onTimeout,
        guard.request as Parameters<typeof runOnTimeout>[1],
        config.onTimeoutBudgetMs,
        telemetry,
        { requestId },
      )
    }
  }

  const plugin: TimeoutGuardPlugin = {
    requestStart: function timeoutGuardRequestStart(request) {
      try {
        // H2: an event from no HTTP front door is not timed; Lambda's own limit applies.
        const door = frontDoorOf(request, config.integration)
        if (door === undefined) return
        arm(request, true, door)
      } catch (error) {
        // A throw here would escape Middy's error handling and reach the gateway as a 502.
        telemetry.log('error', 'timeout guard could not arm the deadline', { error })
      }
    },
    timeoutEarlyInMillis: config.marginMs,
    timeoutEarlyResponse: function timeoutGuardEarlyResponse(): never {
      const guard = timerOwners.owner()
      if (guard === undefined) {
        telemetry.log('warn', 'timeout guard could not tell which request reached its deadline')
        throw timeoutError(undefined, config.retryAfterSeconds)
      }
      timeOut(guard, 'handler')
      throw guard.error
    },
    requestEnd: function timeoutGuardRequestEnd(request) {
      const guard = guardOf(request)
      if (guard === undefined) return
      timerOwners.ended(guard)
      releaseDeadline(guard)
      if (!guard.seenInChain && request.error === undefined && !('earlyResponse' in request)) {
        warnOnce(
          'notInChain',
          'the timeout guard plugin runs but the middleware is not in the chain',
          'add it with middy(fn, guard.plugin).use(guard); requests that arrive past their deadline are not answered early',
        )
      }
      // The response leaves once the hook is done or out of budget: after that, Lambda freezes.
      return guard.onTimeoutDone
    },
  }
  if (config.executionMode !== false) {
    // H5: the deadline covers `before` and `after` middlewares too, not only the handler.
    plugin.executionMode = deadlineExecutionMode(
      {
        guardOf,
        timeOut: phaseTimeout,
        handlerStarted,
        timeoutEarlyResponse: plugin.timeoutEarlyResponse,
        // H2: a request the guard stepped aside for still gets Middy's early timeout; the loop
        // knows it is no request of the guard's, so there is nothing to warn about.
        steppedAsideTimeout: () => {
          throw timeoutError(undefined, config.retryAfterSeconds)
        },
        firing: (guard) => {
          timerOwners.firing = guard
        },
      },
      config.executionMode,
    )
  }

  /**
   * The guard's `before`, deciding at `now`: a reading taken by the caller with no other code
   * since, or `undefined` to read the clock. Returns the reading it decided on.
   */
  function beforeAt(request: RequestLike, now: number | undefined): number | undefined {
    let guard = guardOf(request)
    if (guard === undefined) {
      const door = frontDoorOf(request, config.integration)
      if (door === undefined) {
        telemetry.stepAside(request)
        return
      }
      warnOnce(
        'noPlugin',
        'the timeout guard runs without its Middy plugin: a handler still running at the deadline is not preempted',
        'pass guard.plugin to middy(fn, plugin), or gateproofPlugin(guard, …) with other parts',
      )
      guard = arm(request, false, door)
    } else if (!loopArms && guard.view !== undefined && guard.countdown !== undefined) {
      // Middy holds the arming countdown now; everyone else reads the plain one.
      replaceRemainingTime(guard.view, guard.countdown)
    }
    guard.seenInChain = true
    const at = now ?? Date.now()
    guard.reading = at
    if (guard.deadline.at - at > 0) return at
    timeOut(guard, 'arrival')
    throw guard.error
  }

  const middleware: TimeoutGuard<I> = {
    before: function timeoutGuardBefore(request) {
      beforeAt(request, undefined)
    },
    onError: function timeoutGuardOnError(request) {
      const guard = guardOf(request)
      if (guard === undefined) return
      guard.seenInChain = true
      if (!guard.timedOut || guard.error === undefined) return
      if (request.response !== undefined) return
      request.response = renderTimeout(guard, guard.error, request, config.format)
    },
    plugin,
  }
  // For the preset's folded middleware: the `before` that returns the reading it decided on,
  // for the shedder's. `atArrival` when the folded middleware is the first `before`: Middy
  // calls it right after `requestStart`, where the guard read the clock for the deadline, with
  // only gateproof's code between, so that reading is still "now". In no public type.
  Object.defineProperty(middleware, WITH_READING, {
    value: function timeoutGuardBeforeWithReading(
      request: RequestLike,
      atArrival: boolean,
    ): number | undefined {
      return beforeAt(request, atArrival ? guardOf(request)?.deadline.computedAt : undefined)
    },
  })
  return middleware
}

export default timeoutGuard
