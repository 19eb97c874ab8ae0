import type {
  ALBEvent,
  ALBResult,
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  APIGatewayProxyResult,
  APIGatewayProxyResultV2,
  LambdaFunctionURLEvent,
  LambdaFunctionURLResult,
} from 'aws-lambda'
import { detectAuthorizer } from './authorizer-event.js'

/** The HTTP front doors a Lambda function can sit behind. */
export type Integration = 'rest' | 'http-v1' | 'http-v2' | 'alb' | 'function-url'

export const INTEGRATIONS: readonly Integration[] = [
  'rest',
  'http-v1',
  'http-v2',
  'alb',
  'function-url',
]

/** Event and result types of each front door, from `@types/aws-lambda`. */
export interface IntegrationTypes {
  rest: { event: APIGatewayProxyEvent; result: APIGatewayProxyResult }
  'http-v1': { event: APIGatewayProxyEvent; result: APIGatewayProxyResult }
  'http-v2': { event: APIGatewayProxyEventV2; result: APIGatewayProxyResultV2 }
  alb: { event: ALBEvent; result: ALBResult }
  'function-url': { event: LambdaFunctionURLEvent; result: LambdaFunctionURLResult }
}

export type EventOf<I extends Integration> = IntegrationTypes[I]['event']
export type ResultOf<I extends Integration> = IntegrationTypes[I]['result']

/** Any event one of the front doors sends. */
export type ProxyEvent = EventOf<Integration>
/** Any result one of the front doors accepts. */
export type ProxyResult = ResultOf<Integration>

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

// `<url-id>.lambda-url.<region>.on.aws`; emulators keep the `lambda-url.<region>.` part.
const FUNCTION_URL_DOMAIN = /\.lambda-url\.[a-z0-9-]+\./i

/**
 * Which front door sent this event, or `undefined` when it is none of them.
 *
 * Payload 2.0 events from HTTP API and Function URLs share one schema; the
 * `*.lambda-url.<region>.on.aws` domain is what tells them apart. HTTP API 1.0
 * events carry `version: '1.0'`; REST events carry no version. Lambda authorizer events
 * are no front door's (`detectAuthorizer`).
 */
export function detectIntegration(event: unknown): Integration | undefined {
  if (!isObject(event)) return undefined
  // Authorizer events look like proxy events but expect a policy, not a response (AZ5).
  if (detectAuthorizer(event) !== undefined) return undefined
  const requestContext = event.requestContext
  if (!isObject(requestContext)) return undefined
  if (isObject(requestContext.elb)) return 'alb'
  if (event.version === '2.0' && isObject(requestContext.http)) {
    const domain = requestContext.domainName
    return typeof domain === 'string' && FUNCTION_URL_DOMAIN.test(domain)
      ? 'function-url'
      : 'http-v2'
  }
  if (typeof event.httpMethod === 'string') return event.version === '1.0' ? 'http-v1' : 'rest'
  return undefined
}

/** HTTP API answers its own failures with 500/503 where REST answers 502/504. */
export const isHttpApi = (integration: Integration | undefined): boolean =>
  integration === 'http-v1' || integration === 'http-v2'

/** Payload 2.0 semantics: a result without `statusCode` is inferred as a 200 JSON body. */
export const usesPayloadV2 = (integration: Integration | undefined): boolean =>
  integration === 'http-v2' || integration === 'function-url'

/**
 * ALB target groups with multi-value headers switched on send `multiValueHeaders`
 * and expect them back; the event is the only place that says which mode is on.
 */
export const albMultiValueHeaders = (event: unknown): boolean =>
  isObject(event) && isObject(event.multiValueHeaders) && !isObject(event.headers)
