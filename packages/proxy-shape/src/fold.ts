import { findHeaderKey, getHeader, hasSplittingChars, isObject, setOwnEntry } from '@gateproof/core'
import { cookieList, type HeaderMap, multiValueList, scalarText } from './fields.js'
import type { Pass } from './pass.js'
import type { ShapeProfile } from './profiles.js'

/** The three places a response can carry headers. */
export interface HeaderFields {
  headers: HeaderMap | null | undefined
  multiValueHeaders: Record<string, string[]> | undefined
  cookies: string[] | undefined
}

const SET_COOKIE = 'set-cookie'

/** Whether any header sits where this front door does not read it (cheap, for the valid path). */
export function needsFolding(fields: HeaderFields, profile: ShapeProfile): boolean {
  switch (profile.headerLayout) {
    case 'both':
      return fields.cookies !== undefined
    case 'single-optional':
      return fields.multiValueHeaders !== undefined
    case 'single-required':
      return fields.multiValueHeaders !== undefined || fields.cookies !== undefined
    case 'multi-required':
      return isObject(fields.headers) || fields.cookies !== undefined
  }
}

/**
 * Moves headers from a field this front door does not read into the one it does:
 * `multiValueHeaders` into `headers` (HTTP API 2.0 joins values with commas, H2-6),
 * `headers` into `multiValueHeaders` (ALB in multi-value mode, A2), `cookies` into
 * `Set-Cookie` headers. Several `Set-Cookie` values cannot share one header line, so
 * a front door that reads only `headers` and has no `cookies` cannot take them.
 */
export function foldHeaders(fields: HeaderFields, pass: Pass): HeaderFields {
  const { headerLayout, cookies: readsCookies } = pass.profile
  let { headers, multiValueHeaders, cookies } = fields
  const single = headerLayout === 'single-optional' || headerLayout === 'single-required'

  // A checking pass sees values not yet repaired: it only records where headers end up.
  const { repairing } = pass

  if (single && multiValueHeaders !== undefined) {
    pass.flag(
      'header-field',
      '$.multiValueHeaders',
      'this front door reads only headers; values joined into headers',
    )
    headers = { ...headers }
    if (repairing) {
      for (const [name, values] of Object.entries(multiValueHeaders)) {
        if (readsCookies && name.toLowerCase() === SET_COOKIE)
          cookies = [...(cookies ?? []), ...values]
        else joinInto(headers, name, values)
      }
    }
    multiValueHeaders = undefined
  }
  if (headerLayout === 'multi-required' && isObject(headers)) {
    pass.flag(
      'header-field',
      '$.headers',
      'this target group uses multi-value headers; moved to multiValueHeaders',
    )
    multiValueHeaders = { ...multiValueHeaders }
    if (repairing) {
      for (const [name, value] of Object.entries(headers)) {
        appendInto(multiValueHeaders, name, [String(value)])
      }
    }
    headers = undefined
  }
  if (cookies !== undefined && !readsCookies) {
    pass.flag(
      'header-field',
      '$.cookies',
      'this front door does not read cookies; sent as Set-Cookie headers',
    )
    if (single) {
      headers = { ...headers }
      if (repairing) joinInto(headers, 'Set-Cookie', cookies)
    } else {
      multiValueHeaders = { ...multiValueHeaders }
      if (repairing) appendInto(multiValueHeaders, 'Set-Cookie', cookies)
    }
    cookies = undefined
  }
  if (headerLayout === 'single-required' && setCookieCount(fields) > 1) {
    pass.fail(
      'header-field',
      '$.headers',
      'several Set-Cookie values cannot be sent through headers alone',
    )
  }
  return { headers, multiValueHeaders, cookies }
}

/** How many `Set-Cookie` lines the response asks for, wherever it put them. */
function setCookieCount({ headers, multiValueHeaders, cookies }: HeaderFields): number {
  // Values with CR, LF or NUL are removed (H3): they are not sent, so they do not count.
  const sent = (texts: string[]) => texts.filter((text) => !hasSplittingChars(text)).length
  let count = cookies === undefined ? 0 : sent(cookieList(cookies))
  const single = isObject(headers) ? scalarText(getHeader(headers, SET_COOKIE)) : undefined
  if (single !== undefined && !hasSplittingChars(single)) count += 1
  if (isObject(multiValueHeaders)) {
    for (const [name, values] of Object.entries(multiValueHeaders)) {
      if (name.toLowerCase() === SET_COOKIE) count += sent(multiValueList(values))
    }
  }
  return count
}

/** One comma-joined line per name, values already there last (R14 order), no repeats (R16). */
function joinInto(headers: HeaderMap, name: string, values: readonly string[]): void {
  const key = findHeaderKey(headers, name)
  const existing = key === undefined ? [] : [String(headers[key])]
  const joined = [...new Set([...values, ...existing])]
  if (joined.length > 0) setOwnEntry(headers, key ?? name, joined.join(', '))
}

function appendInto(
  multiValueHeaders: Record<string, string[]>,
  name: string,
  values: readonly string[],
): void {
  const key = findHeaderKey(multiValueHeaders, name) ?? name
  // Own keys only (H4): `constructor` must not find Object's.
  const existing = Object.hasOwn(multiValueHeaders, key) ? (multiValueHeaders[key] ?? []) : []
  setOwnEntry(multiValueHeaders, key, [...existing, ...values.filter((v) => !existing.includes(v))])
}
