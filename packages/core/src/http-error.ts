import createHttpError, { type HttpError } from 'http-errors'

export interface GateproofErrorProps {
  /** The npm package that raised it, e.g. `@gateproof/load-shedder`. */
  package: string
  /** Safe, structured facts about the decision (logged, never rendered). */
  data?: Record<string, unknown>
  headers?: Record<string, string>
  errorType?: string
  expose?: boolean
  retryAfterSeconds?: number
}

export type GateproofHttpError = HttpError & {
  cause: { package: string; data?: Record<string, unknown> }
  headers?: Record<string, string>
  errorType?: string
  retryAfterSeconds?: number
}

/** An `http-errors` error in Middy's idiom: `cause: { package, data }`. */
export function gateproofError(
  status: number,
  message: string,
  props: GateproofErrorProps,
): GateproofHttpError {
  const { package: pkg, data, ...rest } = props
  const extra: Record<string, unknown> = { cause: { package: pkg, data } }
  for (const [key, value] of Object.entries(rest)) if (value !== undefined) extra[key] = value
  return createHttpError(status, message, extra) as GateproofHttpError
}
