import type { Integration } from '@gateproof/core'
import { eventFor } from '@gateproof/testing'

/** A request the front door might send, named for the report. */
export interface Probe {
  name: string
  /** `GET /orders/42`, for the report. */
  request: string
  event: unknown
}

/** A route to probe: the method and resource template (`GET /orders/{id}`). */
export interface ProbeRoute {
  method: string
  path: string
}

interface RequestShape {
  method: string
  resource: string
  path: string
  pathParameters: Record<string, string> | undefined
  headers: Record<string, string>
  /** Decoded query parameters, as API Gateway and Function URLs deliver them. */
  query: Record<string, string>
  body: string | null
  isBase64Encoded: boolean
}

// A value a client controls (query string, path) carrying header-splitting characters, as a
// percent-encoded request delivers them decoded: a handler that echoes it into a header is caught.
const SPLITTING = '/orders\r\nSet-Cookie: session=attacker\u0000'
const SPLITTING_SEGMENT = '42\r\nX-Injected: 1\u0000'

/** `/orders/{id}` with sample values: `/orders/42`; greedy `{path+}` becomes `a/b`. */
function fill(
  resource: string,
  value: (name: string) => string,
): {
  path: string
  pathParameters: Record<string, string> | undefined
} {
  const pathParameters: Record<string, string> = {}
  const path = resource.replace(/\{([^}+]+)(\+?)\}/g, (_match, name: string, greedy: string) => {
    const sample = greedy ? 'a/b' : value(name)
    pathParameters[name] = sample
    return encodeURIComponent(sample).replace(/%2F/g, '/')
  })
  return {
    path,
    pathParameters: Object.keys(pathParameters).length > 0 ? pathParameters : undefined,
  }
}

/**
 * The requests `gateproof check` sends to every front door: an ordinary one and hostile ones that
 * real clients send — a malformed JSON body, header-splitting characters in the query string and
 * path, and a binary body.
 */
/** The probe a working handler answers with success: a 5xx to it is worth a warning. */
export const ORDINARY_REQUEST = 'ordinary request'

export function probesFor(integration: Integration, route: ProbeRoute): Probe[] {
  const method = route.method === 'ANY' ? 'GET' : route.method
  const bodyMethod = ['POST', 'PUT', 'PATCH'].includes(method) ? method : 'POST'
  const ordinary = fill(route.path, () => '42')
  const hostile = fill(route.path, () => SPLITTING_SEGMENT)
  const base: RequestShape = {
    method,
    resource: route.path,
    ...ordinary,
    headers: { accept: 'application/json', 'user-agent': 'curl/8.5.0' },
    query: {},
    body: null,
    isBase64Encoded: false,
  }
  const shapes: Array<[string, RequestShape]> = [
    [ORDINARY_REQUEST, base],
    [
      'malformed JSON body',
      {
        ...base,
        method: route.method === 'ANY' ? bodyMethod : method,
        headers: { ...base.headers, 'content-type': 'application/json' },
        body: '{"id": 42, "items": [',
      },
    ],
    [
      'control characters in query and path',
      { ...base, ...hostile, query: { next: SPLITTING, q: 'a\u0000b' } },
    ],
    [
      'binary body',
      {
        ...base,
        method: route.method === 'ANY' ? bodyMethod : method,
        headers: { ...base.headers, 'content-type': 'application/octet-stream' },
        body: Buffer.from([0, 1, 2, 0xfe, 0xff, 0x89, 0x50, 0x4e, 0x47]).toString('base64'),
        isBase64Encoded: true,
      },
    ],
  ]
  return shapes.map(([name, shape]) => ({
    name,
    request: `${shape.method} ${shape.resource}`,
    event: eventOf(integration, shape),
  }))
}

const multi = (map: Record<string, string>) =>
  Object.fromEntries(Object.entries(map).map(([k, v]) => [k, [v]]))

/** The event `integration` sends for a request, from `@gateproof/testing`'s factories. */
function eventOf(integration: Integration, r: RequestShape): unknown {
  const hasQuery = Object.keys(r.query).length > 0
  const rawQuery = new URLSearchParams(r.query).toString()
  switch (integration) {
    case 'rest':
    case 'http-v1': {
      const base = eventFor(integration)
      return eventFor(integration, {
        httpMethod: r.method,
        path: r.path,
        resource: r.resource,
        pathParameters: r.pathParameters ?? null,
        headers: { ...base.headers, ...r.headers },
        multiValueHeaders: { ...base.multiValueHeaders, ...multi(r.headers) },
        queryStringParameters: hasQuery ? r.query : null,
        multiValueQueryStringParameters: hasQuery ? multi(r.query) : null,
        body: r.body,
        isBase64Encoded: r.isBase64Encoded,
        requestContext: {
          httpMethod: r.method,
          path: r.path,
          resourcePath: r.resource,
          ...(integration === 'http-v1' ? { routeKey: `${r.method} ${r.resource}` } : {}),
        },
      })
    }
    case 'http-v2':
    case 'function-url': {
      const base = eventFor(integration)
      const v2 = integration === 'http-v2'
      return eventFor(integration, {
        ...(v2 ? { routeKey: `${r.method} ${r.resource}` } : {}),
        rawPath: r.path,
        rawQueryString: rawQuery,
        headers: { ...base.headers, ...r.headers },
        ...(hasQuery ? { queryStringParameters: r.query } : {}),
        ...(v2 && r.pathParameters ? { pathParameters: r.pathParameters } : {}),
        ...(v2 && !r.pathParameters ? { pathParameters: undefined } : {}),
        ...(r.body === null ? {} : { body: r.body }),
        isBase64Encoded: r.isBase64Encoded,
        requestContext: {
          ...(v2 ? { routeKey: `${r.method} ${r.resource}` } : {}),
          http: { ...base.requestContext.http, method: r.method, path: r.path },
        },
      })
    }
    case 'alb': {
      const base = eventFor('alb')
      // ALB passes the query string as the client sent it: percent-encoded.
      const encoded = Object.fromEntries(
        Object.entries(r.query).map(([k, v]) => [k, encodeURIComponent(v)]),
      )
      return eventFor('alb', {
        httpMethod: r.method,
        path: r.path,
        headers: { ...base.headers, ...r.headers },
        queryStringParameters: encoded,
        body: r.body ?? '',
        isBase64Encoded: r.isBase64Encoded,
      })
    }
  }
}
