// Middy arms its early timeout with `node:timers`' `setTimeout` (fake timers in tests replace
// it only when asked to) and clears it with the global `clearTimeout`; the deadline of
// middlewares uses the global ones.
import { setTimeout as setMiddyTimeout } from 'node:timers'
import { ENDS_AT_READING, type RequestLike } from '@gateproof/core'
import { timerDelay } from './context-view.js'
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
 * It costs less per request than Middy's: the handler's `AbortController` made only when its
 * signal is read or aborted, and the handler raced against the early timeout through one
 * promise instead of a second one and `Promise.race`. In Middy's standard mode, the usual
 * request (synchronous middlewares, an `async` handler that answers before its timer) runs
 * without an `async` function at all: the promise the invocation returns is the race itself,
 * settled once the handler has answered and the `after` middlewares and `requestEnd` have
 * run: a microtask earlier, and ~10 % of the preset's CPU time per request less than an
 * `async` function awaiting the race. Whatever else happens (a promise from a middleware, an
 * early response, a throw, a thenable answer, the timer) is handed to `runRequestLoop` at
 * that point, which goes on as if it had run the invocation from the start.
 */
export function runInvocation(
  request: RequestLike,
  befores: readonly Middleware[],
  lambdaHandler: LambdaHandler,
  afters: readonly Middleware[],
  onErrors: readonly Middleware[],
  plugin: MiddyPlugin,
  hooks: DeadlineHooks,
  whole: boolean,
): Promise<unknown> {
  const loop = (resume: Resume): Promise<unknown> =>
    runRequestLoop(resume, request, befores, lambdaHandler, afters, onErrors, plugin, hooks, whole)
  // Middy's hooks around each middleware, or another mode's loop: the loop from the start.
  if (!whole || plugin.beforeMiddleware !== undefined || plugin.afterMiddleware !== undefined) {
    return loop(START)
  }
  const state = request as Outcome
  const guard = hooks.guardOf(request)
  let countdown: Countdown
  try {
    countdown = countdownOf(request)
  } catch (error) {
    return loop({ at: 'failed', error })
  }

  let atReading = false
  let options: HandlerOptions
  let handlerResult: unknown
  let isPromise: boolean
  try {
    for (let i = 0, len = befores.length; i < len; i++) {
      const next = befores[i] as Middleware
      const result = next(request)
      if (result !== undefined || 'earlyResponse' in state) {
        return loop({ at: 'before', countdown, index: i, result })
      }
      atReading = (next as { [ENDS_AT_READING]?: boolean })[ENDS_AT_READING] === true
    }
    if (guard !== undefined) checkDeadline(guard, hooks, atReading ? guard.reading : undefined)
    plugin.beforeHandler()
    options = new HandlerOptions()
    handlerResult = lambdaHandler(request.event, request.context, options)
    // Asked once: `instanceof` runs a Proxy's `getPrototypeOf` trap, which may throw.
    isPromise = handlerResult instanceof Promise
  } catch (error) {
    return loop({ at: 'error', error })
  }
  if (!isPromise || !plugin.timeoutEarly) {
    return loop({ at: 'handler', countdown, options, result: handlerResult, isPromise })
  }
  let remaining: number | undefined
  try {
    remaining = guard === undefined ? countdown?.() : hooks.handlerStarted(guard)
  } catch (error) {
    return loop({ at: 'error', error })
  }
  const handlerPromise = handlerResult as Promise<unknown>
  if (remaining === undefined)
    return loop({ at: 'race', race: handlerPromise, timeoutID: undefined })
  const delay = remaining - plugin.timeoutEarlyInMillis

  /** The rest of the invocation once the handler answered `value` (the timer is cleared). */
  const answered = (value: unknown): unknown => {
    // The race's promise read `then` of what it was resolved with, once, and adopted a thenable.
    let then: ((...args: unknown[]) => unknown) | undefined
    try {
      then = thenOf(value)
    } catch (error) {
      return loop({ at: 'race', race: Promise.reject(error), timeoutID: undefined })
    }
    if (then !== undefined) {
      return loop({ at: 'race', race: adopted(value, then), timeoutID: undefined })
    }
    state.response = value
    try {
      plugin.afterHandler()
      for (let i = 0, len = afters.length; i < len; i++) {
        const result = (afters[i] as Middleware)(request)
        if (result !== undefined || 'earlyResponse' in state) {
          return loop({ at: 'after', index: i, result })
        }
      }
    } catch (error) {
      return loop({ at: 'error', error })
    }
    const response = state.response
    let responseThen: ((...args: unknown[]) => unknown) | undefined
    try {
      responseThen = thenOf(response)
    } catch (error) {
      return loop({ at: 'failed', error })
    }
    if (responseThen !== undefined) return loop({ at: 'thenable', thenOfResponse: responseThen })
    try {
      const ended = plugin.requestEnd(request)
      return ended instanceof Promise ? ended.then(() => response) : response
    } catch (hookError) {
      return Promise.reject(hookError)
    }
  }

  return new Promise((resolve) => {
    // Settled by whichever comes first, as the race's promise was; the other is ignored.
    let settled = false
    let timeoutID: Timer
    try {
      timeoutID = setMiddyTimeout(
        function middyTimeoutEarly() {
          settled = true
          HandlerOptions.abort(options)
          // What the race's promise settled to, a microtask later, as before.
          const race = new Promise((settle) => settle(earlyResponse(plugin, hooks, guard)))
          resolve(loop({ at: 'race', race, timeoutID }))
        },
        Math.max(0, delay),
      )
    } catch (error) {
      resolve(loop({ at: 'race', race: Promise.reject(error), timeoutID: undefined }))
      return
    }
    try {
      handlerPromise.then(
        (value) => {
          if (settled) return
          settled = true
          clearTimeout(timeoutID)
          resolve(answered(value))
        },
        (error) => {
          if (settled) return
          settled = true
          resolve(loop({ at: 'race', race: Promise.reject(error), timeoutID }))
        },
      )
    } catch (error) {
      // The handler's promise is of a class whose `then` threw: so did the race's promise.
      settled = true
      resolve(loop({ at: 'race', race: Promise.reject(error), timeoutID }))
    }
  })
}

/** A thenable's `then` (read once), called a microtask later as the promise machinery calls it. */
function adopted(thenable: unknown, then: (...args: unknown[]) => unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    queueMicrotask(() => {
      try {
        then.call(thenable, resolve, reject)
      } catch (error) {
        reject(error)
      }
    })
  })
}

/** The context's countdown Middy arms its timer from (a `null` context throws here, as there). */
function countdownOf(request: RequestLike): Countdown {
  const context = request.context as {
    getRemainingTimeInMillis?: () => number
    lambdaContext?: { getRemainingTimeInMillis?: () => number }
  }
  return context.getRemainingTimeInMillis || context.lambdaContext?.getRemainingTimeInMillis
}

type Timer = ReturnType<typeof setMiddyTimeout>
type Countdown = (() => number) | undefined

/**
 * Where `runRequestLoop` takes over an invocation `runInvocation` started, with what the start
 * already read or got, so that nothing is read, called or armed twice.
 */
type Resume =
  | { readonly at: 'start' }
  /** Reading the context failed: the invocation fails (no `onError`); `requestEnd` runs. */
  | { readonly at: 'failed'; readonly error: unknown }
  /** A middleware, a hook or the handler threw: the `onError` chain. */
  | { readonly at: 'error'; readonly error: unknown }
  /** `befores[index]` ran and returned `result`. */
  | {
      readonly at: 'before'
      readonly countdown: Countdown
      readonly index: number
      readonly result: unknown
    }
  /** The handler ran and returned `result` (a `Promise` or not); nothing was armed. */
  | {
      readonly at: 'handler'
      readonly countdown: Countdown
      readonly options: HandlerOptions
      readonly result: unknown
      readonly isPromise: boolean
    }
  /** The handler's answer is what `race` settles to; `timeoutID` is its timer, if any. */
  | { readonly at: 'race'; readonly race: Promise<unknown>; readonly timeoutID: Timer | undefined }
  /** `afterHandler` and `afters[0…index]` ran; `afters[index]` returned `result`. */
  | { readonly at: 'after'; readonly index: number; readonly result: unknown }
  /** The answer (`request.response`) is a thenable, its `then` read once. */
  | { readonly at: 'thenable'; readonly thenOfResponse: (...args: unknown[]) => unknown }

const START: Resume = { at: 'start' }

/** The request loop, from the start or from where `runInvocation` handed it over. */
async function runRequestLoop(
  resume: Resume,
  ...invocation: Parameters<typeof runInvocation>
): Promise<unknown> {
  const [request, befores, lambdaHandler, afters, onErrors, plugin, hooks, whole] = invocation
  const state = request as Outcome
  let failed = false
  let failure: unknown
  let response: unknown
  let timeoutID = resume.at === 'race' ? resume.timeoutID : undefined
  let getRemainingTimeInMillis =
    resume.at === 'before' || resume.at === 'handler' ? resume.countdown : undefined
  const beforeMiddlewareHook = plugin.beforeMiddleware
  const afterMiddlewareHook = plugin.afterMiddleware
  // Only a request the guard watches gets deadline checks; any other runs as under Middy.
  const guard = hooks.guardOf(request)
  // The last `before` left the request's clock reading current (core's ENDS_AT_READING): it
  // ran none of your code, and no hook of yours runs between it and the check.
  const hooksRun = beforeMiddlewareHook !== undefined || afterMiddlewareHook !== undefined
  let atReading = false

  try {
    if (resume.at === 'failed') throw resume.error
    if (resume.at === 'start') {
      // Read before the first middleware, as Middy does (a `null` context fails here, as
      // there): the timer is armed from this function.
      getRemainingTimeInMillis = countdownOf(request)
    }
    try {
      if (resume.at === 'error') throw resume.error
      const fromBefore = resume.at === 'start' || resume.at === 'before'
      for (
        let i = resume.at === 'before' ? resume.index : 0, len = fromBefore ? befores.length : 0;
        i < len;
        i++
      ) {
        const next = befores[i] as Middleware
        // The start ran this one already (it runs only without Middy's hooks).
        const ran = resume.at === 'before' && i === resume.index
        if (beforeMiddlewareHook) beforeMiddlewareHook(next.name)
        let res = ran ? resume.result : next(request)
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

      if (resume.at === 'after' || (resume.at !== 'thenable' && !('earlyResponse' in state))) {
        if (resume.at === 'race') {
          state.response = await resume.race
        } else if (resume.at !== 'after') {
          let options: HandlerOptions
          let handlerResult: unknown
          let isPromise: boolean
          if (resume.at === 'handler') {
            options = resume.options
            handlerResult = resume.result
            isPromise = resume.isPromise
          } else {
            if (guard !== undefined) {
              if (beforeMiddlewareHook) beforeMiddlewareHook(DEADLINE_CHECK)
              checkDeadline(guard, hooks, atReading ? guard.reading : undefined)
              if (afterMiddlewareHook) afterMiddlewareHook(DEADLINE_CHECK)
            }
            plugin.beforeHandler()
            options = new HandlerOptions()
            handlerResult = lambdaHandler(request.event, request.context, options)
            isPromise = handlerResult instanceof Promise
          }
          if (isPromise) {
            const handlerPromise = handlerResult as Promise<unknown>
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
                handlerPromise.then(resolve, reject)
              })
            } else {
              state.response = await handlerPromise
            }
          } else {
            state.response = handlerResult
          }
        }
        if (resume.at !== 'after') {
          if (timeoutID) clearTimeout(timeoutID)
          plugin.afterHandler()
        }
        for (let i = resume.at === 'after' ? resume.index : 0, len = afters.length; i < len; i++) {
          const next = afters[i] as Middleware
          const ran = resume.at === 'after' && i === resume.index
          if (beforeMiddlewareHook) beforeMiddlewareHook(next.name)
          let res = ran ? resume.result : next(request)
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
      const then = resume.at === 'thenable' ? resume.thenOfResponse : thenOf(response)
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
    const delay = guard.deadline.at - Date.now()
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
    }, timerDelay(delay))
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
