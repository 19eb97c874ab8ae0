import { gatewayResponses, toCloudFormation } from '@gateproof/gateway-responses'

export const resources = toCloudFormation(gatewayResponses(), { restApiId: { Ref: 'Api' } })
// { GatewayResponseThrottled: { Type: 'AWS::ApiGateway::GatewayResponse', Properties: {...} }, ... }
