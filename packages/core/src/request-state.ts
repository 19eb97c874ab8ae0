import type { Deadline } from './deadline.js'
import type { Integration } from './integration.js'

/** The part of a Middy request gateproof reads and writes. */
export interface RequestLike {
  event: unknown
  // biome-ignore lint/suspicious/noExplicitAny: Middy's own Request types context loosely
  context: any
  response?: unknown
  error?: unknown
  internal: Record<string, unknown>
}

/** `request.internal` key of a package's own entry: `gateproof.<package>`. */
export const internalKey = (pkg: string): string =>
  internalized(`gateproof.${pkg.replace(/^@gateproof\//, '')}`)

/**
 * The same string, as V8 stores property names. Middy's `request.internal` is a dictionary
 * (`Object.create(null)`): V8 looks a string built at run time up in its string table on
 * every access to such an object, ~0.2 µs each, several times per request and package; a
 * property name read back from an object is already internalized and costs a plain lookup.
 */
const internalized = (key: string): string => Object.keys({ [key]: true })[0] as string

/** Not yet asked: `frontDoor` is computed once, on first use. */
export const UNKNOWN_FRONT_DOOR = 0

/**
 * Everything gateproof keeps about one request, in one object under one
 * `request.internal` key (`gateproof`): one dictionary lookup per part instead of one per
 * fact, and one place to see what a request holds. Never module scope: Lambda Managed
 * Instances run many requests at once in one worker.
 *
 * A class, so every request's state has the same shape (V8 keeps its accesses monomorphic).
 */
export class RequestState {
  /** Which front door sent the event (`null`: none of them), once detected. */
  frontDoor: Integration | null | typeof UNKNOWN_FRONT_DOOR = UNKNOWN_FRONT_DOOR
  /** The deadline the timeout guard armed; the load shedder reads it. */
  deadline: Deadline | undefined = undefined
  /** A part stepped aside for an event that is not one of the five front doors. */
  steppedAside = false
  /** The failure of this request has been logged: no other part logs it again (H7). */
  failureLogged = false
  /** Each part's own per-request record. */
  timeoutGuard: unknown = undefined
  loadShedder: unknown = undefined
  errorMapper: unknown = undefined
  /** The response proxy-shape judged, so `requestEnd` does not judge it again. */
  proxyShape: unknown = undefined
  /** Set by the streaming execution mode: the request's stream state (`getStreamState`). */
  stream: unknown = undefined
}

const STATE_KEY = internalized('gateproof')

/**
 * The `request.internal` last looked up and its state. Every part asks for the state in each
 * of its hooks, a dozen times per request, and each lookup in Middy's null-prototype dictionary
 * costs ~100 instructions; the parts of one request ask one after another, so comparing with
 * the last one answers most of them. Only ever a copy of the dictionary's entry (written
 * together with it below); concurrent requests (Managed Instances) just miss more often.
 * It keeps one request's state reachable until the next request is looked up.
 */
let lastInternal: unknown = Symbol('no request yet')
let lastState: RequestState | undefined

/** The request's one state object, made on first use. */
export function requestState(request: RequestLike): RequestState {
  const { internal } = request
  if (internal === lastInternal && lastState !== undefined) return lastState
  const state = internal[STATE_KEY] as RequestState | undefined
  if (state === undefined) return createState(internal)
  lastInternal = internal
  lastState = state
  return state
}

/**
 * Makes the request's state, in a function of its own: inside `requestState`, asked ~7 times a
 * request, the `new` ran once in ~7 calls, too rarely for TurboFan to inline the constructor,
 * so every request paid a generic construct call (~180 instructions a request). Here it runs on
 * every call and is inlined. Not small enough to be inlined back into `requestState`.
 */
function createState(internal: Record<string, unknown>): RequestState {
  const state = new RequestState()
  internal[STATE_KEY] = state
  lastInternal = internal
  lastState = state
  return state
}

/** The request's state if a part made one; never makes one. */
export function peekRequestState(request: RequestLike): RequestState | undefined {
  const { internal } = request
  if (internal === lastInternal) return lastState
  const state = internal[STATE_KEY] as RequestState | undefined
  if (state !== undefined) {
    lastInternal = internal
    lastState = state
  }
  return state
}

/** Shares one request's deadline between the timeout guard and the load shedder. */
export function setRequestDeadline(request: RequestLike, deadline: Deadline): void {
  requestState(request).deadline = deadline
}

export function getRequestDeadline(request: RequestLike): Deadline | undefined {
  return peekRequestState(request)?.deadline
}

/** Records that this request's failure was logged; later parts then stay quiet (H7). */
export function markFailureLogged(request: RequestLike): void {
  requestState(request).failureLogged = true
}

export const isFailureLogged = (request: RequestLike): boolean =>
  peekRequestState(request)?.failureLogged === true
