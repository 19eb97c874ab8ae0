import type { MiddyExecutionMode, RequestLike } from '@gateproof/core'
import { executionModeStandard } from '@middy/core/executionModeStandard'
import {
  type DeadlineHooks,
  type LambdaHandler,
  type Middleware,
  type MiddyPlugin,
  runInvocation,
} from './run-request.js'

export type { DeadlineHooks } from './run-request.js'
export { releaseDeadline } from './run-request.js'

// Middy calls an execution mode with its internals; it types them loosely (`() => void`).
type RunRequest = (
  request: RequestLike,
  befores: Middleware[],
  handler: LambdaHandler,
  afters: Middleware[],
  onErrors: Middleware[],
  plugin: MiddyPlugin,
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
  plugin: MiddyPlugin,
) => unknown

/**
 * H5: Middy races only the handler against its early timeout; a slow `before` (an auth
 * call) or `after` middleware runs past the gateway's limit and the client gets the
 * gateway's 504. This execution mode runs each request so the deadline covers the whole
 * invocation (see `runInvocation`):
 *
 * - every `before` and `after` middleware that returns a promise is raced against the
 *   deadline; at the deadline the request leaves through `onError` with the timeout error;
 * - right before the handler starts, a deadline already passed (a synchronous `before`
 *   that blocked) answers the timeout instead of running the handler (Middy's
 *   `beforeMiddleware` hook reports the check as `timeoutGuardBeforeHandler`).
 *
 * In place of Middy's standard mode it runs the whole invocation itself; another mode
 * (a streaming one) is wrapped, and its requests run through the same loop. Synchronous
 * middlewares and requests the guard stepped aside for pay nothing for the deadline; its
 * timer exists only while an asynchronous middleware is awaited and is cleared when the
 * request ends.
 */
export function deadlineExecutionMode(
  hooks: DeadlineHooks,
  base: MiddyExecutionMode = executionModeStandard as unknown as MiddyExecutionMode,
): MiddyExecutionMode {
  if (base === (executionModeStandard as unknown)) return standardMode(hooks)
  const mode: ModeFunction = function gateproofDeadlineMode(
    internals,
    befores,
    handler,
    afters,
    onErrors,
    plugin,
  ) {
    const runWithinDeadline: RunRequest = function runRequestWithinDeadline(
      request,
      requestBefores,
      requestHandler,
      requestAfters,
      requestOnErrors,
      requestPlugin,
    ) {
      return runInvocation(
        request,
        requestBefores,
        requestHandler,
        requestAfters,
        requestOnErrors,
        requestPlugin,
        hooks,
        false,
      )
    }
    return (base as unknown as ModeFunction)(
      { ...internals, runRequest: runWithinDeadline },
      befores,
      handler,
      afters,
      onErrors,
      plugin,
    )
  }
  return mode as unknown as MiddyExecutionMode
}

/** Middy's standard execution mode (`executionModeStandard`), each invocation one `runInvocation`. */
function standardMode(hooks: DeadlineHooks): MiddyExecutionMode {
  const mode: ModeFunction = function gateproofStandardMode(
    { middyRequest },
    befores,
    lambdaHandler,
    afters,
    onErrors,
    plugin,
  ) {
    const middy = function middy(event: unknown, context: unknown): Promise<unknown> {
      const request = middyRequest(event, context)
      try {
        plugin.requestStart(request)
      } catch (error) {
        // Middy's handler is an `async` function: a throw here is its rejection.
        return Promise.reject(error)
      }
      return runInvocation(request, befores, lambdaHandler, afters, onErrors, plugin, hooks, true)
    }
    middy.handler = (replaceLambdaHandler: LambdaHandler) => {
      lambdaHandler = replaceLambdaHandler
      return middy
    }
    return middy
  }
  return mode as unknown as MiddyExecutionMode
}
