import { assertKnownOptions, GateproofOptionsError } from '@gateproof/core'
import { definitionsOf, pascalCase } from './definitions.js'
import type { GatewayResponses } from './gateway-responses.js'
import { PACKAGE } from './options.js'
import type { CustomisableResponseType } from './response-types.js'

/** A CloudFormation intrinsic such as `{ Ref: 'Api' }` or `{ 'Fn::ImportValue': 'api-id' }`. */
export type CloudFormationValue = string | { readonly [intrinsic: string]: unknown }

export interface CloudFormationOptions {
  /** The `AWS::ApiGateway::RestApi` id, usually `{ Ref: '<logical id>' }`. */
  restApiId: CloudFormationValue
  /** Logical ids are this prefix plus the type in PascalCase. Default `GatewayResponse`. */
  logicalIdPrefix?: string
}

/** An `AWS::ApiGateway::GatewayResponse` resource, with its documented properties only. */
export interface CloudFormationGatewayResponse {
  Type: 'AWS::ApiGateway::GatewayResponse'
  Properties: {
    ResponseType: CustomisableResponseType
    RestApiId: CloudFormationValue
    StatusCode: string
    ResponseParameters: Record<string, string>
    ResponseTemplates: Record<string, string>
  }
}

const LOGICAL_ID_PREFIX = /^[A-Za-z][A-Za-z0-9]*$/

/**
 * The responses as CloudFormation resources, keyed by logical id, to merge into a template's
 * `Resources`. An API picks them up on its next deployment (see the README).
 */
export function toCloudFormation(
  responses: GatewayResponses,
  options: CloudFormationOptions,
): Record<string, CloudFormationGatewayResponse> {
  assertKnownOptions(PACKAGE, options, ['restApiId', 'logicalIdPrefix'])
  const { restApiId, logicalIdPrefix = 'GatewayResponse' } = options
  const validId =
    (typeof restApiId === 'string' && restApiId !== '') ||
    (typeof restApiId === 'object' && restApiId !== null && !Array.isArray(restApiId))
  if (!validId) {
    throw new GateproofOptionsError(
      PACKAGE,
      'option "restApiId" must be the API id or an intrinsic such as { Ref: "Api" }',
      { option: 'restApiId' },
    )
  }
  if (!LOGICAL_ID_PREFIX.test(logicalIdPrefix)) {
    throw new GateproofOptionsError(
      PACKAGE,
      'option "logicalIdPrefix" must be alphanumeric and start with a letter',
      { option: 'logicalIdPrefix' },
    )
  }
  const resources: Record<string, CloudFormationGatewayResponse> = {}
  for (const response of definitionsOf(responses)) {
    resources[`${logicalIdPrefix}${pascalCase(response.responseType)}`] = {
      Type: 'AWS::ApiGateway::GatewayResponse',
      Properties: {
        ResponseType: response.responseType,
        RestApiId: restApiId,
        StatusCode: response.statusCode,
        ResponseParameters: { ...response.responseParameters },
        ResponseTemplates: { ...response.responseTemplates },
      },
    }
  }
  return resources
}
