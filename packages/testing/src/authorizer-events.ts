import type { HttpApiV1AuthorizerEvent } from '@gateproof/core'
import type {
  APIGatewayProxyEvent,
  APIGatewayRequestAuthorizerEvent,
  APIGatewayRequestAuthorizerEventV2,
  APIGatewayTokenAuthorizerEvent,
} from 'aws-lambda'
import {
  type EventOverrides,
  type EventTimeOptions,
  httpApiEvent,
  httpApiV1Event,
  restEvent,
} from './events.js'

const REGION = 'us-east-1'
const ACCOUNT = '123456789012'

/** `arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/<VERB>/<path without leading slash>` (AZ1). */
export function methodArnFor(apiId: string, stage: string, method: string, path: string): string {
  return `arn:aws:execute-api:${REGION}:${ACCOUNT}:${apiId}/${stage}/${method}/${path.replace(/^\//, '')}`
}

/** A REST `TOKEN` authorizer event (AZ1): the token and the method ARN, nothing else. */
export function tokenAuthorizerEvent(
  overrides: Partial<APIGatewayTokenAuthorizerEvent> = {},
): APIGatewayTokenAuthorizerEvent {
  return {
    type: 'TOKEN',
    authorizationToken: 'Bearer allow-me',
    methodArn: methodArnFor('abc123', 'prod', 'GET', '/orders/42'),
    ...overrides,
  }
}

/**
 * A REST `REQUEST` authorizer event (AZ2): the proxy event's request fields plus `type`
 * and `methodArn` — no `version`, no `body`, no `authorizationToken`.
 */
export function requestAuthorizerEvent(
  overrides: EventOverrides<APIGatewayRequestAuthorizerEvent> = {},
  time: EventTimeOptions = {},
): APIGatewayRequestAuthorizerEvent {
  return withOverrides(requestShapeOf(restEvent(undefined, time)), overrides)
}

export type HttpApiAuthorizerEventOptions =
  | ({ version?: '2.0' } & EventOverrides<APIGatewayRequestAuthorizerEventV2>)
  | ({ version: '1.0' } & EventOverrides<HttpApiV1AuthorizerEvent>)

/**
 * An HTTP API Lambda authorizer event: payload 2.0 (default, AZ4: `routeArn`, an
 * `identitySource` array) or 1.0 (AZ3: the REST REQUEST shape with `version` and a
 * comma-joined `identitySource`). Other keys override the event's.
 */
export function httpApiAuthorizerEvent(
  options?: { version?: '2.0' } & EventOverrides<APIGatewayRequestAuthorizerEventV2>,
  time?: EventTimeOptions,
): APIGatewayRequestAuthorizerEventV2
export function httpApiAuthorizerEvent(
  options: { version: '1.0' } & EventOverrides<HttpApiV1AuthorizerEvent>,
  time?: EventTimeOptions,
): HttpApiV1AuthorizerEvent
export function httpApiAuthorizerEvent(
  options: HttpApiAuthorizerEventOptions = {},
  time: EventTimeOptions = {},
): APIGatewayRequestAuthorizerEventV2 | HttpApiV1AuthorizerEvent {
  if (options.version === '1.0') {
    const base: HttpApiV1AuthorizerEvent = {
      version: '1.0',
      identitySource: 'Bearer allow-me',
      authorizationToken: 'Bearer allow-me',
      ...requestShapeOf(httpApiV1Event(undefined, time)),
    }
    return withOverrides(base, options as EventOverrides<HttpApiV1AuthorizerEvent>)
  }
  const proxy = httpApiEvent(undefined, time)
  const { body: _body, isBase64Encoded: _b64, requestContext, ...request } = proxy
  const base: APIGatewayRequestAuthorizerEventV2 = {
    version: '2.0',
    type: 'REQUEST',
    routeArn: methodArnFor(
      requestContext.apiId,
      requestContext.stage,
      requestContext.http.method,
      request.rawPath,
    ),
    identitySource: ['Bearer allow-me'],
    routeKey: request.routeKey,
    rawPath: request.rawPath,
    rawQueryString: request.rawQueryString,
    cookies: request.cookies ?? [],
    headers: { ...request.headers, authorization: 'Bearer allow-me' },
    queryStringParameters: request.queryStringParameters,
    requestContext,
    pathParameters: request.pathParameters,
    stageVariables: request.stageVariables,
  }
  return withOverrides(base, options)
}

/** The REST `REQUEST` shape (AZ2), which HTTP API payload 1.0 shares (AZ3): a proxy event's request fields. */
function requestShapeOf(proxy: APIGatewayProxyEvent): APIGatewayRequestAuthorizerEvent {
  const { body: _body, isBase64Encoded: _b64, requestContext, ...request } = proxy
  return {
    type: 'REQUEST',
    methodArn: methodArnFor(
      requestContext.apiId,
      requestContext.stage,
      proxy.httpMethod,
      proxy.path,
    ),
    resource: request.resource,
    path: request.path,
    httpMethod: request.httpMethod,
    headers: { ...request.headers, Authorization: 'Bearer allow-me' },
    multiValueHeaders: { ...request.multiValueHeaders, Authorization: ['Bearer allow-me'] },
    pathParameters: request.pathParameters,
    queryStringParameters: request.queryStringParameters,
    multiValueQueryStringParameters: request.multiValueQueryStringParameters,
    stageVariables: request.stageVariables,
    requestContext: { ...requestContext, authorizer: undefined },
  } as APIGatewayRequestAuthorizerEvent
}

/** Other keys replace the event's; `requestContext` keys are merged into its own. */
function withOverrides<E extends { requestContext: object }>(
  base: E,
  overrides: { requestContext?: object; version?: string },
): E {
  const { requestContext: contextOverrides, ...rest } = overrides
  return { ...base, ...rest, requestContext: { ...base.requestContext, ...contextOverrides } } as E
}
