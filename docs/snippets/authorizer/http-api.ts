import { gateproofAuthorizer } from 'gateproof'

const apiKeys = new Map([['k-123', { plan: 'pro', features: ['export', 'bulk'] }]])

// HTTP API, payload 2.0, EnableSimpleResponses: true (the event does not say so: responseFormat does).
export const authorizer = gateproofAuthorizer(
  async (event) => {
    const key = apiKeys.get(event.headers?.['x-api-key'] ?? '')
    // Any JSON in context on HTTP API 2.0; every "no" is { isAuthorized: false }, a 403.
    return key ? { isAuthorized: true, context: key } : { isAuthorized: false }
  },
  { type: 'http-v2', responseFormat: 'simple' },
)
