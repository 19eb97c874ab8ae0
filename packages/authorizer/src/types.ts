import type { AuthorizerType } from '@gateproof/core'
import type { APIGatewayAuthorizerResult } from 'aws-lambda'
import type { AuthorizerTypeOption, ResponseFormat } from './options.js'

/** HTTP API 2.0 simple response (AZ29); `context` values may be any JSON (AZ30). */
export interface SimpleAuthorizerResult {
  isAuthorized: boolean
  context?: Record<string, unknown>
}

/** What an authorizer of a kind (and HTTP API 2.0 response format) returns. */
export type AuthorizerResultFor<
  T extends AuthorizerTypeOption,
  F extends ResponseFormat | undefined = undefined,
> = T extends 'http-v2'
  ? F extends 'simple'
    ? SimpleAuthorizerResult
    : APIGatewayAuthorizerResult
  : T extends AuthorizerType
    ? APIGatewayAuthorizerResult
    : APIGatewayAuthorizerResult | SimpleAuthorizerResult
