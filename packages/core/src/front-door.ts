import { detectIntegration, type Integration } from './integration.js'
import { type RequestLike, type RequestState, requestState } from './request-state.js'

/**
 * Which front door sent the request's event — the forced `integration` option wins — or
 * `undefined` when it is none of the five (SQS, SNS, EventBridge, a warmer ping, `{}`).
 * Detected once per request and kept in its state; a hostile event detects as none.
 */
export function frontDoorOf(request: RequestLike, forced?: Integration): Integration | undefined {
  if (forced !== undefined) return forced
  const state = requestState(request)
  const known = state.frontDoor
  // Told apart by `typeof`: the field holds a string, `null` or 0, and V8 compares values of
  // mixed kinds with `===` through a builtin call (every part asks, several times a request).
  if (typeof known === 'string') return known
  return known === null ? undefined : detectFrontDoor(request, state)
}

function detectFrontDoor(request: RequestLike, state: RequestState): Integration | undefined {
  let detected: Integration | undefined
  try {
    detected = detectIntegration(request.event)
  } catch {
    detected = undefined
  }
  state.frontDoor = detected ?? null
  return detected
}

/**
 * H2: gateproof touches only the five HTTP front doors. For any other event every part
 * steps aside — the result goes back as it is, errors are rethrown (so Lambda retries,
 * reports partial batch failures, sends to a DLQ), nothing is shed or timed. Returns
 * true the first time a request is marked, so exactly one part logs it.
 */
export function markSteppedAside(request: RequestLike): boolean {
  const state = requestState(request)
  if (state.steppedAside) return false
  state.steppedAside = true
  return true
}

export const isSteppedAside = (request: RequestLike): boolean => requestState(request).steppedAside
