import type { Deadline } from './deadline.js'

/** The part of a Middy request gateproof reads and writes. */
export interface RequestLike {
  event: unknown
  // biome-ignore lint/suspicious/noExplicitAny: Middy's own Request types context loosely
  context: any
  response?: unknown
  error?: unknown
  internal: Record<string, unknown>
}

/** `request.internal` key of a package's per-request state: `gateproof.<package>`. */
export const internalKey = (pkg: string): string =>
  internalized(`gateproof.${pkg.replace(/^@gateproof\//, '')}`)

/**
 * The same string, as V8 stores property names. Middy's `request.internal` is a dictionary
 * (`Object.create(null)`): V8 looks a string built at run time up in its string table on
 * every access to such an object, ~0.2 µs each, several times per request and package; a
 * property name read back from an object is already internalized and costs a plain lookup.
 */
const internalized = (key: string): string => Object.keys({ [key]: true })[0] as string

const DEADLINE_KEY = 'gateproof.deadline'

/** Shares one request's deadline between the timeout guard and the load shedder. */
export function setRequestDeadline(request: RequestLike, deadline: Deadline): void {
  request.internal[DEADLINE_KEY] = deadline
}

export function getRequestDeadline(request: RequestLike): Deadline | undefined {
  return request.internal[DEADLINE_KEY] as Deadline | undefined
}
