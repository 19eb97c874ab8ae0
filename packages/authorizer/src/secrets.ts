import { isObject } from '@gateproof/core'

const MIN_SECRET_LENGTH = 4
const MAX_MESSAGE_LENGTH = 300

function read(value: unknown, key: string): unknown {
  if (!isObject(value)) return undefined
  try {
    return value[key]
  } catch {
    return undefined
  }
}

/** The credentials an authorizer event carries: the token, the identity sources, `Authorization`. */
export function secretsOf(event: unknown): string[] {
  const found: string[] = []
  const add = (value: unknown) => {
    if (typeof value !== 'string') return
    const text = value.trim()
    if (text.length >= MIN_SECRET_LENGTH) found.push(text)
    // `Bearer <token>`, `Basic <credentials>`: the credential alone is as secret.
    const space = text.indexOf(' ')
    if (space > 0) add(text.slice(space + 1))
  }
  const addCookies = (value: unknown) => {
    if (typeof value !== 'string') return
    add(value)
    for (const pair of value.split(';')) add(pair.slice(pair.indexOf('=') + 1))
  }
  add(read(event, 'authorizationToken'))
  const identity = read(event, 'identitySource')
  if (typeof identity === 'string') {
    add(identity)
    for (const part of identity.split(',')) add(part)
  } else if (Array.isArray(identity)) {
    for (const part of identity) add(part)
  }
  const cookies = read(event, 'cookies')
  if (Array.isArray(cookies)) for (const cookie of cookies) addCookies(cookie)
  const headers = read(event, 'headers')
  if (isObject(headers)) {
    for (const name of Object.keys(headers)) {
      const lower = name.toLowerCase()
      if (lower === 'authorization') add(read(headers, name))
      if (lower === 'cookie') addCookies(read(headers, name))
    }
  }
  // Longest first, so a token inside a longer identity-source string is still caught whole.
  return found.sort((a, b) => b.length - a.length)
}

/** A thrown message fit for a log line: credentials from the event replaced, length capped. */
export function redact(message: string, secrets: readonly string[]): string {
  let text = message
  for (const secret of secrets) text = text.split(secret).join('[redacted]')
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : text
}
