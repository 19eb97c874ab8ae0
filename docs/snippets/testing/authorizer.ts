import { simulateAuthorizer, startLocalGateway, tokenAuthorizerEvent } from '@gateproof/testing'
import { allow, gateproof, gateproofAuthorizer } from 'gateproof'

// What the client sees for an authorizer's outcome (gateway-facts §10): a thrown "Invalid token"
// is API Gateway's 500, not the 401 its author meant.
const event = tokenAuthorizerEvent({ authorizationToken: 'Bearer abc' })
const view = simulateAuthorizer({ error: new Error('Invalid token') }, { type: 'token' })
console.log(view.status, view.headers['x-amzn-ErrorType']) // 500 AuthorizerConfigurationException
console.log(event.type, event.methodArn) // TOKEN arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/orders/42

// An authorizer in front of the local gateway's routes: identity source, result cache, client view.
const gateway = await startLocalGateway({
  integration: 'rest',
  handler: gateproof(async () => ({ statusCode: 200, body: 'ok' }), { integration: 'rest' }),
  authorizer: {
    type: 'token',
    resultTtlSeconds: 300,
    handler: gateproofAuthorizer(
      async ({ authorizationToken, methodArn }) => {
        if (authorizationToken !== 'Bearer good') throw new Error('Unauthorized')
        return allow('user-1', { methodArn, cacheTtlSeconds: 300 })
      },
      { type: 'token' },
    ),
  },
})
try {
  const refused = await fetch(`${gateway.url}/orders/1`, {
    headers: { Authorization: 'Bearer bad' },
  })
  const allowed = await fetch(`${gateway.url}/orders/1`, {
    headers: { Authorization: 'Bearer good' },
  })
  console.log(refused.status, allowed.status) // 401 200
} finally {
  await gateway.close()
}
