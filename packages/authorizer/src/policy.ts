import {
  denyResourceFor,
  GateproofOptionsError,
  INVOKE_ACTION,
  POLICY_RESOURCE_MAX_LENGTH,
  stageWildcardArn,
} from '@gateproof/core'
import type { APIGatewayAuthorizerResult, APIGatewayAuthorizerResultContext } from 'aws-lambda'
import { PACKAGE } from './options.js'

export interface PolicyOptions<C extends APIGatewayAuthorizerResultContext> {
  /** The event's `methodArn` (REST, HTTP API 1.0) or `routeArn` (HTTP API 2.0). */
  methodArn: string
  /**
   * The authorizer's result TTL. Above 0 (REST's default is 300, AZ23), the cached policy
   * answers every method for this identity (AZ24), so `Resource` is widened to the whole
   * stage (`…/<stage>/*\/*`, AZ25) unless `resource` says otherwise.
   */
  cacheTtlSeconds?: number
  /** The `Resource` to write, overriding the default (the method ARN, or the stage with caching). */
  resource?: string | string[]
  /** Flat string/number/boolean values handed to the integration (AZ16, AZ17). */
  context?: C
  /** API key for usage plans when the API's `apiKeySource` is `AUTHORIZER`. */
  usageIdentifierKey?: string
}

function build<C extends APIGatewayAuthorizerResultContext>(
  effect: 'Allow' | 'Deny',
  principalId: string,
  options: PolicyOptions<C>,
): APIGatewayAuthorizerResult & { context?: C } {
  if (typeof principalId !== 'string' || principalId === '') {
    // AZ12: API Gateway's docs say the output "must include" it.
    throw new GateproofOptionsError(PACKAGE, 'principalId must be a non-empty string')
  }
  if (typeof options?.methodArn !== 'string' || options.methodArn === '') {
    throw new GateproofOptionsError(PACKAGE, 'methodArn must be the event’s methodArn or routeArn')
  }
  const { methodArn, cacheTtlSeconds = 0, context, usageIdentifierKey } = options
  const resource =
    options.resource ??
    (effect === 'Deny'
      ? denyResourceFor(methodArn)
      : cacheTtlSeconds > 0
        ? (stageWildcardArn(methodArn) ?? methodArn)
        : methodArn)
  const tooLong = (Array.isArray(resource) ? resource : [resource]).find(
    (r) => typeof r === 'string' && r.length > POLICY_RESOURCE_MAX_LENGTH,
  )
  if (tooLong !== undefined) {
    // AZ19: API Gateway limits a policy Resource to 512 characters; widening an Allow
    // silently could grant more than meant, so say what to do instead.
    throw new GateproofOptionsError(
      PACKAGE,
      `a policy Resource is ${tooLong.length} characters; API Gateway takes at most ${POLICY_RESOURCE_MAX_LENGTH} (AZ19). ` +
        'Allow a wildcard (`resource: "arn:…/<stage>/GET/*"`, or `cacheTtlSeconds` for the whole stage), ' +
        'and pass long values such as tokens in headers, not in the path',
    )
  }
  const result: APIGatewayAuthorizerResult & { context?: C } = {
    principalId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: INVOKE_ACTION, Effect: effect, Resource: resource }],
    },
  }
  if (context !== undefined) result.context = context
  if (usageIdentifierKey !== undefined) result.usageIdentifierKey = usageIdentifierKey
  return result
}

/**
 * An Allow policy API Gateway accepts (§10.2). With `cacheTtlSeconds > 0` it allows the
 * whole stage, so a cached Allow does not turn every other route into a 403 (AZ25).
 */
export const allow = <
  C extends APIGatewayAuthorizerResultContext = APIGatewayAuthorizerResultContext,
>(
  principalId: string,
  options: PolicyOptions<C>,
): APIGatewayAuthorizerResult & { context?: C } => build('Allow', principalId, options)

/** A Deny policy for the method: the client gets 403 (AZ7). */
export const deny = <
  C extends APIGatewayAuthorizerResultContext = APIGatewayAuthorizerResultContext,
>(
  principalId: string,
  options: PolicyOptions<C>,
): APIGatewayAuthorizerResult & { context?: C } => build('Deny', principalId, options)
