import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import { allow, gateproofAuthorizer } from 'gateproof'
import { bearerToken, demoVerifier, type TokenVerifier } from './tokens.js'

/** Must equal the authorizer's `ReauthorizeEvery` in template.yaml. */
export const CACHE_TTL_SECONDS = 300

/**
 * REST API TOKEN authorizer with result caching. `allow()` widens the policy to the whole
 * stage because the cached policy answers every route for this token (gateway-facts AZ25);
 * a thrown 401 leaves as exactly `Unauthorized` (AZ9), a thrown 403 as a Deny (AZ7), and a
 * verifier outage as the gateway's 500, which is not cached (the default `onError: 'throw'`).
 */
export function createTokenAuthorizer(
  verify: TokenVerifier,
  options: { metrics?: Metrics; logger?: Logger | false } = {},
) {
  return gateproofAuthorizer(
    async (event) => {
      const caller = await verify(bearerToken(event.authorizationToken))
      return allow(caller.userId, {
        methodArn: event.methodArn,
        cacheTtlSeconds: CACHE_TTL_SECONDS,
        // Flat values only on REST (AZ16): the scopes travel as one string.
        context: { tenant: caller.tenant, scopes: caller.scopes.join(' ') },
      })
    },
    { type: 'token', cacheTtlSeconds: CACHE_TTL_SECONDS, ...options },
  )
}

export const handler = createTokenAuthorizer(demoVerifier, {
  metrics: new Metrics({ namespace: 'orders', serviceName: 'orders-authorizer' }),
  logger: new Logger({ serviceName: 'orders-authorizer' }),
})
