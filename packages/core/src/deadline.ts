import { type Clock, systemClock } from './clock.js'
import { getHeader } from './headers.js'
import { detectIntegration, type Integration, isHttpApi, isObject } from './integration.js'

/**
 * How long each front door waits for the function before answering on its own
 * (gateway-facts §2.2). ALB and Function URLs wait for the function's own timeout.
 */
export const DEFAULT_INTEGRATION_TIMEOUT_MS: Readonly<Record<Integration, number | undefined>> = {
  rest: 29_000,
  'http-v1': 30_000,
  'http-v2': 30_000,
  alb: undefined,
  'function-url': undefined,
}

/** Enough to render the error, write the log line and flush the EMF line. */
export const DEFAULT_MARGIN_MS = 500

const TRACE_TIME = /(?:^|;)\s*(Self|Root)=1-([0-9a-fA-F]{8})-/g

/**
 * Epoch milliseconds encoded in an `X-Amzn-Trace-Id` header (1-second resolution).
 * `Self=` is the load balancer's own segment; `Root=` may have come from the client.
 */
export function traceIdTime(header: string | undefined): number | undefined {
  if (header === undefined) return undefined
  let root: number | undefined
  for (const match of header.matchAll(TRACE_TIME)) {
    const ms = Number.parseInt(match[2] as string, 16) * 1000
    if (ms === 0) continue
    if (match[1] === 'Self') return ms
    root ??= ms
  }
  return root
}

/** When the front door received the request, in epoch ms, if the event says. */
export function gatewayArrivalTime(
  event: unknown,
  integration: Integration | undefined = detectIntegration(event),
): number | undefined {
  if (!isObject(event)) return undefined
  const requestContext = isObject(event.requestContext) ? event.requestContext : undefined
  switch (integration) {
    case 'rest':
    case 'http-v1':
      return epochMs(requestContext?.requestTimeEpoch)
    case 'http-v2':
    case 'function-url':
      return epochMs(requestContext?.timeEpoch)
    case 'alb': {
      const single = getHeader(event.headers, 'x-amzn-trace-id')
      const multi = getHeader(event.multiValueHeaders, 'x-amzn-trace-id')
      const value = single ?? (Array.isArray(multi) ? multi.at(-1) : multi)
      return traceIdTime(typeof value === 'string' ? value : undefined)
    }
    default:
      return undefined
  }
}

// A zero or negative epoch is a hand-written test event, not an arrival time.
const epochMs = (value: unknown): number | undefined => {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined
}

export interface LambdaContextLike {
  getRemainingTimeInMillis?: () => number
}

export interface DeadlineOptions {
  /** The front door; detected from the event when omitted. */
  integration?: Integration
  /**
   * The integration timeout in ms, for a REST API whose quota was raised or an
   * integration with its own `timeoutInMillis`. `null` means the gateway imposes none.
   */
  integrationTimeoutMs?: number | null
  /** Time kept back to render, log and flush before the earlier limit. */
  marginMs?: number
  clock?: Clock
}

export interface Deadline {
  integration: Integration | undefined
  /** When the deadline was computed. */
  computedAt: number
  /** When the front door received the request, if the event says. */
  arrivalAt: number | undefined
  integrationTimeoutMs: number | undefined
  /** When the front door stops waiting, if it has a limit and the event has an arrival time. */
  gatewayDeadlineAt: number | undefined
  /** When Lambda ends the invocation, if the context says. */
  lambdaDeadlineAt: number | undefined
  marginMs: number
  /** `min(gateway, Lambda) − margin`; `Infinity` when neither limit is known. */
  at: number
  /** Which limit `at` comes from. */
  boundBy: 'gateway' | 'lambda' | 'none'
}

/**
 * The moment past which no answer is worth producing:
 * `min(Lambda remaining, gateway arrival + integration timeout) − margin`.
 */
export function computeDeadline(
  event: unknown,
  context: LambdaContextLike | undefined,
  options: DeadlineOptions = {},
): Deadline {
  const clock = options.clock ?? systemClock
  // Lambda's remaining time first, then the clock: `now` is then the latest reading of the two,
  // the one a caller may decide at with nothing but gateproof's code run since.
  const remaining = context?.getRemainingTimeInMillis?.()
  const now = clock.now()
  const integration = options.integration ?? detectIntegration(event)
  const marginMs = options.marginMs ?? DEFAULT_MARGIN_MS
  const integrationTimeoutMs =
    options.integrationTimeoutMs === null
      ? undefined
      : (options.integrationTimeoutMs ??
        (integration ? DEFAULT_INTEGRATION_TIMEOUT_MS[integration] : undefined))
  const arrivalAt = gatewayArrivalTime(event, integration)
  // The gateway received the request before the function did: an arrival stamped later than
  // `now` is the gateway's clock running ahead, and its timer started no later than `now` (§4).
  const gatewayDeadlineAt =
    integrationTimeoutMs !== undefined && arrivalAt !== undefined
      ? Math.min(arrivalAt, now) + integrationTimeoutMs
      : undefined
  const lambdaDeadlineAt =
    typeof remaining === 'number' && Number.isFinite(remaining) ? now + remaining : undefined

  let limit = Number.POSITIVE_INFINITY
  let boundBy: Deadline['boundBy'] = 'none'
  if (lambdaDeadlineAt !== undefined) {
    limit = lambdaDeadlineAt
    boundBy = 'lambda'
  }
  if (gatewayDeadlineAt !== undefined && gatewayDeadlineAt < limit) {
    limit = gatewayDeadlineAt
    boundBy = 'gateway'
  }
  return {
    integration,
    computedAt: now,
    arrivalAt,
    integrationTimeoutMs,
    gatewayDeadlineAt,
    lambdaDeadlineAt,
    marginMs,
    at: limit - marginMs,
    boundBy,
  }
}

/** Milliseconds left before the deadline (negative once it has passed). */
export const remainingMs = (deadline: Deadline, clock: Clock = systemClock): number =>
  deadline.at - clock.now()

/** Milliseconds the request had already spent at the front door when the function saw it. */
export const ageAtArrivalMs = (deadline: Deadline): number | undefined =>
  deadline.arrivalAt === undefined ? undefined : deadline.computedAt - deadline.arrivalAt

/**
 * What a front door answers when it gives up waiting: REST 504, HTTP API 503
 * (gateway-facts §2.1 "Integration timeout"). gateproof's own timeouts match it.
 */
export const timeoutStatusFor = (integration: Integration | undefined): 503 | 504 =>
  isHttpApi(integration) ? 503 : 504
