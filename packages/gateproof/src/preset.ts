import { gateproofPlugin, type PluginHooks } from '@gateproof/core'
import { errorMapper } from '@gateproof/error-mapper'
import { loadShedder } from '@gateproof/load-shedder'
import { proxyShape } from '@gateproof/proxy-shape'
import { timeoutGuard } from '@gateproof/timeout-guard'
import middy, { type MiddlewareObj, type MiddyfiedHandler } from '@middy/core'
import type { Context } from 'aws-lambda'
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
  validateOptions(options as GateproofOptions<never>)
  const shared = {
    integration: options.integration ?? 'auto',
    metrics: options.metrics,
    logger: options.logger,
    format: options.format,
  }
  // The shedder has no body format and takes the front door from the guard's deadline.
  const telemetry = { metrics: options.metrics, logger: options.logger }
  const shape =
    options.proxyShape === false ? undefined : proxyShape({ ...shared, ...options.proxyShape })
  const guard =
    options.timeoutGuard === false
      ? undefined
      : timeoutGuard({ ...shared, ...options.timeoutGuard })
  const shedder =
    options.loadShedder === false
      ? undefined
      : loadShedder({ ...telemetry, ...options.loadShedder } as Parameters<typeof loadShedder>[0])
  const mapper =
    options.errorMapper === false ? undefined : errorMapper({ ...shared, ...options.errorMapper })

  const middlewares = [shape, ...(options.decorators ?? []), guard, shedder, mapper].filter(
    (part): part is NonNullable<typeof part> => part !== undefined,
  ) as MiddlewareObj[]
  return { plugin: gateproofPlugin(shape, guard, shedder), middlewares }
}

type Handler<TEvent, TResult> = (
  event: TEvent,
  context: Context,
  options: { signal: AbortSignal },
) => TResult | Promise<TResult>

/**
 * Wraps a Lambda handler in Middy with the timeout guard, load shedder, error mapper and
 * proxy-shape validator composed in the right order with the right Middy plugin hooks.
 * The result is an ordinary Middy handler: `.use()` more middlewares (they run inside the
 * shedder, so a refused request costs them nothing).
 */
export function gateproof<TEvent = unknown, TResult = unknown>(
  handler: Handler<TEvent, TResult>,
  options: GateproofOptions<TEvent> = {},
): MiddyfiedHandler<TEvent, TResult, Error, Context> {
  const { plugin, middlewares } = gateproofMiddlewares(options)
  return middy(handler as never, plugin as never).use(middlewares as never) as never
}

gateproof.middlewares = gateproofMiddlewares
