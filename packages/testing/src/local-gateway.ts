import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  DEFAULT_INTEGRATION_TIMEOUT_MS,
  GateproofOptionsError,
  type Integration,
  isHttpApi,
} from '@gateproof/core'
import type { Context } from 'aws-lambda'
import { lambdaContext } from './context.js'
import { albEvent, functionUrlEvent, httpApiEvent, httpApiV1Event, restEvent } from './events.js'
import {
  createLocalAuthorizer,
  type LocalAuthorizerOptions,
  withAuthorizer,
} from './local-authorizer.js'
import { invokeBuffered, isStreamingHandler, serveStreaming, streamsTo } from './local-stream.js'
import { type ClientResponse, type FunctionOutcome, simulateGateway } from './simulate.js'

// biome-ignore lint/suspicious/noExplicitAny: any Lambda handler shape is accepted
export type AnyHandler = (event: any, context: Context) => unknown

export interface LocalGatewayOptions {
  handler: AnyHandler
  integration: Integration
  /** 0 (default) picks a free port. */
  port?: number
  /** Loopback only unless told otherwise. */
  host?: string
  /** The gateway's integration timeout; defaults to the front door's (REST 29 s, HTTP API 30 s, none for ALB/Function URL). */
  integrationTimeoutMs?: number | null
  /** The function's configured timeout: the context's remaining time starts here. */
  functionTimeoutMs?: number
  /** Invocations beyond this many at once are Lambda throttles. */
  reservedConcurrency?: number
  albMultiValueHeaders?: boolean
  binaryMediaTypes?: string[]
  /**
   * Resource templates such as `/orders/{id}` or `/files/{path+}`, optionally with a method
   * (`GET /orders/{id}`; none or `ANY` matches every method): the first that matches a request
   * fills `resource`/`routeKey` and `pathParameters`, as the API's routes would.
   */
  routes?: string[]
  /**
   * True: a request no route matches gets the gateway's own answer, as a deployed API gives it
   * (REST 403 `Missing Authentication Token`, HTTP API 404 `Not Found`) and the handler is not
   * invoked. False (default): the request's path is its own resource.
   */
  onlyRoutes?: boolean
  /** A Lambda authorizer in front of every route (issue 16): TOKEN/REQUEST on REST, Lambda authorizers on HTTP API. */
  authorizer?: LocalAuthorizerOptions
  /**
   * Authorizers per route, as an API attaches them to methods: keys are routes as in `routes`
   * with their method (`GET /orders/{id}`, `ANY /files/{path+}`); `null` means no authorizer.
   * A route not listed gets `authorizer`. Each options object is one authorizer with its own cache.
   */
  routeAuthorizers?: Record<string, LocalAuthorizerOptions | null>
  /**
   * The function timeout per route, when different functions stand behind the routes (each has
   * its own `Timeout`): keys as in `routeAuthorizers`; a route not listed gets `functionTimeoutMs`.
   */
  routeFunctionTimeoutMs?: Record<string, number>
  /**
   * The integration timeout per route, where the API sets one of its own (`TimeoutInMillis`):
   * keys as in `routeAuthorizers`; a route not listed gets `integrationTimeoutMs`.
   */
  routeIntegrationTimeoutMs?: Record<string, number>
  /**
   * Reserved concurrency per function, as Lambda counts it: keys are routes as in
   * `routeAuthorizers`, each naming the function behind it and that function's limit; routes of one
   * function share its count. Checked besides `reservedConcurrency`.
   */
  routeReservedConcurrency?: Record<string, { functionId: string; limit: number }>
  /**
   * REST `STREAM` routes (a streaming handler): the idle timeout between chunks, default
   * 300 000 (Regional, ST5); a stream silent that long is cut.
   */
  streamIdleTimeoutMs?: number
  /** Called once per request with what the function did and what the client got. */
  onExchange?: (exchange: Exchange) => void
}

export interface Exchange {
  method: string
  path: string
  /**
   * `unrouted`: no route matched and `onlyRoutes` is on, the handler was not invoked.
   * `unauthorized`: the authorizer refused (401/403/500), the handler was not invoked.
   */
  outcome: FunctionOutcome['kind'] | 'unrouted' | 'unauthorized'
  response: ClientResponse
  durationMs: number
  /** What the function did, when it ran buffered: its result or thrown value (to say why a 502). */
  function?: FunctionOutcome
}

export interface LocalGateway {
  url: string
  port: number
  /** Invocations still running, including those the gateway stopped waiting for. */
  readonly inFlight: number
  close(): Promise<void>
}

/**
 * An HTTP server on loopback that plays the front door: it turns each request into
 * that front door's event, invokes the handler with a context whose remaining time
 * counts down, enforces the integration and function timeouts and reserved
 * concurrency, and answers exactly as `simulateGateway` says the real one would.
 */
export async function startLocalGateway(options: LocalGatewayOptions): Promise<LocalGateway> {
  const integrationTimeoutMs =
    options.integrationTimeoutMs === null
      ? undefined
      : timerMs(
          'integrationTimeoutMs',
          options.integrationTimeoutMs ?? DEFAULT_INTEGRATION_TIMEOUT_MS[options.integration],
        )
  const functionTimeoutMs = timerMs('functionTimeoutMs', options.functionTimeoutMs ?? 30_000)
  const functionTimeoutFor = routeTimeouts(
    options,
    options.routeFunctionTimeoutMs,
    functionTimeoutMs,
  )
  const integrationTimeoutFor = routeTimeouts(
    options,
    options.routeIntegrationTimeoutMs,
    integrationTimeoutMs,
  )
  const authorizerFor = routeAuthorizers(options)
  const reservationFor = routeReservations(options)
  /** Invocations running per function, for `routeReservedConcurrency`. */
  const functionInFlight = new Map<string, number>()
  let inFlight = 0

  async function exchange(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = Date.now()
    const body = await readBody(req)
    const unrouted = isUnrouted(options, req)
    if (unrouted) {
      // The gateway's own answer carries its request id too (§6.1), though no event was made.
      answerWithoutHandler(req, res, startedAt, 'unrouted', unrouted, {
        ...unrouted.headers,
        ...gatewayHeaders(options.integration, { requestContext: { requestId: randomUUID() } }),
      })
      return
    }
    let event = toEvent(options, req, body, startedAt)
    const authorizer = authorizerFor(req)
    if (authorizer) {
      const authorization = await authorizer.authorize(event)
      if (!authorization.allowed) {
        const refused = authorization.view
        answerWithoutHandler(req, res, startedAt, 'unauthorized', refused, {
          ...refused.headers,
          ...gatewayHeaders(options.integration, event),
        })
        return
      }
      event = withAuthorizer(event, authorization.authorizer, options.integration)
    }
    if (isStreamingHandler(options.handler) && streamsTo(options.integration)) {
      return streamExchange(req, res, event, startedAt, functionTimeoutFor(req))
    }
    let outcome: FunctionOutcome
    const reservation = reservationFor(req)
    const running = reservation ? (functionInFlight.get(reservation.functionId) ?? 0) : 0
    if (
      (options.reservedConcurrency !== undefined && inFlight >= options.reservedConcurrency) ||
      (reservation !== undefined && running >= reservation.limit)
    ) {
      outcome = { kind: 'throttled' }
    } else {
      inFlight += 1
      if (reservation) functionInFlight.set(reservation.functionId, running + 1)
      outcome = await invoke(
        handler,
        event,
        functionTimeoutFor(req),
        integrationTimeoutFor(req),
        () => {
          inFlight -= 1
          if (reservation) {
            functionInFlight.set(
              reservation.functionId,
              (functionInFlight.get(reservation.functionId) ?? 1) - 1,
            )
          }
        },
      )
    }
    const response = simulateGateway(options.integration, outcome, {
      albMultiValueHeaders: options.albMultiValueHeaders,
      binaryMediaTypes: options.binaryMediaTypes,
      accept: header(req, 'accept'),
    })
    const headers: Record<string, string> = {
      ...response.headers,
      ...gatewayHeaders(options.integration, event),
    }
    res.writeHead(response.status, headers)
    res.end(Buffer.from(response.body, wasDecoded(outcome, response) ? 'latin1' : 'utf8'))
    report(req, startedAt, outcome.kind, response, outcome)
  }

  /** Tells `onExchange` what became of one request, timed from its arrival. */
  function report(
    req: IncomingMessage,
    startedAt: number,
    outcome: Exchange['outcome'],
    response: ClientResponse,
    fn?: FunctionOutcome,
  ): void {
    options.onExchange?.({
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      outcome,
      response,
      durationMs: Date.now() - startedAt,
      ...(fn ? { function: fn } : {}),
    })
  }

  /** The gateway answers on its own (no route matched, the authorizer refused): the handler never runs. */
  function answerWithoutHandler(
    req: IncomingMessage,
    res: ServerResponse,
    startedAt: number,
    outcome: 'unrouted' | 'unauthorized',
    response: ClientResponse,
    headers: Record<string, string>,
  ): void {
    res.writeHead(response.status, headers)
    res.end(response.body)
    report(req, startedAt, outcome, response)
  }

  /** A streaming handler behind REST (`STREAM`) or a Function URL: chunk by chunk (§11). */
  async function streamExchange(
    req: IncomingMessage,
    res: ServerResponse,
    event: unknown,
    startedAt: number,
    functionTimeoutMs: number,
  ): Promise<void> {
    inFlight += 1
    let result: Awaited<ReturnType<typeof serveStreaming>>
    try {
      result = await serveStreaming(options.handler, event, res, {
        integration: options.integration,
        functionTimeoutMs,
        idleTimeoutMs:
          options.integration === 'rest' ? (options.streamIdleTimeoutMs ?? 300_000) : undefined,
        extraHeaders: gatewayHeaders(options.integration, event),
      })
    } finally {
      inFlight -= 1
    }
    const failedEarly = result === 'failed-before-prelude'
    report(
      req,
      startedAt,
      result === 'complete' || result === 'truncated'
        ? 'returned'
        : failedEarly
          ? 'threw'
          : 'function-timeout',
      {
        status: res.statusCode,
        headers: {},
        body: '',
        gatewayError:
          failedEarly || (result !== 'complete' && result !== 'truncated' && !res.headersSent),
        rows: failedEarly
          ? ['ST8', 'ST20']
          : result === 'complete'
            ? ['ST2', 'ST3']
            : ['ST9', 'ST21'],
        confirmed: result === 'complete',
      },
    )
  }

  // A streaming handler behind HTTP API or ALB: they do not stream, the response arrives whole (ST31, ST32).
  const handler: AnyHandler = isStreamingHandler(options.handler)
    ? async (event) => {
        const outcome = await invokeBuffered(options.handler, event, functionTimeoutMs)
        if (outcome.kind === 'threw') throw outcome.error
        return outcome.kind === 'returned' ? outcome.value : undefined
      }
    : options.handler

  const server: Server = createServer((req, res) => {
    exchange(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' })
      res.end(`local gateway failure: ${String(error)}`)
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    get inFlight() {
      return inFlight
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}

/**
 * Runs the handler the way Lambda does behind a gateway: the gateway stops waiting at
 * its integration timeout while the invocation keeps its slot until it settles or
 * Lambda's own timeout ends it.
 */
function invoke(
  handler: AnyHandler,
  event: unknown,
  functionTimeoutMs: number,
  integrationTimeoutMs: number | undefined,
  release: () => void,
): Promise<FunctionOutcome> {
  const context = lambdaContext({ remainingMs: functionTimeoutMs })
  return new Promise<FunctionOutcome>((resolve) => {
    let answered = false
    const answer = (outcome: FunctionOutcome) => {
      if (answered) return
      answered = true
      resolve(outcome)
    }
    const functionTimer = setTimeout(() => {
      finish()
      answer({ kind: 'function-timeout' })
    }, functionTimeoutMs)
    const integrationTimer =
      integrationTimeoutMs === undefined
        ? undefined
        : setTimeout(() => answer({ kind: 'integration-timeout' }), integrationTimeoutMs)
    let finished = false
    function finish() {
      if (finished) return
      finished = true
      clearTimeout(functionTimer)
      clearTimeout(integrationTimer)
      release()
    }
    Promise.resolve()
      .then(() => handler(event, context))
      .then(
        (value) => {
          finish()
          answer({ kind: 'returned', value })
        },
        (error: unknown) => {
          finish()
          answer({ kind: 'threw', error })
        },
      )
  })
}

/** The simulator returns a base64-decoded body as a latin1 string of its bytes. */
function wasDecoded(outcome: FunctionOutcome, response: ClientResponse): boolean {
  if (outcome.kind !== 'returned' || response.gatewayError) return false
  const value = outcome.value as { isBase64Encoded?: unknown; body?: unknown } | null
  return value?.isBase64Encoded === true && value.body !== response.body
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name]
  return Array.isArray(value) ? value.join(', ') : value
}

const TEXT_TYPES =
  /^(text\/|application\/(json|.*\+json|xml|.*\+xml|x-www-form-urlencoded|javascript))/

function toEvent(
  options: LocalGatewayOptions,
  req: IncomingMessage,
  raw: Buffer,
  arrivedAt: number,
): unknown {
  const url = new URL(req.url ?? '/', 'http://localhost')
  const method = req.method ?? 'GET'
  const isText = raw.length === 0 || TEXT_TYPES.test(header(req, 'content-type') ?? 'text/plain')
  const body = raw.length === 0 ? null : isText ? raw.toString('utf8') : raw.toString('base64')
  const headers: Record<string, string> = {}
  const multiValueHeaders: Record<string, string[]> = {}
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] as string
    const value = req.rawHeaders[i + 1] as string
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`
    multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), value]
  }
  const query: Record<string, string> = {}
  const multiQuery: Record<string, string[]> = {}
  for (const [key, value] of url.searchParams) {
    query[key] = value
    multiQuery[key] = [...(multiQuery[key] ?? []), value]
  }
  const hasQuery = Object.keys(query).length > 0
  const requestId = randomUUID()
  const route = matchRoute(options.routes ?? [], url.pathname, method)
  // A route without parameters gives no pathParameters, as API Gateway's events have none.
  const pathParameters =
    route && Object.keys(route.pathParameters).length > 0 ? route.pathParameters : undefined
  switch (options.integration) {
    case 'rest':
    case 'http-v1': {
      const factory = options.integration === 'rest' ? restEvent : httpApiV1Event
      return factory(
        {
          path: url.pathname,
          httpMethod: method,
          resource: route?.resource ?? url.pathname,
          headers,
          multiValueHeaders,
          queryStringParameters: hasQuery ? query : null,
          multiValueQueryStringParameters: hasQuery ? multiQuery : null,
          pathParameters: pathParameters ?? null,
          body,
          isBase64Encoded: !isText,
          requestContext: {
            requestId,
            httpMethod: method,
            path: url.pathname,
            resourcePath: route?.resource ?? url.pathname,
          },
        },
        { arrivedAt },
      )
    }
    case 'http-v2':
    case 'function-url': {
      const factory = options.integration === 'http-v2' ? httpApiEvent : functionUrlEvent
      const base = factory(undefined, { arrivedAt })
      const lower = Object.fromEntries(
        Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]),
      )
      return factory(
        {
          rawPath: url.pathname,
          rawQueryString: url.search.slice(1),
          routeKey:
            options.integration === 'http-v2'
              ? (route?.routeKey ?? `${method} ${url.pathname}`)
              : '$default',
          headers: { ...lower, host: base.headers.host ?? lower.host ?? '' },
          cookies: lower.cookie ? lower.cookie.split(/;\s*/) : undefined,
          queryStringParameters: hasQuery ? query : undefined,
          pathParameters: options.integration === 'http-v2' ? pathParameters : undefined,
          body: body ?? undefined,
          isBase64Encoded: !isText,
          requestContext: {
            ...base.requestContext,
            requestId,
            http: { ...base.requestContext.http, method, path: url.pathname },
          },
        },
        { arrivedAt },
      )
    }
    case 'alb': {
      const multi = options.albMultiValueHeaders === true
      const base = albEvent(undefined, { arrivedAt, multiValueHeaders: multi })
      const lower = Object.fromEntries(
        Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]),
      )
      const trace =
        base.headers?.['x-amzn-trace-id'] ?? base.multiValueHeaders?.['x-amzn-trace-id']?.[0]
      const withTrace = { ...lower, 'x-amzn-trace-id': trace ?? '' }
      return albEvent(
        {
          httpMethod: method,
          path: url.pathname,
          body: body ?? '',
          isBase64Encoded: !isText,
          ...(multi
            ? {
                multiValueHeaders: Object.fromEntries(
                  Object.entries(withTrace).map(([k, v]) => [k, [v]]),
                ),
                multiValueQueryStringParameters: multiQuery,
              }
            : { headers: withTrace, queryStringParameters: query }),
        },
        { arrivedAt, multiValueHeaders: multi },
      )
    }
  }
}

/**
 * Matches `/orders/{id}` and greedy `/files/{path+}` templates, each optionally preceded by a
 * method (`GET /orders/{id}`), against a request. `routeKey` is HTTP API's: the route's method
 * (`ANY` when it has none) and template.
 */
export function matchRoute(
  routes: readonly string[],
  path: string,
  method?: string,
): { resource: string; routeKey: string; pathParameters: Record<string, string> } | undefined {
  for (const route of routes) {
    const spaced = /^([A-Za-z]+)\s+(\S+)$/.exec(route.trim())
    const routeMethod = (spaced?.[1] ?? 'ANY').toUpperCase()
    const resource = spaced?.[2] ?? route.trim()
    if (method !== undefined && routeMethod !== 'ANY' && routeMethod !== method.toUpperCase()) {
      continue
    }
    const names: string[] = []
    const pattern = resource
      .split('/')
      .map((segment) => {
        const param = /^\{([^}+]+)(\+?)\}$/.exec(segment)
        if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        names.push(param[1] as string)
        return param[2] ? '(.+)' : '([^/]+)'
      })
      .join('/')
    const match = new RegExp(`^${pattern}$`).exec(path)
    if (!match) continue
    const pathParameters = Object.fromEntries(
      names.map((name, i) => [name, decodeSegment(match[i + 1] as string)]),
    )
    return { resource, routeKey: `${routeMethod} ${resource}`, pathParameters }
  }
  return undefined
}

/** A percent-decoded path segment; a malformed escape (`%E0%A4%A`) stays as it came. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

type LocalAuthorizer = ReturnType<typeof createLocalAuthorizer>

/** Which authorizer stands in front of a request's route: `routeAuthorizers`, else `authorizer`. */
function routeAuthorizers(
  options: LocalGatewayOptions,
): (req: IncomingMessage) => LocalAuthorizer | undefined {
  // One authorizer (and one result cache) per options object, as API Gateway has per authorizer.
  const made = new Map<LocalAuthorizerOptions, LocalAuthorizer>()
  const make = (authorizer: LocalAuthorizerOptions | null | undefined) => {
    if (!authorizer) return undefined
    let local = made.get(authorizer)
    if (!local) {
      local = createLocalAuthorizer(authorizer, options.integration)
      made.set(authorizer, local)
    }
    return local
  }
  const fallback = make(options.authorizer)
  const byRoute = new Map<string, LocalAuthorizer | undefined>()
  for (const [route, authorizer] of Object.entries(options.routeAuthorizers ?? {})) {
    const spaced = /^([A-Za-z]+)\s+(\S+)$/.exec(route.trim())
    if (!spaced) {
      throw new GateproofOptionsError(
        '@gateproof/testing',
        `routeAuthorizers keys are routes with their method, such as "GET /orders/{id}"; got ${JSON.stringify(route)}`,
      )
    }
    byRoute.set(`${spaced[1]?.toUpperCase()} ${spaced[2]}`, make(authorizer))
  }
  if (byRoute.size === 0) return () => fallback
  return (req) => {
    const url = new URL(req.url ?? '/', 'http://local')
    const route = matchRoute(options.routes ?? [], url.pathname, req.method ?? 'GET')
    return route && byRoute.has(route.routeKey) ? byRoute.get(route.routeKey) : fallback
  }
}

/** Each request's function reservation (`routeReservedConcurrency`), when its route has one. */
function routeReservations(
  options: LocalGatewayOptions,
): (req: IncomingMessage) => { functionId: string; limit: number } | undefined {
  const byRoute = new Map<string, { functionId: string; limit: number }>()
  for (const [route, reservation] of Object.entries(options.routeReservedConcurrency ?? {})) {
    const spaced = /^([A-Za-z]+)\s+(\S+)$/.exec(route.trim())
    if (
      !spaced ||
      typeof reservation?.functionId !== 'string' ||
      !Number.isInteger(reservation.limit) ||
      reservation.limit < 0
    ) {
      throw new GateproofOptionsError(
        '@gateproof/testing',
        `routeReservedConcurrency maps routes with their method, such as "GET /orders/{id}", to { functionId, limit } (a whole number ≥ 0); got ${JSON.stringify(route)}`,
      )
    }
    byRoute.set(`${spaced[1]?.toUpperCase()} ${spaced[2]}`, reservation)
  }
  if (byRoute.size === 0) return () => undefined
  return (req) => {
    const url = new URL(req.url ?? '/', 'http://local')
    const route = matchRoute(options.routes ?? [], url.pathname, req.method ?? 'GET')
    return route ? byRoute.get(route.routeKey) : undefined
  }
}

/**
 * Whole milliseconds a timer can wait: Node holds at most 2^31 − 1 and fires a longer one after
 * 1 ms, which would make every slower request the gateway's 502 or 504 (F-timeout, §4).
 */
const MAX_TIMER_MS = 2_147_483_647
const isTimerMs = (ms: unknown): ms is number =>
  Number.isInteger(ms) && (ms as number) >= 1 && (ms as number) <= MAX_TIMER_MS

/** A timeout option, or the error that names it and its range. */
function timerMs<T extends number | undefined>(name: string, ms: T): T {
  if (ms !== undefined && !isTimerMs(ms)) {
    throw new GateproofOptionsError(
      '@gateproof/testing',
      `${name} must be whole milliseconds from 1 to ${MAX_TIMER_MS}; got ${JSON.stringify(ms)}`,
    )
  }
  return ms
}

/**
 * Each request's timeout from a per-route table (`routeFunctionTimeoutMs`,
 * `routeIntegrationTimeoutMs`), else `fallback`.
 */
function routeTimeouts<T extends number | undefined>(
  options: LocalGatewayOptions,
  table: Record<string, number> | undefined,
  fallback: T,
): (req: IncomingMessage) => number | T {
  const byRoute = new Map<string, number>()
  for (const [route, timeoutMs] of Object.entries(table ?? {})) {
    const spaced = /^([A-Za-z]+)\s+(\S+)$/.exec(route.trim())
    if (!spaced || !isTimerMs(timeoutMs)) {
      throw new GateproofOptionsError(
        '@gateproof/testing',
        `per-route timeouts map routes with their method, such as "GET /orders/{id}", to whole milliseconds from 1 to ${MAX_TIMER_MS}; got ${JSON.stringify(route)}: ${JSON.stringify(timeoutMs)}`,
      )
    }
    byRoute.set(`${spaced[1]?.toUpperCase()} ${spaced[2]}`, timeoutMs)
  }
  if (byRoute.size === 0) return () => fallback
  return (req) => {
    const url = new URL(req.url ?? '/', 'http://local')
    const route = matchRoute(options.routes ?? [], url.pathname, req.method ?? 'GET')
    return (route && byRoute.get(route.routeKey)) ?? fallback
  }
}

/** The gateway's own answer to a request no route matches, when routes are all there is. */
function isUnrouted(
  options: LocalGatewayOptions,
  req: IncomingMessage,
): ClientResponse | undefined {
  if (
    !options.onlyRoutes ||
    options.integration === 'alb' ||
    options.integration === 'function-url'
  )
    return undefined
  const path = new URL(req.url ?? '/', 'http://localhost').pathname
  if (matchRoute(options.routes ?? [], path, req.method ?? 'GET')) return undefined
  if (options.integration === 'rest') {
    return {
      status: 403,
      headers: {
        'Content-Type': 'application/json',
        'x-amzn-ErrorType': 'MissingAuthenticationTokenException',
      },
      body: '{"message":"Missing Authentication Token"}',
      gatewayError: true,
      rows: ['GR-missing-route'],
      confirmed: true,
    }
  }
  return {
    status: 404,
    headers: { 'content-type': 'application/json' },
    body: '{"message":"Not Found"}',
    gatewayError: true,
    rows: ['unconfirmed'],
    confirmed: false,
  }
}

function gatewayHeaders(integration: Integration, event: unknown): Record<string, string> {
  const requestId = (event as { requestContext?: { requestId?: string } }).requestContext?.requestId
  if (!requestId) return {}
  if (integration === 'rest') return { 'x-amzn-RequestId': requestId }
  if (isHttpApi(integration)) return { 'apigw-requestid': requestId }
  return { 'x-amzn-RequestId': requestId }
}
