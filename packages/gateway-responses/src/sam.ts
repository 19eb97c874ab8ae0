import { definitionsOf, groupParameters, type ParameterGroup } from './definitions.js'
import type { GatewayResponses } from './gateway-responses.js'
import type { CustomisableResponseType } from './response-types.js'

/** One entry of `AWS::Serverless::Api` `GatewayResponses` (SAM's Gateway Response Object). */
export interface SamGatewayResponse {
  StatusCode: string
  /** Names without the `gatewayresponse.header.` prefix; values are static literals, quotes included. */
  ResponseParameters: Partial<Record<ParameterGroup, Record<string, string>>>
  ResponseTemplates: Record<string, string>
}

/**
 * The responses as SAM's `GatewayResponses` property, to spread into an
 * `AWS::Serverless::Api`'s `Properties`. SAM adds the prefixes back when it writes the
 * `x-amazon-apigateway-gateway-responses` extension.
 */
export function toSam(responses: GatewayResponses): {
  GatewayResponses: Partial<Record<CustomisableResponseType, SamGatewayResponse>>
} {
  const GatewayResponses: Partial<Record<CustomisableResponseType, SamGatewayResponse>> = {}
  for (const response of definitionsOf(responses)) {
    GatewayResponses[response.responseType] = {
      StatusCode: response.statusCode,
      ResponseParameters: groupParameters(response),
      ResponseTemplates: { ...response.responseTemplates },
    }
  }
  return { GatewayResponses }
}
