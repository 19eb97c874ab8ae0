import { isObject } from './integration.js'

export interface LambdaContextIdentity {
  awsRequestId?: string
}

/**
 * The id a client can quote back: the gateway's request id when the event has one
 * (API Gateway, Function URL), else the Lambda invocation's (ALB events carry none).
 */
export function requestIdOf(event: unknown, context?: LambdaContextIdentity): string | undefined {
  if (isObject(event) && isObject(event.requestContext)) {
    const id = event.requestContext.requestId
    if (typeof id === 'string' && id !== '') return id
  }
  return context?.awsRequestId
}
