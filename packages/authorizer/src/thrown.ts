import { describeThrown, readThrown } from '@gateproof/core'

/** What an authorizer decides on about a thrown value, read once, without trusting it. */
export interface ThrownView {
  /** `name`, else the constructor's, else the primitive's type. */
  name: string
  /** `message`, else the value as it prints (a thrown string is its own message). */
  message: string
  /** `statusCode`, else `status`, when it is a number. */
  status: number | undefined
}

/** Core's one reader: throwing getters and Proxies read as absent, never throw. */
export function viewThrown(value: unknown): ThrownView {
  const { name, message } = describeThrown(value)
  return { name, message, status: readThrown(value).status }
}

/** AZ9: the author's 401, in whatever shape it was thrown. */
export const defaultUnauthorizedWhen = (thrown: ThrownView): boolean =>
  thrown.status === 401 || thrown.message.trim().toLowerCase() === 'unauthorized'
