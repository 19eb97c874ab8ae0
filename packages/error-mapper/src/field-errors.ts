import { isObject } from '@gateproof/core'

/**
 * One field-level validation problem as the client sees it, shaped like the
 * `errors` example of RFC 9457 §3: where (a JSON Pointer fragment) and what.
 * Never the rejected value.
 */
export interface FieldError {
  pointer: string
  detail: string
}

/** Keeps a hostile or huge payload from turning into a huge response. */
export const MAX_FIELD_ERRORS = 20
const MAX_DETAIL_LENGTH = 200

const escapeToken = (token: string): string => token.replaceAll('~', '~0').replaceAll('/', '~1')

const truncate = (text: string): string =>
  text.length > MAX_DETAIL_LENGTH ? `${text.slice(0, MAX_DETAIL_LENGTH - 1)}…` : text

function pathToken(segment: unknown): string {
  const key = isObject(segment) ? segment.key : segment
  if (typeof key === 'symbol') return escapeToken(key.description ?? '')
  return escapeToken(String(key))
}

/** Standard Schema / zod issues: `{ message, path?: (PropertyKey | { key })[] }`. */
export const isIssueList = (value: unknown): value is Array<Record<string, unknown>> =>
  Array.isArray(value) &&
  value.length > 0 &&
  value.every((issue) => isObject(issue) && typeof issue.message === 'string')

export function issuesToFieldErrors(issues: unknown): FieldError[] {
  if (!isIssueList(issues)) return []
  return issues.slice(0, MAX_FIELD_ERRORS).map((issue) => {
    const path = Array.isArray(issue.path) ? issue.path : []
    return {
      pointer: `#${path.map((segment) => `/${pathToken(segment)}`).join('')}`,
      detail: truncate(String(issue.message)),
    }
  })
}

/** Ajv errors (what `@middy/validator` puts in `cause.data`): `{ instancePath, message }`. */
export function ajvToFieldErrors(errors: unknown): FieldError[] {
  if (!Array.isArray(errors)) return []
  return errors
    .filter((error): error is Record<string, unknown> => isObject(error))
    .slice(0, MAX_FIELD_ERRORS)
    .map((error) => ({
      pointer: `#${typeof error.instancePath === 'string' ? error.instancePath : ''}`,
      detail: truncate(typeof error.message === 'string' ? error.message : 'is invalid'),
    }))
}
