import { GateproofOptionsError } from './options.js'
import type { RequestLike } from './request-state.js'

/**
 * The Middy plugin hooks a gateproof middleware needs besides `before`/`after`/
 * `onError`: `requestStart` and `requestEnd` run on every path, including an early
 * response from another middleware, which is the only leak-proof place to arm and
 * release per-request resources; the early-timeout pair is how Middy preempts a handler.
 */
export interface PluginHooks {
  requestStart?: (request: RequestLike) => void
  requestEnd?: (request: RequestLike) => void | Promise<void>
  timeoutEarlyInMillis?: number
  timeoutEarlyResponse?: () => unknown
  /** Middy's `executionMode` (e.g. core's `streamingExecutionMode()`); at most one part sets it. */
  executionMode?: () => void
}

/** A middleware that needs plugin hooks carries them here. */
export interface WithPlugin {
  readonly plugin?: PluginHooks
}

/**
 * Combines the plugin hooks of several gateproof middlewares into the one plugin
 * object `middy(handler, plugin)` takes:
 *
 *     middy(handler, gateproofPlugin(guard, shedder)).use(guard).use(shedder)
 *
 * `requestStart` hooks run in the order given, `requestEnd` hooks in reverse; every
 * `requestEnd` runs even when one throws (the first error is rethrown after).
 */
export function gateproofPlugin(
  ...parts: Array<WithPlugin | PluginHooks | false | null | undefined>
): PluginHooks {
  const hooks = parts
    .filter((part): part is WithPlugin | PluginHooks => Boolean(part))
    .map((part) => ('plugin' in part ? part.plugin : (part as PluginHooks)))
    .filter((hook): hook is PluginHooks => hook !== undefined)

  const starts = hooks.flatMap((hook) => (hook.requestStart ? [hook.requestStart] : []))
  const ends = hooks.flatMap((hook) => (hook.requestEnd ? [hook.requestEnd] : [])).reverse()
  const timeouts = hooks.filter((hook) => hook.timeoutEarlyInMillis !== undefined)
  if (timeouts.length > 1) {
    throw new GateproofOptionsError(
      '@gateproof/core',
      'only one part may set Middy early-timeout hooks (use one timeout guard per handler)',
    )
  }

  // One place decides how Middy runs the handler (buffered or streaming): two would silently race.
  const modes = hooks.filter((hook) => hook.executionMode !== undefined)
  if (modes.length > 1) {
    throw new GateproofOptionsError(
      '@gateproof/core',
      'only one part may set Middy’s executionMode (streaming is chosen in one place): with the timeout guard, pass the mode to its executionMode option, which wraps it so the deadline covers every middleware',
    )
  }

  const plugin: PluginHooks = {}
  if (modes[0]) plugin.executionMode = modes[0].executionMode
  if (starts.length > 0) plugin.requestStart = runRequestStarts(starts)
  if (ends.length > 0) plugin.requestEnd = runRequestEnds(ends)
  const timeout = timeouts[0]
  if (timeout) {
    plugin.timeoutEarlyInMillis = timeout.timeoutEarlyInMillis
    if (timeout.timeoutEarlyResponse) plugin.timeoutEarlyResponse = timeout.timeoutEarlyResponse
  }
  return plugin
}

type RequestStart = NonNullable<PluginHooks['requestStart']>
type RequestEnd = NonNullable<PluginHooks['requestEnd']>

/**
 * Hooks this many or fewer get a call site each: V8 inlines a call site that always calls
 * the same function, while a loop's one site, calling every hook in turn, inlines none of
 * them and pays a full call for each (the preset's three hooks: ~500 instructions a request).
 */
const UNROLLED = 4

/** `requestStart` hooks in order; a throw stops the rest, as it stops Middy. */
function runRequestStarts(starts: readonly RequestStart[]): RequestStart {
  if (starts.length > UNROLLED) {
    return function gateproofRequestStart(request) {
      for (const start of starts) start(request)
    }
  }
  const [first, second, third, fourth] = starts as [
    RequestStart,
    RequestStart | undefined,
    RequestStart | undefined,
    RequestStart | undefined,
  ]
  return function gateproofRequestStart(request) {
    first(request)
    if (second === undefined) return
    second(request)
    if (third === undefined) return
    third(request)
    if (fourth !== undefined) fourth(request)
  }
}

/**
 * `requestEnd` hooks in order, each awaited, all run even when one throws; the first
 * error is rethrown after.
 *
 * Synchronous until a hook returns a promise: Middy awaits `requestEnd` only when it
 * returns one, and an `async` wrapper would cost every request a promise and several
 * microtask turns although gateproof's own hooks finish synchronously on the success path.
 * A failure still comes back as a rejected promise, as from an `async` function.
 */
function runRequestEnds(ends: readonly RequestEnd[]): RequestEnd {
  if (ends.length <= UNROLLED) return runFewRequestEnds(ends)
  return function gateproofRequestEnd(request) {
    let failure: { error: unknown } | undefined
    for (let index = 0; index < ends.length; index++) {
      let result: unknown
      try {
        result = (ends[index] as RequestEnd)(request)
      } catch (error) {
        failure ??= { error }
        continue
      }
      if (isThenable(result)) return finishAsync(ends, index, result, request, failure)
    }
    return failure === undefined ? undefined : Promise.reject(failure.error)
  }
}

/** `runRequestEnds` with a call site for each hook (see `UNROLLED`). */
function runFewRequestEnds(ends: readonly RequestEnd[]): RequestEnd {
  const [first, second, third, fourth] = ends as [
    RequestEnd,
    RequestEnd | undefined,
    RequestEnd | undefined,
    RequestEnd | undefined,
  ]
  return function gateproofRequestEnd(request) {
    let failure: { error: unknown } | undefined
    let result: unknown
    try {
      result = first(request)
    } catch (error) {
      failure = { error }
      result = undefined
    }
    if (isThenable(result)) return finishAsync(ends, 0, result, request, failure)
    if (second !== undefined) {
      try {
        result = second(request)
      } catch (error) {
        failure ??= { error }
        result = undefined
      }
      if (isThenable(result)) return finishAsync(ends, 1, result, request, failure)
      if (third !== undefined) {
        try {
          result = third(request)
        } catch (error) {
          failure ??= { error }
          result = undefined
        }
        if (isThenable(result)) return finishAsync(ends, 2, result, request, failure)
        if (fourth !== undefined) {
          try {
            result = fourth(request)
          } catch (error) {
            failure ??= { error }
            result = undefined
          }
          if (isThenable(result)) return finishAsync(ends, 3, result, request, failure)
        }
      }
    }
    return failure === undefined ? undefined : Promise.reject(failure.error)
  }
}

/** The rest of `runRequestEnds` once hook `index` returned `pending`. */
async function finishAsync(
  ends: readonly RequestEnd[],
  index: number,
  pending: PromiseLike<unknown>,
  request: RequestLike,
  failure: { error: unknown } | undefined,
): Promise<void> {
  try {
    await pending
  } catch (error) {
    failure ??= { error }
  }
  for (let next = index + 1; next < ends.length; next++) {
    try {
      await (ends[next] as RequestEnd)(request)
    } catch (error) {
      failure ??= { error }
    }
  }
  if (failure) throw failure.error
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { then?: unknown }).then === 'function'
