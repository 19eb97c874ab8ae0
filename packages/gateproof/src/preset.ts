import {
  ENDS_AT_READING,
  type EventOf,
  frontDoorOf,
  gateproofPlugin,
  type Integration,
  type PluginHooks,
  type ProxyEvent,
  type ProxyResult,
  type RequestLike,
  type ResultOf,
  type StreamingResult,
  streamingExecutionMode,
  WITH_READING,
  type WithPlugin,
} from '@gateproof/core'
import { errorMapper, streamErrors } from '@gateproof/error-mapper'
import { loadShedder } from '@gateproof/load-shedder'
import { proxyShape, type StreamShapeOptions, streamShape } from '@gateproof/proxy-shape'
import { getDeadline, streamDeadline, timeoutGuard } from '@gateproof/timeout-guard'
import middy, { type MiddlewareObj, type MiddyfiedHandler } from '@middy/core'
import type { APIGatewayProxyEvent, Context, LambdaFunctionURLEvent } from 'aws-lambda'
import { type GateproofOptions, validateOptions } from './options.js'

export interface GateproofParts {
  /** The one object `middy(handler, plugin)` takes: early timeout and per-request hooks. */
  plugin: PluginHooks
  /**
   * In `.use()` order: proxy shape (outermost, checks the final response), decorators,
   * timeout guard, load shedder, error mapper (innermost on the error path).
   */
  middlewares: MiddlewareObj[]
}

/**
 * The parts composed in the order that keeps their guarantees, for your own `middy()`:
 *
 *     const { plugin, middlewares } = gateproofMiddlewares(options)
 *     export const handler = middy(fn, plugin).use(middlewares).use(myValidator())
 */
export function gateproofMiddlewares<TEvent = unknown>(
  options: GateproofOptions<TEvent> = {},
): GateproofParts {
  const { plugin, middlewares } = composeParts(options)
  return { plugin, middlewares }
}

/** The parts in `.use()` order, and those `gateproof()` may fold into one middleware. */
interface ComposedParts extends GateproofParts {
  foldable: FoldableParts | undefined
  /** `options.decorators`, each `onError` made tolerant and each early answer judged. */
  decorators: MiddlewareObj[]
  /** How a used middleware's early answer is judged (proxy shape's), if it is. */
  judgeEarly: Judges | undefined
}

type Phase = (request: RequestLike) => unknown

interface FoldableParts {
  shape: MiddlewareObj & { after: Phase; onError: Phase }
  guard: MiddlewareObj & { before: Phase; onError: Phase }
  shedder: MiddlewareObj & { before: Phase; after: Phase; onError: Phase }
  mapper: MiddlewareObj & { onError: Phase }
  /** No decorator sits between the shedder and proxy shape: their `after`s are neighbours. */
  adjacentAfters: boolean
  /**
   * Only gateproof's code runs between the guard's `requestStart` and the first `before`
   * (Middy's or the guard's own request loop; a custom execution mode may run anything).
   */
  atArrival: boolean
}

function composeParts<TEvent>(options: GateproofOptions<TEvent>): ComposedParts {
  validateOptions(options as GateproofOptions<never>)
  const shared = {
    integration: options.integration ?? 'auto',
    metrics: options.metrics,
    logger: options.logger,
    format: options.format,
  }
  // The shedder has no body format. Every part steps aside for events of no HTTP front door
  // (H2) unless `integration` names one.
  const telemetry = {
    metrics: options.metrics,
    logger: options.logger,
    integration: options.integration ?? 'auto',
  }
  const streaming = options.streaming !== undefined && options.streaming !== false
  // One execution mode per handler: the guard wraps the streaming one so its deadline still
  // covers every middleware (H5); without a guard the streaming mode is set on its own.
  const streamingMode = streaming ? streamingExecutionMode({ format: options.format }) : undefined
  const shape =
    options.proxyShape === false
      ? undefined
      : streaming
        ? streamShape({ ...shared, ...options.proxyShape } as StreamShapeOptions)
        : proxyShape({ ...shared, ...options.proxyShape })
  const guard =
    options.timeoutGuard === false
      ? undefined
      : timeoutGuard({
          ...shared,
          ...(streamingMode === undefined ? undefined : { executionMode: streamingMode }),
          ...options.timeoutGuard,
        })
  const shedder =
    options.loadShedder === false
      ? undefined
      : loadShedder({ ...telemetry, ...options.loadShedder } as Parameters<typeof loadShedder>[0])
  const mapper =
    options.errorMapper === false ? undefined : errorMapper({ ...shared, ...options.errorMapper })

  // Streaming: deadlines and stream errors are armed in `before`, ahead of the shedder, so a
  // request it admits is covered; the execution mode is chosen here and nowhere else.
  const deadline = streaming
    ? streamDeadline(typeof options.streaming === 'object' ? options.streaming : {})
    : undefined
  const errors =
    streaming && options.errorMapper !== false
      ? streamErrors({ ...shared, ...options.errorMapper })
      : undefined
  const mode: PluginHooks | undefined =
    streamingMode !== undefined && guard === undefined
      ? { executionMode: streamingMode }
      : undefined

  // Streamed responses are judged by the stream tap, which sees every prelude.
  const judgeEarly: Judges | undefined =
    streaming || shape === undefined
      ? undefined
      : { step: shape.after as Phase, error: shape.onError as Phase }
  const decorators = (options.decorators ?? []).map((decorator) =>
    guardedMiddleware(decorator, judgeEarly, forcedDoor(options.integration)),
  )
  const middlewares = [shape, ...decorators, guard, deadline, errors, shedder, mapper].filter(
    (part): part is NonNullable<typeof part> => part !== undefined,
  ) as MiddlewareObj[]
  // streamShape needs no plugin hooks; proxyShape's cover early responses.
  const shapeHooks = streaming ? undefined : (shape as WithPlugin | undefined)
  const foldable =
    !streaming &&
    shape !== undefined &&
    guard !== undefined &&
    shedder !== undefined &&
    mapper !== undefined &&
    // A limiter's lease may be released asynchronously in `after`: the shedder's own `after`
    // is then raced against the deadline on its own, as in the parts' list.
    (options.loadShedder || undefined)?.limiter === undefined
      ? ({
          shape,
          guard,
          shedder,
          mapper,
          adjacentAfters: decorators.length === 0,
          atArrival: (options.timeoutGuard || undefined)?.executionMode === undefined,
        } as unknown as FoldableParts)
      : undefined
  return {
    plugin: gateproofPlugin(shapeHooks, guard, shedder, mode),
    middlewares,
    foldable,
    decorators,
    judgeEarly,
  }
}

type OnError = NonNullable<MiddlewareObj['onError']>

/** The front door the `integration` option names; `auto` (or none) detects it per request. */
const forcedDoor = (integration: Integration | 'auto' | undefined): Integration | undefined =>
  integration === 'auto' ? undefined : integration

/**
 * H1, §2.1: Middy ends its onError chain at the first `onError` that throws and rejects the
 * invocation with that error, so gateproof's mapper and proxy shape, whose `onError`s run
 * after a decorator's or your own, never answer it: the client gets the gateway's 502 (500 on
 * HTTP API). A middleware that logs and rethrows `request.error`, converts an error by throwing
 * another, or has a bug, would do that. Wrapped, its throw is taken as Middy takes it — the
 * request's error now, with the error before as its `cause`, no response — and the chain goes
 * on, so the front door's answer is still gateproof's. For an event of no HTTP front door
 * gateproof's parts step aside and Middy rethrows that error, as before (H2).
 */
function tolerantOnError(
  onError: OnError,
  judges: Judges | undefined,
  forced: Integration | undefined,
): OnError {
  const adopt = (request: RequestLike, error: unknown): undefined => {
    // H2: no HTTP front door, no gateproof answer: Middy's own rule — the chain ends and the
    // invocation rejects with this error (Middy sets its `originalError` and `cause`). Going
    // on would let a later `onError` answer, and an answered SQS batch is a lost one.
    if (frontDoorOf(request, forced) === undefined) throw error
    if (getDeadline(request)?.timedOut === true) return undefined
    if (error !== request.error && typeof error === 'object' && error !== null) {
      try {
        ;(error as { cause?: unknown }).cause ??= request.error
      } catch {
        // frozen, or a hostile `cause`: the error is answered all the same
      }
    }
    request.error = error
    request.response = undefined
    return undefined
  }
  // An answer from `onError` ends Middy's chain before proxy shape's `onError` too.
  const answered = (request: RequestLike, value: unknown): unknown =>
    judges === undefined ? value : settleEarly(request, value, judges.error)
  function tolerant(request: RequestLike): unknown {
    let result: unknown
    try {
      result = (onError as (request: RequestLike) => unknown)(request)
    } catch (error) {
      return adopt(request, error)
    }
    if (result instanceof Promise) {
      return result.then(
        (value) => answered(request, value),
        (error) => adopt(request, error),
      )
    }
    return result === undefined && !('earlyResponse' in request)
      ? undefined
      : answered(request, result)
  }
  // Middy's `beforeMiddleware`/`afterMiddleware` hooks report a middleware by its name.
  Object.defineProperty(tolerant, 'name', { value: onError.name })
  return tolerant as OnError
}

type Step = NonNullable<MiddlewareObj['before']>

/** Proxy shape's `after` (for `before`/`after` answers) and `onError` (for `onError` answers). */
interface Judges {
  step: Phase
  error: Phase
}

/**
 * DESIGN: proxy shape checks every response, an early one included. Middy skips every `after`
 * once a `before` answers early and stops at the first `after` or `onError` that answers, so
 * such an answer reaches proxy shape only in `requestEnd`, where Middy already holds it and a
 * fix can only happen in place: a frozen object, a string or `undefined` left as it was (REST's
 * 502). Wrapped, a middleware's early answer — returned, or set as `request.earlyResponse` —
 * goes through proxy shape before Middy takes it, and the judged response is the answer.
 */
function settleEarly(
  request: RequestLike & { earlyResponse?: unknown },
  value: unknown,
  judge: Phase,
): unknown {
  if (value === undefined && !('earlyResponse' in request)) return undefined
  // H5: an answer that comes after the guard answered the timeout is dropped, as a late
  // handler result is: judging it would log and count a response no client gets (H7).
  if (getDeadline(request)?.timedOut === true) return value
  request.response = value === undefined ? request.earlyResponse : value
  judge(request)
  const judged = request.response
  if ('earlyResponse' in request) request.earlyResponse = judged
  return judged
}

function judgedStep(step: Step, judge: Phase): Step {
  function judging(request: RequestLike): unknown {
    const result = (step as (request: RequestLike) => unknown)(request)
    if (result instanceof Promise) return result.then((value) => settleEarly(request, value, judge))
    return result === undefined && !('earlyResponse' in request)
      ? undefined
      : settleEarly(request, result, judge)
  }
  Object.defineProperty(judging, 'name', { value: step.name })
  return judging as Step
}

/** A middleware of yours or a decorator: `onError` made tolerant, early answers judged. */
function guardedMiddleware(
  middleware: MiddlewareObj,
  judges: Judges | undefined,
  forced: Integration | undefined,
): MiddlewareObj {
  const { before, after, onError } = middleware
  const judged =
    judges !== undefined && (typeof before === 'function' || typeof after === 'function')
  if (!judged && typeof onError !== 'function') return middleware
  // Middy reads the three hooks wherever they live (a class instance's are on its prototype),
  // the spread copies only own enumerable ones: each is set here, wrapped or as it is.
  const guarded: MiddlewareObj = { ...middleware, before, after, onError }
  if (judges !== undefined && typeof before === 'function')
    guarded.before = judgedStep(before, judges.step)
  if (judges !== undefined && typeof after === 'function')
    guarded.after = judgedStep(after, judges.step)
  if (typeof onError === 'function') guarded.onError = tolerantOnError(onError, judges, forced)
  return guarded
}

/** The handler's `.use()`, `.before()`, `.after()` and `.onError()`, each middleware guarded. */
function withGuardedUse<T extends MiddyfiedHandler>(
  handler: T,
  judges: Judges | undefined,
  forced: Integration | undefined,
): T {
  const { use, before, after, onError } = handler
  const guard = (middleware: MiddlewareObj) => guardedMiddleware(middleware, judges, forced)
  handler.use = ((middlewares: MiddlewareObj | MiddlewareObj[]) =>
    use(Array.isArray(middlewares) ? middlewares.map(guard) : guard(middlewares))) as T['use']
  if (judges !== undefined) {
    handler.before = ((step: Step) => before(judgedStep(step, judges.step))) as T['before']
    handler.after = ((step: Step) => after(judgedStep(step, judges.step))) as T['after']
  }
  handler.onError = ((middleware: OnError) =>
    onError(tolerantOnError(middleware, judges, forced))) as T['onError']
  return handler
}

/**
 * The guard, shedder and mapper (and proxy shape, when no decorator sits between them) as
 * one Middy middleware: the same hooks in the same order as the parts' list, with Middy's
 * rule between two middlewares (a value or a promised value answers early; so does
 * `request.earlyResponse`), but each part called from a call site of its own, which V8
 * inlines, instead of one Middy dispatch (and one deadline wrapper) per part.
 *
 * The guard's `before` never answers early and never returns a promise (it throws its
 * timeout), and without a limiter the shedder's `after` finishes synchronously: what is left
 * of Middy's rule between them is the `earlyResponse` check.
 */
function foldParts(
  { shape, guard, shedder, mapper, adjacentAfters, atArrival }: FoldableParts,
  decorators: readonly MiddlewareObj[],
): MiddlewareObj[] {
  const guardBefore = guard.before
  const shedderBefore = shedder.before
  const shedderAfter = shedder.after
  const shapeAfter = shape.after
  const mapperOnError = mapper.onError
  const shedderOnError = shedder.onError
  const guardOnError = guard.onError
  const shapeOnError = shape.onError

  // One clock reading for both `before`s (DESIGN: one clock read passed along): the guard's
  // (the one it computed the deadline from, when this is the first `before`), handed to the
  // shedder; and, when the shedder runs none of your code, to the check before the handler.
  // Parts of another release without them read the clock themselves.
  const guardBeforeWithReading =
    ((guard as unknown as Record<symbol, unknown>)[WITH_READING] as
      | ((request: RequestLike, atArrival: boolean) => number | undefined)
      | undefined) ??
    ((request: RequestLike) => {
      guardBefore(request)
      return undefined
    })
  const shedderBeforeAt =
    ((shedder as unknown as Record<symbol, unknown>)[WITH_READING] as
      | ((request: RequestLike, reading: number | undefined) => unknown)
      | undefined) ?? ((request: RequestLike) => shedderBefore(request))
  const first = adjacentAfters && atArrival
  function gateproofBefore(request: RequestLike): unknown {
    const reading = guardBeforeWithReading(request, first)
    if ('earlyResponse' in request) return undefined
    return shedderBeforeAt(request, reading)
  }
  if ((shedder as unknown as Record<symbol, unknown>)[ENDS_AT_READING] === true) {
    Object.defineProperty(gateproofBefore, ENDS_AT_READING, { value: true })
  }

  function gateproofAfter(request: RequestLike): unknown {
    const result = shedderAfter(request)
    if (result !== undefined || 'earlyResponse' in request) return result
    return shapeAfter(request)
  }

  // The error path's parts in Middy's order; a part that returns a promise is awaited first.
  function gateproofOnError(request: RequestLike): unknown {
    return onErrorFrom(request, 0)
  }
  function onErrorFrom(request: RequestLike, from: number): unknown {
    let result: unknown
    if (from <= 0) {
      result = mapperOnError(request)
      if (result instanceof Promise) return settled(request, result, 1)
      if (result !== undefined || 'earlyResponse' in request) return result
    }
    if (from <= 1) {
      result = shedderOnError(request)
      if (result instanceof Promise) return settled(request, result, 2)
      if (result !== undefined || 'earlyResponse' in request) return result
    }
    if (from <= 2) {
      result = guardOnError(request)
      if (result instanceof Promise) return settled(request, result, 3)
      if (result !== undefined || 'earlyResponse' in request) return result
    }
    return adjacentAfters ? shapeOnError(request) : undefined
  }
  const settled = (request: RequestLike, pending: Promise<unknown>, next: number) =>
    pending.then((value) =>
      value !== undefined || 'earlyResponse' in request ? value : onErrorFrom(request, next),
    )

  const core: MiddlewareObj = {
    before: gateproofBefore as MiddlewareObj['before'],
    after: (adjacentAfters ? gateproofAfter : shedderAfter) as MiddlewareObj['after'],
    onError: gateproofOnError as MiddlewareObj['onError'],
  }
  if (adjacentAfters) return [core]
  return [{ after: shapeAfter, onError: shapeOnError } as MiddlewareObj, ...decorators, core]
}

type AnyEventOf<I> = I extends Integration ? EventOf<I> : ProxyEvent
type AnyResultOf<I> = I extends Integration ? ResultOf<I> : ProxyResult

type StreamDeadlineOptionsOf = Exclude<GateproofOptions['streaming'], boolean | undefined>

/** The events of the front doors that stream (ST1, ST16). */
export type StreamingEvent = APIGatewayProxyEvent | LambdaFunctionURLEvent
/** The front doors that stream (ST1, ST31, ST32). */
export type StreamingIntegration = 'rest' | 'function-url'

/** A handler as Middy calls it: the event, the Lambda context, and an `AbortSignal` the timeout guard aborts. */
export type GateproofHandler<TEvent, TResult> = (
  event: TEvent,
  context: Context,
  options: { signal: AbortSignal },
) => TResult | Promise<TResult>

/**
 * Wraps a Lambda handler in Middy with the timeout guard, load shedder, error mapper and
 * proxy-shape validator composed in the right order with the right Middy plugin hooks.
 * The result is an ordinary Middy handler: `.use()` more middlewares (they run inside the
 * shedder, so a refused request costs them nothing).
 *
 * Types follow the front door: with `integration: 'rest'` the handler's `event` is an
 * `APIGatewayProxyEvent` and it must return an `APIGatewayProxyResult` (one pair per front
 * door, see `EventOf`/`ResultOf`); without it, `event` is the union of the five.
 */
/**
 * Streaming (`streaming: true`, REST `STREAM` and Function URL `RESPONSE_STREAM`): the
 * handler returns a `StreamingResult` whose `body` may be text, bytes, a Node or web stream
 * or an async iterable; the result is Middy's streaming handler (`awslambda.streamifyResponse`).
 */
export function gateproof<I extends StreamingIntegration>(
  handler: GateproofHandler<NoInfer<EventOf<I>>, StreamingResult>,
  options: GateproofOptions<NoInfer<EventOf<I>>> & {
    integration: I
    streaming: true | StreamDeadlineOptionsOf
  },
): MiddyfiedHandler<EventOf<I>, StreamingResult, Error, Context>
export function gateproof(
  handler: GateproofHandler<StreamingEvent, StreamingResult>,
  options: GateproofOptions<StreamingEvent> & {
    integration?: 'auto'
    streaming: true | StreamDeadlineOptionsOf
  },
): MiddyfiedHandler<StreamingEvent, StreamingResult, Error, Context>
export function gateproof<I extends Integration>(
  // NoInfer: the front door is read from `options.integration` alone, never guessed from the handler.
  handler: GateproofHandler<NoInfer<EventOf<I>>, NoInfer<ResultOf<I>>>,
  options: GateproofOptions<NoInfer<EventOf<I>>> & { integration: I },
): MiddyfiedHandler<EventOf<I>, ResultOf<I>, Error, Context>
export function gateproof(
  handler: GateproofHandler<ProxyEvent, ProxyResult>,
  options?: GateproofOptions<ProxyEvent> & { integration?: 'auto' },
): MiddyfiedHandler<ProxyEvent, ProxyResult, Error, Context>
/**
 * Your own event and result types, given as type arguments: `gateproof<MyEvent, MyResult>(…)`,
 * for events another middleware has reshaped, such as a parsed JSON body.
 *
 * Only explicit type arguments select this signature (NoInfer, defaults `never`): were they
 * inferred, TypeScript's overload resolution would prefer it to the front-door signatures
 * above and a wrong result type would pass unnoticed.
 */
export function gateproof<TEvent = never, TResult = never>(
  handler: GateproofHandler<NoInfer<TEvent>, NoInfer<TResult>>,
  options?: GateproofOptions<NoInfer<TEvent>>,
): MiddyfiedHandler<TEvent, TResult, Error, Context>
/**
 * The two usual calls with options (a front door named, or found at run time), once more and
 * last: when no signature matches a call with options, TypeScript explains only the last
 * signature's failure, so this one makes it name the unknown or mistyped option instead of
 * the explicit-types signature's complaint that the handler's result is not `never`. It
 * accepts nothing the two signatures above do not, so it never changes what a call gets.
 */
export function gateproof<I extends Integration | 'auto' = 'auto'>(
  handler: GateproofHandler<NoInfer<AnyEventOf<I>>, NoInfer<AnyResultOf<I>>>,
  options: GateproofOptions<NoInfer<AnyEventOf<I>>> & { integration?: I },
): MiddyfiedHandler<AnyEventOf<I>, AnyResultOf<I>, Error, Context>
// The implementation is untyped on purpose: the overloads above are what callers see.
export function gateproof(
  handler: GateproofHandler<never, unknown>,
  options: GateproofOptions<never> = {},
): never {
  const { plugin, middlewares, foldable, decorators, judgeEarly } = composeParts(options)
  const used = foldable === undefined ? middlewares : foldParts(foldable, decorators)
  const built = middy(handler as never, plugin as never).use(used as never)
  return withGuardedUse(built, judgeEarly, forcedDoor(options.integration)) as never
}

gateproof.middlewares = gateproofMiddlewares
