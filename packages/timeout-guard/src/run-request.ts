// Middy arms its early timeout with `node:timers`' `setTimeout` (fake timers in tests replace
// it only when asked to) and clears it with the global `clearTimeout`; the deadline of
// middlewares uses the global ones.
import { setTimeout as setMiddyTimeout } from 'node:timers'
import { ENDS_AT_READING, type RequestLike } from '@gateproof/core'
import type { RequestGuard, TimeoutPhase } from './request-guard.js'

export type Middleware = ((request: RequestLike) => unknown) & { readonly name: string }
export type LambdaHandler = (event: unknown, context: unknown, options: HandlerOptions) => unknown

/** The part of Middy's plugin object its request loop reads (Middy fills the defaults). */
export interface MiddyPlugin {
  timeoutEarly: boolean
  timeoutEarlyInMillis: number
  timeoutEarlyResponse: () => unknown
  beforeMiddleware?: (name: string) => void
  afterMiddleware?: (name: string) => void
  beforeHandler: () => void
  afterHandler: () => void
  requestStart: (request: RequestLike) => void
  requestEnd: (request: RequestLike) => unknown
}

/** What the guard gives the request loop: its per-request record and how to time out. */
export interface DeadlineHooks {
  guardOf(request: RequestLike): RequestGuard | undefined
  /** Marks the timeout (log line, metric, aborted signal) and returns the error to throw. */
  timeOut(guard: RequestGuard, phase: TimeoutPhase): unknown
  /**
   * The handler of a request the guard watches has started: what its context's countdown
   * says (Middy subtracts `timeoutEarlyInMillis` from it for its timer), or `undefined` when
   * its deadline has no limit to count down to.
   */
  handlerStarted(guard: RequestGuard): number | undefined
  /** The guard's own `timeoutEarlyResponse`: for its requests the loop times out directly. */
  timeoutEarlyResponse: () => unknown
  /** What the guard's `timeoutEarlyResponse` answers for a request it stepped aside for. */
  steppedAsideTimeout: () => unknown
  /** Tells the guard whose timer fires while a `timeoutEarlyResponse` of yours runs. */
  firing(guard: RequestGuard | undefined): void
}

/**
 * The name Middy's `beforeMiddleware`/`afterMiddleware` hooks report for the deadline check
 * right before the handler, as if it were the last `before` middleware.
 */
const DEADLINE_CHECK = 'timeoutGuardBeforeHandler'

/**
 * The handler's third argument, `{ signal }`. Middy makes an `AbortController` for every
 * request; most handlers never read the signal, so it is made on first read (or at the
 * early timeout, already aborted). `signal` is an accessor of the class, not an own property:
 * destructure it or read `options.signal`; a spread of the options does not carry it.
 */
class HandlerOptions {
  #controller: AbortController | undefined
  #replaced: { signal: AbortSignal } | undefined

  get signal(): AbortSignal {
    if (this.#replaced !== undefined) return this.#replaced.signal
    this.#controller ??= new AbortController()
    return this.#controller.signal
  }

  /** A handler may put a signal of its own in its place, as on Middy's plain object. */
  set signal(signal: AbortSignal) {
    this.#replaced = { signal }
  }

  static abort(options: HandlerOptions): void {
    options.#controller ??= new AbortController()
    options.#controller.abort()
  }
}

type Outcome = RequestLike & { earlyResponse?: unknown; response: unknown }

/**
 * One invocation through Middy 7's request loop (`runRequest` of `@middy/core`) and, when
 * `whole`, its standard execution mode's `requestEnd` (`requestStart` is the caller's), step
 * for step: the same middleware order, early responses, plugin hooks, error `cause` and early
 * timeout. With the deadline of a request the guard watches (H5): a `before` or `after`
 * middleware's promise is raced against it, and a deadline already passed when the handler
 * is about to start answers the timeout instead.
 *
 * It costs less per request than Middy's: one `async` function for the whole invocation, the
 * handler's `AbortController` made only when its signal is read or aborted, and the handler
 * raced against the early timeout through one promise instead of a second one and
 * `Promise.race`.
 */
export async function runInvocation(
  request: RequestLike,
  befores: readonly Middleware[],
  lambdaHandler: LambdaHandler,
  afters: readonly Middleware[],
  onErrors: readonly Middleware[],
  plugin: MiddyPlugin,
  hooks: DeadlineHooks,
  whole: boolean,
): Promise<unknown> {
  const state = request as Outcome
  let failed = false
  let failure: unknown
  let response: unknown
  let timeoutID: ReturnType<typeof setMiddyTimeout> | undefined
  let getRemainingTimeInMillis: (() => number) | undefined
  const beforeMiddlewareHook = plugin.beforeMiddleware
  const afterMiddlewareHook = plugin.afterMiddleware
  // Only a request the guard watches gets deadline checks; any other runs as under Middy.
  const guard = hooks.guardOf(request)
  // The last `before` left the request's clock reading current (core's ENDS_AT_READING): it
  // ran none of your code, and no hook of yours runs between it and the check.
  const hooksRun = beforeMiddlewareHook !== undefined || afterMiddlewareHook !== undefined
  let atReading = false

  try {
    // Read before the first middleware, as Middy does (a `null` context fails here, as there):
    // the timer is armed from this function.
    const context = request.context as {
      getRemainingTimeInMillis?: () => number
      lambdaContext?: { getRemainingTimeInMillis?: () => number }
    }
    getRemainingTimeInMillis =
      context.getRemainingTimeInMillis || context.lambdaContext?.getRemainingTimeInMillis
    try {
      for (let i = 0, len = befores.length; i < len; i++) {
        const next = befores[i] as Middleware
        if (beforeMiddlewareHook) beforeMiddlewareHook(next.name)
        let res = next(request)
        atReading = false
        if (res instanceof Promise) {
          res = await withinDeadline(res, guard, hooks, 'before')
          if (guard !== undefined) guard.racing = undefined
        } else if (!hooksRun) {
          atReading = (next as { [ENDS_AT_READING]?: boolean })[ENDS_AT_READING] === true
        }
        if (afterMiddlewareHook) afterMiddlewareHook(next.name)
        if (typeof res !== 'undefined') state.earlyResponse = res
        if ('earlyResponse' in state) {
          state.response = state.earlyResponse
          break
        }
      }

      if (!('earlyResponse' in state)) {
        if (guard !== undefined) {
          if (beforeMiddlewareHook) beforeMiddlewareHook(DEADLINE_CHECK)
          checkDeadline(guard, hooks, atReading ? guard.reading : undefined)
          if (afterMiddlewareHook) afterMiddlewareHook(DEADLINE_CHECK)
        }
        plugin.beforeHandler()
        const options = new HandlerOptions()
        const handlerResult = lambdaHandler(request.event, request.context, options)
        if (handlerResult instanceof Promise) {
          // The guard's own request: the loop knows whose timer it arms, so the guard needs no
          // countdown in the context that Middy's loop would arm it from.
          const remaining = !plugin.timeoutEarly
            ? undefined
            : guard === undefined
              ? getRemainingTimeInMillis?.()
              : hooks.handlerStarted(guard)
          if (remaining !== undefined) {
            const delay = remaining - plugin.timeoutEarlyInMillis
            state.response = await new Promise((resolve, reject) => {
              timeoutID = setMiddyTimeout(
                function middyTimeoutEarly() {
                  HandlerOptions.abort(options)
                  try {
                    resolve(earlyResponse(plugin, hooks, guard))
                  } catch (error) {
                    reject(error)
                  }
                },
                Math.max(0, delay),
              )
              handlerResult.then(resolve, reject)
            })
          } else {
            state.response = await handlerResult
          }
        } else {
          state.response = handlerResult
        }

        if (timeoutID) clearTimeout(timeoutID)

        plugin.afterHandler()
        for (let i = 0, len = afters.length; i < len; i++) {
          const next = afters[i] as Middleware
          if (beforeMiddlewareHook) beforeMiddlewareHook(next.name)
          let res = next(request)
          if (res instanceof Promise) {
            res = await withinDeadline(res, guard, hooks, 'after')
            if (guard !== undefined) guard.racing = undefined
          }
          if (afterMiddlewareHook) afterMiddlewareHook(next.name)
          if (typeof res !== 'undefined') state.earlyResponse = res
          if ('earlyResponse' in state) {
            state.response = state.earlyResponse
            break
          }
        }
      }
    } catch (err) {
      if (timeoutID) clearTimeout(timeoutID)
      // A middleware raced against the deadline failed on its own: no race is left to time out.
      if (guard !== undefined) guard.racing = undefined

      state.response = undefined
      delete state.earlyResponse
      request.error = err
      try {
        for (let i = 0, len = onErrors.length; i < len; i++) {
          const next = onErrors[i] as Middleware
          if (beforeMiddlewareHook) beforeMiddlewareHook(next.name)
          let res = next(request)
          if (res instanceof Promise) res = await res
          if (afterMiddlewareHook) afterMiddlewareHook(next.name)
          if (typeof res !== 'undefined') state.earlyResponse = res
          if ('earlyResponse' in state) {
            state.response = state.earlyResponse
            break
          }
        }
      } catch (unhandled) {
        // As Middy: the original error becomes the cause of a different one an onError threw.
        if (unhandled !== request.error && typeof unhandled === 'object' && unhandled !== null) {
          const carrier = unhandled as { originalError?: unknown; cause?: unknown }
          carrier.originalError = request.error
          carrier.cause ??= request.error
        }
        request.error = unhandled
        throw request.error
      }
      if (typeof state.response === 'undefined') throw request.error
    }
    response = state.response
    // Middy's standard mode awaits what its request loop resolved to: a thenable response
    // settles before `requestEnd`, and its rejection is the invocation's failure.
    if (whole) {
      // Read once, as the promise machinery reads it; a function may be a thenable too.
      const then = thenOf(response)
      if (then !== undefined) {
        const thenable = response
        response = await new Promise((resolve, reject) => {
          then.call(thenable, resolve, reject)
        })
      }
    }
  } catch (error) {
    failed = true
    failure = error
  }

  if (whole) {
    // Middy's standard mode: a throw from `requestEnd` must not replace the handler's error;
    // it becomes its `cause` (an object's only), or is thrown when nothing else failed.
    try {
      const ended = plugin.requestEnd(request)
      if (ended instanceof Promise) await ended
    } catch (hookError) {
      if (!failed) throw hookError
      if (typeof failure === 'object' && failure !== null) {
        ;(failure as { cause?: unknown }).cause ??= hookError
      }
    }
  }
  if (failed) throw failure
  return whole ? response : state.response
}

function thenOf(value: unknown): ((...args: unknown[]) => unknown) | undefined {
  if ((typeof value !== 'object' || value === null) && typeof value !== 'function') return undefined
  const then: unknown = (value as { then?: unknown }).then
  return typeof then === 'function' ? (then as (...args: unknown[]) => unknown) : undefined
}

/** What the early timeout answers: the guard's timeout for its own request, Middy's hook otherwise. */
function earlyResponse(
  plugin: MiddyPlugin,
  hooks: DeadlineHooks,
  guard: RequestGuard | undefined,
): unknown {
  // A hook other than the guard's (your own, over the plugin's) answers as it would under Middy;
  // should it call the guard's, the guard knows whose timer this is.
  if (plugin.timeoutEarlyResponse !== hooks.timeoutEarlyResponse) {
    if (guard === undefined) return plugin.timeoutEarlyResponse()
    hooks.firing(guard)
    try {
      return plugin.timeoutEarlyResponse()
    } finally {
      hooks.firing(undefined)
    }
  }
  if (guard === undefined) return hooks.steppedAsideTimeout()
  throw guard.timedOut ? guard.error : hooks.timeOut(guard, 'handler')
}

/**
 * The deadline check right before the handler: at the reading the last `before` decided on
 * when nothing but gateproof's code ran since, else one clock read.
 */
function checkDeadline(
  guard: RequestGuard,
  hooks: DeadlineHooks,
  reading: number | undefined,
): void {
  if (!guard.timedOut && (reading ?? Date.now()) >= guard.deadline.at) {
    throw hooks.timeOut(guard, 'before')
  }
}

/** A `before`/`after` middleware's promise, raced against the request's deadline (H5). */
function withinDeadline(
  result: Promise<unknown>,
  guard: RequestGuard | undefined,
  hooks: DeadlineHooks,
  phase: TimeoutPhase,
): Promise<unknown> {
  if (guard === undefined || guard.timedOut) return result
  guard.racing = phase
  return Promise.race([result, deadlineOf(hooks, guard)])
}

/** A promise that rejects with the timeout error at the deadline; one timer per request. */
function deadlineOf(hooks: DeadlineHooks, guard: RequestGuard): Promise<never> {
  if (guard.deadlineReached !== undefined) return guard.deadlineReached
  const reached = new Promise<never>((_resolve, reject) => {
    const delay = Math.max(0, guard.deadline.at - Date.now())
    if (!Number.isFinite(delay)) return
    guard.deadlineTimer = setTimeout(function deadlineReached() {
      guard.deadlineTimer = undefined
      // No middleware is being raced now (the handler runs; its own timer decides): nothing to
      // time out here, and the next race arms a timer of its own.
      if (guard.racing === undefined) {
        guard.deadlineReached = undefined
        return
      }
      reject(hooks.timeOut(guard, guard.racing))
    }, delay)
  })
  // Raced only while a middleware is awaited; once nobody waits, its rejection is nobody's.
  reached.catch(() => {})
  guard.deadlineReached = reached
  return reached
}

/** Clears the deadline timer of a request that ended (every path goes through requestEnd). */
export function releaseDeadline(guard: RequestGuard): void {
  if (guard.deadlineTimer === undefined) return
  clearTimeout(guard.deadlineTimer)
  guard.deadlineTimer = undefined
}
