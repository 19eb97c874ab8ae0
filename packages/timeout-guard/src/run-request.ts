import type { RequestLike } from '@gateproof/core'

type Middleware = ((request: RequestLike) => unknown) & { readonly name: string }
type LambdaHandler = (event: unknown, context: unknown, options: HandlerOptions) => unknown

/** The part of Middy's plugin object its request loop reads (Middy fills the defaults). */
export interface MiddyPlugin {
  timeoutEarly: boolean
  timeoutEarlyInMillis: number
  timeoutEarlyResponse: () => unknown
  beforeMiddleware?: (name: string) => void
  afterMiddleware?: (name: string) => void
  beforeHandler: () => void
  afterHandler: () => void
}

/**
 * The handler's third argument, `{ signal }`. Middy makes an `AbortController` for every
 * request; most handlers never read the signal, so it is made on first read (or at the
 * early timeout, already aborted).
 */
class HandlerOptions {
  #controller: AbortController | undefined

  get signal(): AbortSignal {
    this.#controller ??= new AbortController()
    return this.#controller.signal
  }

  abort(): void {
    this.#controller ??= new AbortController()
    this.#controller.abort()
  }
}

/**
 * Middy 7's request loop (`runRequest` of `@middy/core`, which an execution mode is given),
 * step for step: the same middleware order, early responses, plugin hooks, error `cause`
 * and early timeout. Two things cost less per request: the handler's `AbortController` is
 * made only when its signal is read or aborted, and the handler is raced against the early
 * timeout through one promise instead of a second promise and `Promise.race`.
 */
export async function runMiddyRequest(
  request: RequestLike,
  befores: readonly Middleware[],
  lambdaHandler: LambdaHandler,
  afters: readonly Middleware[],
  onErrors: readonly Middleware[],
  plugin: MiddyPlugin,
): Promise<unknown> {
  let timeoutID: ReturnType<typeof setTimeout> | undefined
  const context = request.context as
    | {
        getRemainingTimeInMillis?: () => number
        lambdaContext?: { getRemainingTimeInMillis?: () => number }
      }
    | undefined
  // Read before the first middleware, as Middy does: the timer is armed from this function.
  const getRemainingTimeInMillis =
    context?.getRemainingTimeInMillis || context?.lambdaContext?.getRemainingTimeInMillis
  const timeoutEarly = plugin.timeoutEarly && getRemainingTimeInMillis
  const beforeMiddlewareHook = plugin.beforeMiddleware
  const afterMiddlewareHook = plugin.afterMiddleware
  const state = request as RequestLike & { earlyResponse?: unknown; response: unknown }

  try {
    for (let i = 0, len = befores.length; i < len; i++) {
      const next = befores[i] as Middleware
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

    if (!('earlyResponse' in state)) {
      plugin.beforeHandler()
      const options = new HandlerOptions()
      const handlerResult = lambdaHandler(request.event, request.context, options)
      if (handlerResult instanceof Promise) {
        if (timeoutEarly) {
          state.response = await new Promise((resolve, reject) => {
            timeoutID = setTimeout(
              function middyTimeoutEarly() {
                options.abort()
                try {
                  resolve(plugin.timeoutEarlyResponse())
                } catch (error) {
                  reject(error)
                }
              },
              Math.max(0, getRemainingTimeInMillis() - plugin.timeoutEarlyInMillis),
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
        if (res instanceof Promise) res = await res
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

  return state.response
}
