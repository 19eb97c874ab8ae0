import { gatewayResponses, toOpenApi } from '@gateproof/gateway-responses'

export const document = {
  openapi: '3.0.1',
  info: { title: 'orders', version: '1.0.0' },
  paths: {},
  ...toOpenApi(gatewayResponses({ format: 'message' })),
}
