import { describeThrown } from '@gateproof/error-mapper'

/** What an authorizer decides on about a thrown value, read without trusting it. */
export interface ThrownView {
  /** `name`, else the constructor's, else the primitive's type. */
  name: string
  /** `message`, else the value as it prints (a thrown string is its own message). */
  message: string
  /** `statusCode`, else `status`, when it is a number. */
  status: number | undefined
}

// TODO(core readThrown): switch to @gateproof/core's readThrown once it is on main.
const numberField = (value: unknown, key: string): number | undefined => {
  if ((typeof value !== 'object' || value === null) && typeof value !== 'function') return undefined
  try {
    const field = (value as Record<string, unknown>)[key]
    return typeof field === 'number' ? field : undefined
  } catch {
    return undefined
  }
}

/** Reads a thrown value once: throwing getters and Proxies read as absent, never throw. */
export function viewThrown(value: unknown): ThrownView {
  const { name, message } = describeThrown(value)
  return { name, message, status: numberField(value, 'statusCode') ?? numberField(value, 'status') }
}

/** AZ9: the author's 401, in whatever shape it was thrown. */
export const defaultUnauthorizedWhen = (thrown: ThrownView): boolean =>
  thrown.status === 401 || thrown.message.trim().toLowerCase() === 'unauthorized'
