import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import type { Integration } from '@gateproof/core'
import { type AnyHandler, HANDLER_STREAMING, type LocalAuthorizerOptions } from '@gateproof/testing'
import { UsageError } from './command.js'
import { FRONT_DOOR } from './integrations.js'
import { loadHandler } from './load-handler.js'
import type { TemplateApp, TemplateFunction, TemplateRoute } from './template.js'

export interface TemplateHandlers {
  integration: Integration
  routes: TemplateRoute[]
  /** Invokes the function behind the route the event was routed to. */
  handler: AnyHandler
  /** `GET /orders/{id} → GetOrderFunction (src/handler.ts#handler)`, one per route. */
  describe: string[]
  /**
   * The local gateway's `routeAuthorizers` when the template puts Lambda authorizers in front of
   * routes: every route is listed, `null` where none stands.
   */
  routeAuthorizers?: Record<string, LocalAuthorizerOptions | null>
  dispose(): void
}

/** What a template without API routes gets told: what is read, and how to serve the function anyway. */
export const NO_API_ROUTES =
  'found no API routes (SAM Api/HttpApi events, AWS::ApiGateway::Method with AWS_PROXY, AWS::ApiGatewayV2::Route); ' +
  'Function URLs and ALB target groups are not read from templates: pass the function as <module>#<export> with --integration function-url or --integration alb'

/** The key a routed event carries: HTTP API's `routeKey`, else the method and the resource. */
function eventRouteKeys(event: Record<string, unknown>): string[] {
  if (typeof event.routeKey === 'string' && event.routeKey !== '$default') return [event.routeKey]
  const resource = String(event.resource ?? '')
  return [`${String(event.httpMethod ?? '').toUpperCase()} ${resource}`, `ANY ${resource}`]
}

/**
 * Picks the template's routes for one front door and loads the function behind each (or `target`
 * for all of them); the handler dispatches each routed event to its route's function.
 */
export async function templateHandlers(
  app: TemplateApp,
  options: { integration?: Integration; target?: string; cwd: string },
): Promise<TemplateHandlers> {
  const kinds = [...new Set(app.routes.map((route) => route.integration))]
  if (kinds.length === 0) throw new UsageError(NO_API_ROUTES)
  const integration = options.integration ?? kinds[0]
  if (options.integration === undefined && kinds.length > 1) {
    throw new UsageError(
      `the template has routes for ${kinds.map((k) => FRONT_DOOR[k]).join(' and ')}: pick one with --integration`,
    )
  }
  // The local gateway takes the first match; API Gateway the most specific: greedy routes go last.
  const greedy = (route: TemplateRoute) => (route.path.includes('+}') ? 1 : 0)
  const routes = app.routes
    .filter((route) => route.integration === integration)
    .sort((a, b) => greedy(a) - greedy(b))
  if (routes.length === 0 || integration === undefined) {
    throw new UsageError(`the template has no ${FRONT_DOOR[integration ?? 'rest']} routes`)
  }

  const inlineDir: { path?: string } = {}
  const dispose = () => {
    if (inlineDir.path) rmSync(inlineDir.path, { recursive: true, force: true })
  }
  const loaded = new Map<string, { handler: AnyHandler; label: string }>()
  async function load(fn: TemplateFunction): Promise<{ handler: AnyHandler; label: string }> {
    const cached = loaded.get(fn.id)
    if (cached) return cached
    let target = fn.target
    if (fn.inline) {
      // Lambda runs inline Node.js code as a CommonJS file named by the handler (`index.handler`).
      inlineDir.path ??= mkdtempSync(join(tmpdir(), 'gateproof-inline-'))
      const dot = fn.inline.handler.lastIndexOf('.')
      const file = join(inlineDir.path, `${fn.inline.handler.slice(0, dot)}.cjs`)
      writeFileSync(file, fn.inline.code)
      target = `${file}#${fn.inline.handler.slice(dot + 1)}`
    }
    if (!target) {
      const looked = fn.searched.length
        ? ` (looked for ${fn.searched.map((f) => relative(options.cwd, f)).join(', ')})`
        : ''
      throw new UsageError(`cannot find the code of ${fn.id}${looked}: pass <module>#<export>`)
    }
    const entry = {
      handler: await loadHandler(target, options.cwd),
      label: `${fn.id} (${fn.inline ? 'inline code' : relative(options.cwd, target)})`,
    }
    loaded.set(fn.id, entry)
    return entry
  }

  const byRoute = new Map<string, AnyHandler>()
  const describe: string[] = []
  const withAuthorizers = routes.some((route) => route.authorizer !== undefined)
  const routeAuthorizers: Record<string, LocalAuthorizerOptions | null> = {}
  // One local authorizer per template authorizer: API Gateway caches results per authorizer.
  const authorizers = new Map<string, LocalAuthorizerOptions>()
  async function authorizerOf(route: TemplateRoute, key: string) {
    const wanted = route.authorizer
    if (wanted === undefined) return null
    const made = authorizers.get(wanted.name)
    if (made) return made
    const fn = wanted.functionId === undefined ? undefined : app.functions[wanted.functionId]
    if (!fn) {
      throw new UsageError(
        `the template does not say which function is the authorizer ${wanted.name} of ${key}`,
      )
    }
    const local: LocalAuthorizerOptions = {
      handler: (await load(fn)).handler,
      type: wanted.type,
      ...(wanted.responseFormat ? { responseFormat: wanted.responseFormat } : {}),
      ...(wanted.identitySource.length > 0 ? { identitySource: wanted.identitySource } : {}),
      ...(wanted.resultTtlSeconds === undefined
        ? {}
        : { resultTtlSeconds: wanted.resultTtlSeconds }),
    }
    authorizers.set(wanted.name, local)
    return local
  }
  try {
    for (const route of routes) {
      const key = `${route.method} ${route.path}`
      let entry: { handler: AnyHandler; label: string }
      if (options.target) {
        entry = { handler: await loadHandler(options.target, options.cwd), label: options.target }
      } else {
        const fn = route.functionId === undefined ? undefined : app.functions[route.functionId]
        if (!fn)
          throw new UsageError(
            `the template does not say which function serves ${key}: pass <module>#<export>`,
          )
        entry = await load(fn)
      }
      byRoute.set(key, entry.handler)
      if (withAuthorizers) routeAuthorizers[key] = await authorizerOf(route, key)
      const guard = route.authorizer
        ? ` [authorizer ${route.authorizer.name}: ${route.authorizer.type}${route.authorizer.responseFormat === 'simple' ? ', simple responses' : ''}]`
        : ''
      describe.push(`${key} → ${entry.label}${guard}`)
    }
  } catch (error) {
    dispose()
    throw error
  }

  const targetOf = (event: unknown): AnyHandler => {
    const keys = eventRouteKeys(event as Record<string, unknown>)
    const target = keys.map((key) => byRoute.get(key)).find((h) => h !== undefined)
    if (!target) throw new Error(`no function for ${keys[0]}`)
    return target
  }
  // Streaming functions (awslambda.streamifyResponse) take a response stream: the dispatcher
  // carries the runtime's marker so that serve and check invoke it as one (§11).
  const streaming = [...byRoute.values()].map(isStreaming)
  if (streaming.includes(true) && streaming.includes(false)) {
    dispose()
    throw new UsageError(
      `the ${FRONT_DOOR[integration]} routes mix streaming and buffered functions: serve or check them one at a time with <module>#<export>`,
    )
  }
  const handler: AnyHandler = streaming.includes(true)
    ? markStreaming((event: unknown, stream: unknown, context: unknown) =>
        (targetOf(event) as unknown as (e: unknown, s: unknown, c: unknown) => unknown)(
          event,
          stream,
          context,
        ),
      )
    : (event, context) => targetOf(event)(event, context)
  return {
    integration,
    routes,
    handler,
    describe,
    ...(withAuthorizers ? { routeAuthorizers } : {}),
    dispose,
  }
}

const isStreaming = (handler: AnyHandler): boolean =>
  (handler as unknown as Record<symbol, unknown>)[HANDLER_STREAMING] === 'response'

function markStreaming(handler: (event: unknown, stream: unknown, context: unknown) => unknown) {
  Object.defineProperty(handler, HANDLER_STREAMING, { value: 'response' })
  return handler as unknown as AnyHandler
}
