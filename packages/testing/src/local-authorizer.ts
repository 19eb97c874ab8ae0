import {
  type AuthorizerType,
  GateproofOptionsError,
  getHeader,
  type Integration,
  isHttpApi,
  isObject,
  methodArnTooLong,
} from '@gateproof/core'
import type { Context } from 'aws-lambda'
import { methodArnFor } from './authorizer-events.js'
import { lambdaContext } from './context.js'
import {
  type AuthorizerClientView,
  type AuthorizerOutcome,
  simulateAuthorizer,
} from './simulate-authorizer.js'

// biome-ignore lint/suspicious/noExplicitAny: any Lambda handler shape is accepted
type AnyAuthorizer = (event: any, context: Context) => unknown

export interface LocalAuthorizerOptions {
  /** The authorizer function. */
  handler: AnyAuthorizer
  /** `token`/`request` in front of a REST integration, `http-v1`/`http-v2` in front of an HTTP API one. */
  type: AuthorizerType
  /** HTTP API 2.0: `simple` with `enableSimpleResponses`, else `iam` (default). */
  responseFormat?: 'iam' | 'simple'
  /**
   * Where the identity comes from: header names (`Authorization`, `method.request.header.X`,
   * `$request.header.X`) or query parameters (`method.request.querystring.x`,
   * `$request.querystring.x`). Default `Authorization`. A request without them gets 401
   * and the authorizer is not invoked (AZ20, AZ34).
   */
  identitySource?: string[]
  /** Result cache TTL (AZ23, AZ35). Default: 300 for REST (API Gateway's default), 0 for HTTP API. */
  resultTtlSeconds?: number
  /** The authorizer function's timeout. Default 10 000 ms. */
  functionTimeoutMs?: number
}

export type LocalAuthorization =
  | { allowed: true; authorizer: Record<string, unknown>; view: AuthorizerClientView }
  | { allowed: false; view: AuthorizerClientView }

interface Source {
  from: 'header' | 'query'
  name: string
}

function parseSource(source: string): Source {
  const match = /^(?:method\.request\.|\$request\.)(header|querystring)\.(.+)$/.exec(source)
  if (!match) return { from: 'header', name: source }
  return { from: match[1] === 'header' ? 'header' : 'query', name: match[2] as string }
}

type ProxyLike = {
  httpMethod?: string
  path?: string
  rawPath?: string
  headers?: Record<string, string | undefined> | null
  queryStringParameters?: Record<string, string | undefined> | null
  requestContext: Record<string, unknown> & { apiId?: string; stage?: string }
} & Record<string, unknown>

/**
 * The authorizer in front of the local gateway's routes: builds the authorizer event of
 * its type from the proxy event (AZ1–AZ4), answers 401 without invoking when the identity
 * is missing (AZ20, AZ34), caches results by identity for the TTL (AZ24, AZ35; errors are
 * not cached, AZ26 presumed) and judges each outcome with `simulateAuthorizer` against this
 * request's ARN — so a cached Allow for one method ARN denies the next route (AZ25).
 */
export function createLocalAuthorizer(options: LocalAuthorizerOptions, integration: Integration) {
  const rest = options.type === 'token' || options.type === 'request'
  if (rest !== (integration === 'rest')) {
    throw new GateproofOptionsError(
      '@gateproof/testing',
      `a "${options.type}" authorizer cannot stand in front of a "${integration}" integration (REST takes token/request, HTTP API http-v1/http-v2)`,
    )
  }
  const sources = (options.identitySource ?? ['Authorization']).map(parseSource)
  const ttlMs = (options.resultTtlSeconds ?? (rest ? 300 : 0)) * 1000
  const timeoutMs = options.functionTimeoutMs ?? 10_000
  const cache = new Map<string, { outcome: AuthorizerOutcome; expiresAt: number }>()

  function identityOf(event: ProxyLike): string[] | undefined {
    const values: string[] = []
    for (const source of sources) {
      const value: unknown =
        source.from === 'header'
          ? getHeader(event.headers, source.name)
          : event.queryStringParameters?.[source.name]
      if (typeof value !== 'string' || value === '') return undefined
      values.push(value)
    }
    return values
  }

  function authorizerEvent(event: ProxyLike, identity: string[], arn: string): unknown {
    const { body: _body, isBase64Encoded: _b64, ...request } = event
    switch (options.type) {
      case 'token':
        return { type: 'TOKEN', authorizationToken: identity[0], methodArn: arn }
      case 'request':
        return { type: 'REQUEST', methodArn: arn, ...request, requestContext: event.requestContext }
      case 'http-v1':
        return {
          ...request,
          version: '1.0',
          type: 'REQUEST',
          methodArn: arn,
          identitySource: identity.join(','),
          authorizationToken: identity.join(','),
        }
      case 'http-v2':
        return {
          ...request,
          version: '2.0',
          type: 'REQUEST',
          routeArn: arn,
          identitySource: identity,
        }
    }
  }

  async function run(event: unknown): Promise<AuthorizerOutcome> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<AuthorizerOutcome>((resolve) => {
      timer = setTimeout(() => resolve({ timeout: true }), timeoutMs)
    })
    const invocation = Promise.resolve()
      .then(() => options.handler(event, lambdaContext({ remainingMs: timeoutMs })))
      .then(
        (output): AuthorizerOutcome => ({ output }),
        (error: unknown): AuthorizerOutcome => ({ error }),
      )
    try {
      return await Promise.race([invocation, timeout])
    } finally {
      clearTimeout(timer)
    }
  }

  return {
    /** Whether this proxy event may reach the integration, and what the integration sees of the authorizer. */
    async authorize(proxyEvent: unknown, now = Date.now()): Promise<LocalAuthorization> {
      const event = proxyEvent as ProxyLike
      const simulate = { type: options.type, responseFormat: options.responseFormat }
      const identity = identityOf(event)
      const method = event.httpMethod ?? (event.requestContext.http as { method?: string })?.method
      const arn = methodArnFor(
        event.requestContext.apiId ?? 'api',
        event.requestContext.stage ?? '$default',
        method ?? 'GET',
        event.path ?? event.rawPath ?? '/',
      )
      if (identity === undefined) {
        return {
          allowed: false,
          view: simulateAuthorizer({ missingIdentity: true }, { ...simulate, arn }),
        }
      }
      const key = identity.join('\u0000')
      const cached = cache.get(key)
      const fresh = cached !== undefined && cached.expiresAt > now
      // AZ19: a REST method ARN over 1 600 bytes is answered 414 before the authorizer runs.
      const tooLong =
        (options.type === 'token' || options.type === 'request') && methodArnTooLong(arn)
      const outcome: AuthorizerOutcome = tooLong
        ? { notInvoked: true }
        : fresh
          ? cached.outcome
          : await run(authorizerEvent(event, identity, arn))
      const view = simulateAuthorizer(outcome, { ...simulate, arn })
      // Allows and Denies are cached (AZ24, AZ26 presumed); failures and 500s are not.
      if (!fresh && ttlMs > 0 && 'output' in outcome && view.status !== 500) {
        cache.set(key, { outcome, expiresAt: now + ttlMs })
      }
      if (!view.allowed) return { allowed: false, view }
      return { allowed: true, authorizer: view.authorizer ?? {}, view }
    },
  }
}

/** The proxy event with the authorizer's context where the integration reads it (AZ6, AZ28–AZ30). */
export function withAuthorizer(
  event: unknown,
  authorizer: Record<string, unknown>,
  integration: Integration,
): unknown {
  if (!isObject(event) || !isObject(event.requestContext)) return event
  const value =
    isHttpApi(integration) && !('lambda' in authorizer) ? { lambda: authorizer } : authorizer
  return { ...event, requestContext: { ...event.requestContext, authorizer: value } }
}
