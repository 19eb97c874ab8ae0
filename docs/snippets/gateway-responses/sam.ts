import { gatewayResponses, toSam } from '@gateproof/gateway-responses'

export const { GatewayResponses } = toSam(gatewayResponses())
// goes under an AWS::Serverless::Api's Properties
