import type {
  APIGatewayRequestAuthorizerEvent,
  APIGatewayRequestAuthorizerEventV2,
  APIGatewayTokenAuthorizerEvent,
} from 'aws-lambda'

/**
 * The Lambda authorizer kinds API Gateway invokes (gateway-facts §10.1):
 * REST `TOKEN` and `REQUEST`, and HTTP API Lambda authorizers with payload 1.0 or 2.0.
 */
export type AuthorizerType = 'token' | 'request' | 'http-v1' | 'http-v2'

export const AUTHORIZER_TYPES: readonly AuthorizerType[] = [
  'token',
  'request',
  'http-v1',
  'http-v2',
]

/** HTTP API payload 1.0 authorizer event (AZ3): the REST REQUEST shape plus `version` and `identitySource`. */
export interface HttpApiV1AuthorizerEvent extends APIGatewayRequestAuthorizerEvent {
  version: '1.0'
  /** The identity sources' values, comma-joined. */
  identitySource: string
  authorizationToken?: string
}

/** Event types of each authorizer kind, from `@types/aws-lambda` (AZ1–AZ4). */
export interface AuthorizerEventTypes {
  token: APIGatewayTokenAuthorizerEvent
  request: APIGatewayRequestAuthorizerEvent
  'http-v1': HttpApiV1AuthorizerEvent
  'http-v2': APIGatewayRequestAuthorizerEventV2
}

export type AuthorizerEventOf<T extends AuthorizerType> = AuthorizerEventTypes[T]

/**
 * Which authorizer kind this event invokes, or `undefined` when it is not an authorizer
 * event (AZ5): `type === 'TOKEN'`, or `type === 'REQUEST'` with a `methodArn` (REST, HTTP
 * API 1.0) or a `routeArn` (HTTP API 2.0). A REST REQUEST authorizer event carries
 * `httpMethod` and `requestContext` and an HTTP API 2.0 one `version: '2.0'`, so without
 * this rule they would pass for proxy events; `detectIntegration` asks it first.
 *
 * Whether an HTTP API 2.0 authorizer must answer in the simple or the IAM format is not in
 * the event (`enableSimpleResponses`, AZ5): the caller has to say so.
 */
export function detectAuthorizer(event: unknown): AuthorizerType | undefined {
  // No import of integration.ts's isObject: that module imports this one.
  if (typeof event !== 'object' || event === null) return undefined
  try {
    const record = event as Record<string, unknown>
    // One read on the hot path: proxy events have no `type`.
    const type = record.type
    if (type === 'TOKEN') return 'token'
    if (type !== 'REQUEST') return undefined
    if (typeof record.routeArn === 'string') return 'http-v2'
    if (typeof record.methodArn !== 'string') return undefined
    return record.version === '1.0' ? 'http-v1' : 'request'
  } catch {
    // A getter or Proxy trap that throws: a hostile event is no authorizer event.
    return undefined
  }
}
