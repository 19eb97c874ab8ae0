import {
  type AuthorizerEventFor,
  type AuthorizerResultFor,
  type AuthorizerShapeOptions,
  authorizerShape,
  type ResponseFormat,
} from '@gateproof/authorizer'
import { type AuthorizerType, gateproofPlugin } from '@gateproof/core'
import middy, { type MiddlewareObj, type MiddyfiedHandler } from '@middy/core'
import type { Context } from 'aws-lambda'

/** A Lambda authorizer as Middy calls it. */
export type AuthorizerHandler<TEvent, TResult> = (
  event: TEvent,
  context: Context,
  options: { signal: AbortSignal },
) => TResult | Promise<TResult>

type ShapeOptions = Omit<AuthorizerShapeOptions, 'type' | 'responseFormat'>

export interface GateproofAuthorizerOptions extends ShapeOptions {
  /**
   * Your own middlewares (a JWT verifier, a cache), placed inside authorizerShape so
   * that what they return early and what they throw is checked too.
   */
  middlewares?: MiddlewareObj[]
}

type RestOrV1 = Exclude<AuthorizerType, 'http-v2'>

/**
 * Wraps a Lambda authorizer in Middy with `authorizerShape` outermost: its output is one
 * API Gateway accepts, a thrown 401 leaves as exactly `Unauthorized`, a thrown 403 as a
 * Deny, anything else as `onError` says (gateway-facts §10).
 *
 * Types follow the authorizer: `type: 'token'` gives an `APIGatewayTokenAuthorizerEvent`
 * and asks for an `APIGatewayAuthorizerResult`; `type: 'http-v2'` needs `responseFormat`
 * (the event does not say which one API Gateway expects, AZ5) and asks for
 * `{ isAuthorized, context }` with `simple`.
 */
export function gateproofAuthorizer<F extends ResponseFormat>(
  handler: AuthorizerHandler<
    NoInfer<AuthorizerEventFor<'http-v2'>>,
    NoInfer<AuthorizerResultFor<'http-v2', F>>
  >,
  options: GateproofAuthorizerOptions & { type: 'http-v2'; responseFormat: F },
): MiddyfiedHandler<
  AuthorizerEventFor<'http-v2'>,
  AuthorizerResultFor<'http-v2', F>,
  Error,
  Context
>
export function gateproofAuthorizer<T extends RestOrV1>(
  handler: AuthorizerHandler<NoInfer<AuthorizerEventFor<T>>, NoInfer<AuthorizerResultFor<T>>>,
  options: GateproofAuthorizerOptions & { type: T; responseFormat?: never },
): MiddyfiedHandler<AuthorizerEventFor<T>, AuthorizerResultFor<T>, Error, Context>
export function gateproofAuthorizer(
  handler: AuthorizerHandler<AuthorizerEventFor<AuthorizerType>, AuthorizerResultFor<'auto'>>,
  options?: GateproofAuthorizerOptions & { type?: 'auto'; responseFormat?: ResponseFormat },
): MiddyfiedHandler<AuthorizerEventFor<AuthorizerType>, AuthorizerResultFor<'auto'>, Error, Context>
// The implementation is untyped on purpose: the overloads above are what callers see.
export function gateproofAuthorizer(
  handler: AuthorizerHandler<never, unknown>,
  options: GateproofAuthorizerOptions & AuthorizerShapeOptions = {},
): never {
  const { middlewares = [], ...shapeOptions } = options
  // Middy's default early timeout (5 ms before Lambda's) throws into onError, so a slow
  // authorizer also ends as onError says, not as Lambda's "Task timed out" (AZ27).
  const shape = authorizerShape(shapeOptions)
  // The plugin's requestEnd also checks what a middleware of yours returns early.
  const wrapped = middy(handler as never, gateproofPlugin(shape) as never) as MiddyfiedHandler
  wrapped.use(shape as never)
  wrapped.use(middlewares as never)
  return wrapped as never
}
