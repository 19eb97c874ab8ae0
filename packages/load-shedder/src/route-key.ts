import { isObject } from '@gateproof/core'

const DEFAULT_KEY = '$default'

/**
 * The route as the front door names it in one field, or `undefined` for REST, whose route is
 * its method and resource template. ALB and Function URL events carry no route template (a
 * Function URL's route key is always `$default`), and their raw paths are chosen by the
 * client: a limit per raw path could be dodged by varying the path, so they share one key.
 */
function namedRoute(event: Record<string, unknown>): string | undefined {
  // Each field read once: this runs on every admitted request.
  // Payload 2.0: HTTP API (`GET /orders/{id}`) and Function URLs (`$default`).
  const named = event.routeKey
  if (typeof named === 'string') return named
  const requestContext = event.requestContext
  if (!isObject(requestContext) || isObject(requestContext.elb)) return DEFAULT_KEY
  // HTTP API payload 1.0 names the route in the request context.
  const contextRoute = requestContext.routeKey
  if (typeof contextRoute === 'string') return contextRoute
  if (typeof event.httpMethod === 'string' && typeof event.resource === 'string') return undefined
  return DEFAULT_KEY
}

/**
 * The default partition: the route as the gateway defined it (`GET /orders/{id}`), so
 * there are as many keys as routes; `$default` for ALB, Function URLs and anything else.
 */
export function routeKey(event: unknown): string {
  if (!isObject(event)) return DEFAULT_KEY
  return namedRoute(event) ?? `${event.httpMethod} ${event.resource}`
}

/**
 * `routeKey` that builds each REST key once (up to `maxEntries`) and then hands back the
 * same string: a freshly built string would be hashed again by every map lookup made
 * with it, which costs more than the rest of the admit decision.
 */
export function memoizedRouteKey(maxEntries = 1000): (event: unknown) => string {
  const byMethod = new Map<string, Map<string, string>>()
  let entries = 0
  // The previous request's route: comparing two short strings is cheaper than hashing
  // them for two lookups, and a function mostly serves one or a few routes.
  let lastMethod: string | undefined
  let lastResource: string | undefined
  let lastKey = DEFAULT_KEY
  return function routeKeyMemoized(event) {
    if (!isObject(event)) return DEFAULT_KEY
    const named = namedRoute(event)
    if (named !== undefined) return named
    // `namedRoute` found both strings.
    const method = event.httpMethod as string
    const resource = event.resource as string
    if (method === lastMethod && resource === lastResource) return lastKey
    let byResource = byMethod.get(method)
    const known = byResource?.get(resource)
    if (known !== undefined) return remember(method, resource, known)
    const key = `${method} ${resource}`
    if (entries < maxEntries) {
      if (byResource === undefined) {
        byResource = new Map()
        byMethod.set(method, byResource)
      }
      byResource.set(resource, key)
      entries++
      return remember(method, resource, key)
    }
    return key
  }

  function remember(method: string, resource: string, key: string): string {
    lastMethod = method
    lastResource = resource
    lastKey = key
    return key
  }
}
