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
export const internalKey = (pkg: string): string => `gateproof.${pkg.replace(/^@gateproof\//, '')}`

const DEADLINE_KEY = 'gateproof.deadline'

/** Shares one request's deadline between the timeout guard and the load shedder. */
export function setRequestDeadline(request: RequestLike, deadline: Deadline): void {
  request.internal[DEADLINE_KEY] = deadline
}

export function getRequestDeadline(request: RequestLike): Deadline | undefined {
  return request.internal[DEADLINE_KEY] as Deadline | undefined
}
