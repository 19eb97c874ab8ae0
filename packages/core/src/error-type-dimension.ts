import { ERROR_TYPES, errorTypeFor } from './status.js'

/** The `ErrorType` dimension of an error type that is neither built in nor registered (H8). */
export const OTHER_ERROR_TYPE = 'Other'

const BUILT_IN: ReadonlySet<string> = new Set(Object.values(ERROR_TYPES))

export interface ErrorTypeDimensionOptions {
  /** The response status: the type the status table gives it is always kept. */
  status?: number
  /** Custom types registered in options (`metricErrorTypes`). */
  allowed?: ReadonlySet<string> | readonly string[]
  /** `errorTypes` overrides of the status table. */
  overrides?: Readonly<Record<number, string>>
}

const inList = (list: ReadonlySet<string> | readonly string[], item: string): boolean =>
  Array.isArray(list) ? list.includes(item) : (list as ReadonlySet<string>).has(item)

/**
 * The `ErrorType` metric dimension of an error type. A thrown error's own `errorType`
 * may reach the `x-amzn-ErrorType` header, but each distinct dimension value is a new
 * CloudWatch metric series (a cost, and a limit): only the built-in types, the status's
 * own type, `errorTypes` overrides and the `allowed` list are kept; anything else
 * counts as `Other`.
 */
export function errorTypeDimension(
  errorType: string,
  { status, allowed, overrides }: ErrorTypeDimensionOptions = {},
): string {
  if (BUILT_IN.has(errorType)) return errorType
  if (allowed !== undefined && inList(allowed, errorType)) return errorType
  if (status !== undefined && errorType === errorTypeFor(status, overrides)) return errorType
  if (overrides !== undefined && Object.values(overrides).includes(errorType)) return errorType
  return OTHER_ERROR_TYPE
}
