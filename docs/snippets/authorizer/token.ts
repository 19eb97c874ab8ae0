import { allow, gateproofAuthorizer } from 'gateproof'
import createHttpError from 'http-errors'

// Stand-in for a real check (jose, aws-jwt-verify): which user a token belongs to.
const users: Record<string, { id: string; tenant: string; suspended?: boolean }> = {
  'alice-token': { id: 'alice', tenant: 'acme' },
  'mallory-token': { id: 'mallory', tenant: 'acme', suspended: true },
}

export const authorizer = gateproofAuthorizer(
  async (event) => {
    const user = users[event.authorizationToken.replace(/^Bearer /, '')]
    if (!user) throw createHttpError(401) // client: 401 Unauthorized
    if (user.suspended) throw createHttpError(403) // client: 403, an explicit Deny
    // With caching on, allow() allows the whole stage: the cached policy answers every route.
    return allow(user.id, {
      methodArn: event.methodArn,
      cacheTtlSeconds: 300,
      context: { tenant: user.tenant },
    })
  },
  { type: 'token', cacheTtlSeconds: 300 },
)
