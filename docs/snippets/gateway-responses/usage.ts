import { gatewayResponses } from '@gateproof/gateway-responses'

export const responses = gatewayResponses({
  cors: { allowOrigin: 'https://app.example.com' },
  responses: { QUOTA_EXCEEDED: { retryAfterSeconds: 3600 } },
})
