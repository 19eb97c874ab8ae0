import createHttpError from 'http-errors'

export interface Caller {
  userId: string
  tenant: string
  scopes: string[]
}

/**
 * Verifies a bearer token. A real one checks a JWT's signature and expiry (jose,
 * aws-jwt-verify); this stand-in knows a fixed set so the example runs anywhere.
 * An unknown token is a 401, a known one without access a 403: thrown as http-errors,
 * gateproofAuthorizer turns them into what API Gateway understands.
 */
export type TokenVerifier = (token: string) => Promise<Caller>

const KNOWN: Record<string, Caller | 'suspended'> = {
  'alice-token': { userId: 'alice', tenant: 'acme', scopes: ['orders:read', 'orders:write'] },
  'bob-token': { userId: 'bob', tenant: 'globex', scopes: ['orders:read'] },
  'mallory-token': 'suspended',
}

export const demoVerifier: TokenVerifier = async (token) => {
  const caller = KNOWN[token]
  if (caller === undefined) throw createHttpError(401, 'unknown token')
  if (caller === 'suspended') throw createHttpError(403, 'account suspended')
  return caller
}

/** `Authorization: Bearer <token>` → `<token>`; anything else is a 401. */
export function bearerToken(header: string | undefined): string {
  const match = /^Bearer (\S+)$/.exec(header ?? '')
  if (!match) throw createHttpError(401, 'expected a bearer token')
  return match[1] as string
}
