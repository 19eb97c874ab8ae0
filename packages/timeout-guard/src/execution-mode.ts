import type { MiddyExecutionMode, RequestLike } from '@gateproof/core'
import { executionModeStandard } from '@middy/core/executionModeStandard'
import type { RequestGuard, TimeoutPhase } from './request-guard.js'
import { type MiddyPlugin, runMiddyRequest } from './run-request.js'

// Middy calls an execution mode with its internals; it types them loosely (`() => void`).
type Middleware = (request: RequestLike) => unknown
type LambdaHandler = (event: unknown, context: unknown, options: { signal: AbortSignal }) => unknown
type RunRequest = (
  request: RequestLike,
  befores: Middleware[],
  handler: LambdaHandler,
  afters: Middleware[],
  onErrors: Middleware[],
  plugin: unknown,
) => Promise<unknown>
interface Internals {
  middyRequest: (event: unknown, context: unknown) => RequestLike
  runRequest: RunRequest
}
type ModeFunction = (
  internals: Internals,
  befores: Middleware[],
  handler: LambdaHandler,
  afters: Middleware[],
  onErrors: Middleware[],
  plugin: unknown,
) => unknown

/** What the guard gives the execution mode: its per-request record and how to time out. */
export interface DeadlineHooks {
  guardOf(request: RequestLike): RequestGuard | undefined
  /** Marks the timeout (log line, metric, aborted signal) and returns the error to throw. */
  timeOut(guard: RequestGuard, phase: TimeoutPhase): unknown
}

/**
 * H5: Middy races only the handler against its early timeout; a slow `before` (an auth
 * call) or `after` middleware runs past the gateway's limit and the client gets the
 * gateway's 504. This execution mode wraps another (Middy's standard one by default, or a
 * streaming one) so the deadline covers the whole invocation:
 *
 * - every `before` and `after` middleware that returns a promise is raced against the
 *   deadline; at the deadline the request leaves through `onError` with the timeout error;
 * - right before the handler starts, a deadline already passed (a synchronous `before`
 *   that blocked) answers the timeout instead of running the handler (an extra last
 *   `before`; Middy's `beforeMiddleware` hook reports it as `timeoutGuardBeforeHandler`).
 *
 * Synchronous middlewares and requests the guard stepped aside for cost one property
 * read each; the deadline timer exists only while an asynchronous middleware is awaited
 * and is cleared when the request ends.
 */
export function deadlineExecutionMode(
  hooks: DeadlineHooks,
  base: MiddyExecutionMode = executionModeStandard as unknown as MiddyExecutionMode,
): MiddyExecutionMode {
  const wrapBefore = wrapperOf(hooks, 'before')
  const wrapAfter = wrapperOf(hooks, 'after')
  const mode: ModeFunction = function gateproofDeadlineMode(
    internals,
    befores,
    handler,
    afters,
    onErrors,
    plugin,
  ) {
    const beforeCache = new WrappedList(wrapBefore, deadlineCheck(hooks))
    const afterCache = new WrappedList(wrapAfter)
    const runGuarded: RunRequest = function runRequestWithinDeadline(
      request,
      requestBefores,
      requestHandler,
      requestAfters,
      requestOnErrors,
      requestPlugin,
    ) {
      // Only a request the guard watches gets the deadline-checking wrappers; any other runs its
      // middlewares exactly as Middy would.
      const guarded = hooks.guardOf(request) !== undefined
      return runMiddyRequest(
        request,
        guarded ? beforeCache.of(requestBefores) : requestBefores,
        requestHandler,
        guarded ? afterCache.of(requestAfters) : requestAfters,
        requestOnErrors,
        requestPlugin as MiddyPlugin,
      )
    }
    return (base as unknown as ModeFunction)(
      { ...internals, runRequest: runGuarded },
      befores,
      handler,
      afters,
      onErrors,
      plugin,
    )
  }
  return mode as unknown as MiddyExecutionMode
}

/**
 * The wrapped copy of one of Middy's middleware lists, rebuilt only when `.use()` added to
 * it (Middy's lists only grow), so a request allocates nothing.
 */
class WrappedList {
  #source: Middleware[] | undefined
  #length = -1
  #wrapped: Middleware[] = []
  constructor(
    readonly wrap: (middleware: Middleware) => Middleware,
    readonly last?: Middleware,
  ) {}

  of(list: Middleware[]): Middleware[] {
    if (list !== this.#source || list.length !== this.#length) {
      this.#source = list
      this.#length = list.length
      this.#wrapped = list.map(this.wrap)
      if (this.last !== undefined) this.#wrapped.push(this.last)
    }
    return this.#wrapped
  }
}

/**
 * The last `before`, right before the handler: a deadline that passed while synchronous
 * middlewares ran answers the timeout instead of starting the handler (one clock read).
 */
function deadlineCheck(hooks: DeadlineHooks): Middleware {
  return function timeoutGuardBeforeHandler(request) {
    const guard = hooks.guardOf(request)
    if (guard !== undefined && !guard.timedOut && Date.now() >= guard.deadline.at) {
      throw hooks.timeOut(guard, 'before')
    }
    return undefined
  }
}

function wrapperOf(hooks: DeadlineHooks, phase: TimeoutPhase) {
  return function wrap(middleware: Middleware): Middleware {
    const guarded = function guardedMiddleware(request: RequestLike): unknown {
      const result = middleware(request)
      if (!(result instanceof Promise)) return result
      const guard = hooks.guardOf(request)
      if (guard === undefined || guard.timedOut) return result
      guard.racing = phase
      return Promise.race([result, deadlineOf(hooks, guard)])
    }
    // Middy's beforeMiddleware/afterMiddleware hooks report middlewares by name.
    Object.defineProperty(guarded, 'name', { value: middleware.name })
    return guarded
  }
}

/** A promise that rejects with the timeout error at the deadline; one timer per request. */
function deadlineOf(hooks: DeadlineHooks, guard: RequestGuard): Promise<never> {
  if (guard.deadlineReached !== undefined) return guard.deadlineReached
  const reached = new Promise<never>((_resolve, reject) => {
    const delay = Math.max(0, guard.deadline.at - Date.now())
    if (!Number.isFinite(delay)) return
    guard.deadlineTimer = setTimeout(function deadlineReached() {
      guard.deadlineTimer = undefined
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
