import type { APIGatewayProxyEvent, APIGatewayProxyEventV2WithLambdaAuthorizer } from 'aws-lambda'
import { gateproof } from 'gateproof'

/** The REST backend: reads who the caller is from the authorizer's context (AZ6, AZ17: strings). */
export const restOrders = gateproof(
  async (event: APIGatewayProxyEvent) => ({
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      order: event.pathParameters?.id ?? null,
      caller: event.requestContext.authorizer?.principalId ?? null,
      tenant: event.requestContext.authorizer?.tenant ?? null,
    }),
  }),
  { integration: 'rest' },
)

type HttpEvent = APIGatewayProxyEventV2WithLambdaAuthorizer<{ userId: string; scopes: string[] }>

/** The HTTP API backend: the simple authorizer's context arrives under `authorizer.lambda`. */
export const httpOrders = gateproof(
  async (event) => {
    const { lambda } = (event as unknown as HttpEvent).requestContext.authorizer
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ order: event.pathParameters?.id ?? null, caller: lambda.userId }),
    }
  },
  { integration: 'http-v2' },
)
