import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import { gateproofAuthorizer } from 'gateproof'
import { bearerToken, demoVerifier, type TokenVerifier } from './tokens.js'

/**
 * HTTP API Lambda authorizer, payload 2.0 with simple responses (`EnableSimpleResponses`
 * in template.yaml, which the event does not reveal: hence `responseFormat`, AZ5). On HTTP
 * API a thrown 401 is not reliably a 401 (AZ33), so every "no" is `{ isAuthorized: false }`:
 * the client gets 403 instead of the 500 a wrong shape or a throw would give (AZ32).
 */
export function createHttpAuthorizer(
  verify: TokenVerifier,
  options: { metrics?: Metrics; logger?: Logger | false } = {},
) {
  return gateproofAuthorizer(
    async (event) => {
      const caller = await verify(bearerToken(event.headers?.authorization))
      // HTTP API 2.0 context values may be arrays and objects (AZ30).
      return { isAuthorized: true, context: { userId: caller.userId, scopes: caller.scopes } }
    },
    { type: 'http-v2', responseFormat: 'simple', ...options },
  )
}

export const handler = createHttpAuthorizer(demoVerifier, {
  metrics: new Metrics({ namespace: 'orders', serviceName: 'orders-http-authorizer' }),
  logger: new Logger({ serviceName: 'orders-http-authorizer' }),
})
