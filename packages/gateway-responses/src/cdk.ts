import { assertKnownOptions, GateproofOptionsError } from '@gateproof/core'
import { definitionsOf, groupParameters, pascalCase } from './definitions.js'
import type { GatewayResponses } from './gateway-responses.js'
import { PACKAGE } from './options.js'
import type { CustomisableResponseType } from './response-types.js'

/** The part of aws-cdk-lib's `ResponseType` class this uses: `ResponseType.of('THROTTLED')`. */
export interface CdkResponseTypeClass<T> {
  of(type: string): T
}

/** What `addGatewayResponse` takes (aws-cdk-lib's `GatewayResponseOptions`). */
export interface CdkGatewayResponseOptions<T> {
  readonly type: T
  readonly statusCode?: string
  readonly responseHeaders?: { [name: string]: string }
  readonly templates?: { [contentType: string]: string }
}

/** An aws-cdk-lib `RestApi` or `SpecRestApi`: anything with its `addGatewayResponse`. */
export interface CdkRestApiLike<T, R> {
  addGatewayResponse(id: string, options: CdkGatewayResponseOptions<T>): R
}

export interface AddGatewayResponsesOptions<T> {
  /**
   * aws-cdk-lib's `ResponseType` class, from `aws-cdk-lib/aws-apigateway`. Passed in so this
   * package never loads aws-cdk-lib and works with whichever copy the app uses.
   */
  ResponseType: CdkResponseTypeClass<T>
  /** Construct ids are this prefix plus the type in PascalCase. Default `GatewayResponse`. */
  idPrefix?: string
}

const ID_PREFIX = /^[A-Za-z][A-Za-z0-9]*$/

/**
 * Adds the responses to a CDK `RestApi` with its own `addGatewayResponse`, and returns the
 * created `GatewayResponse` constructs by type. CDK folds them into the API's latest
 * deployment, so changing one makes a new deployment.
 */
export function addGatewayResponses<T, R>(
  restApi: CdkRestApiLike<T, R>,
  responses: GatewayResponses,
  options: AddGatewayResponsesOptions<T>,
): Partial<Record<CustomisableResponseType, R>> {
  assertKnownOptions(PACKAGE, options, ['ResponseType', 'idPrefix'])
  const { ResponseType, idPrefix = 'GatewayResponse' } = options
  if (typeof restApi?.addGatewayResponse !== 'function') {
    throw new GateproofOptionsError(
      PACKAGE,
      'restApi must be an aws-cdk-lib RestApi or SpecRestApi',
    )
  }
  if (typeof ResponseType?.of !== 'function') {
    throw new GateproofOptionsError(
      PACKAGE,
      'option "ResponseType" must be the ResponseType class of aws-cdk-lib/aws-apigateway',
      { option: 'ResponseType' },
    )
  }
  if (!ID_PREFIX.test(idPrefix)) {
    throw new GateproofOptionsError(
      PACKAGE,
      'option "idPrefix" must be alphanumeric and start with a letter',
      { option: 'idPrefix' },
    )
  }
  const created: Partial<Record<CustomisableResponseType, R>> = {}
  for (const response of definitionsOf(responses)) {
    const { Headers, ...others } = groupParameters(response)
    if (Object.keys(others).length > 0) {
      throw new GateproofOptionsError(
        PACKAGE,
        `${response.responseType} maps path or query string parameters, which CDK's addGatewayResponse cannot express`,
      )
    }
    created[response.responseType] = restApi.addGatewayResponse(
      `${idPrefix}${pascalCase(response.responseType)}`,
      {
        type: ResponseType.of(response.responseType),
        statusCode: response.statusCode,
        responseHeaders: Headers,
        templates: { ...response.responseTemplates },
      },
    )
  }
  return created
}
