export {
  type AddGatewayResponsesOptions,
  addGatewayResponses,
  type CdkGatewayResponseOptions,
  type CdkResponseTypeClass,
  type CdkRestApiLike,
} from './cdk.js'
export {
  type CloudFormationGatewayResponse,
  type CloudFormationOptions,
  type CloudFormationValue,
  toCloudFormation,
} from './cloudformation.js'
export {
  default,
  type GatewayResponseDefinition,
  type GatewayResponses,
  gatewayResponses,
} from './gateway-responses.js'
export { OPENAPI_EXTENSION, type OpenApiGatewayResponse, toOpenApi } from './openapi.js'
export {
  type CorsOptions,
  DEFAULT_EXPOSE_HEADERS,
  type GatewayResponsesOptions,
  type ResponseOverride,
} from './options.js'
export {
  CLIENT_MESSAGE_TYPES,
  CUSTOMISABLE_RESPONSE_TYPES,
  type CustomisableResponseType,
  DEFAULT_STATUS_CODES,
  GATEWAY_ERROR_TYPES,
  GATEWAY_RESPONSE_TYPES,
  type GatewayResponseType,
  isCustomisableResponseType,
  NOT_CUSTOMISABLE_RESPONSE_TYPES,
  type NotCustomisableResponseType,
} from './response-types.js'
export { type SamGatewayResponse, toSam } from './sam.js'
export { type GatewayResponseFormat, MESSAGE_VARIABLE, type RequestIdVariable } from './template.js'
