import { definitionsOf } from './definitions.js'
import type { GatewayResponses } from './gateway-responses.js'
import type { CustomisableResponseType } from './response-types.js'

/** One entry of the `x-amazon-apigateway-gateway-responses` extension. */
export interface OpenApiGatewayResponse {
  statusCode: string
  responseParameters: Record<string, string>
  responseTemplates: Record<string, string>
}

export const OPENAPI_EXTENSION = 'x-amazon-apigateway-gateway-responses'

/**
 * The responses as the API Gateway OpenAPI extension, to spread into the root of an OpenAPI
 * (or Swagger) document imported as a REST API.
 */
export function toOpenApi(responses: GatewayResponses): {
  [OPENAPI_EXTENSION]: Partial<Record<CustomisableResponseType, OpenApiGatewayResponse>>
} {
  const extension: Partial<Record<CustomisableResponseType, OpenApiGatewayResponse>> = {}
  for (const response of definitionsOf(responses)) {
    extension[response.responseType] = {
      statusCode: response.statusCode,
      responseParameters: { ...response.responseParameters },
      responseTemplates: { ...response.responseTemplates },
    }
  }
  return { [OPENAPI_EXTENSION]: extension }
}
