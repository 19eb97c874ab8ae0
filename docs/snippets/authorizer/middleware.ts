import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import { authorizerShape } from '@gateproof/authorizer'
import middy from '@middy/core'
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda'

const metrics = new Metrics({ namespace: 'orders', serviceName: 'orders-authorizer' })
const logger = new Logger({ serviceName: 'orders-authorizer' })

// A hand-written REQUEST authorizer with two classic mistakes: an object in `context` and a
// single Statement object. authorizerShape repairs both (and logs and counts each repair).
export const authorizer = middy<APIGatewayRequestAuthorizerEvent, APIGatewayAuthorizerResult>()
  .use(authorizerShape({ type: 'request', metrics, logger }))
  .handler(async (event) => {
    const tenant = event.headers?.['x-tenant'] ?? 'public'
    return {
      principalId: 'service-account',
      policyDocument: {
        Version: '2012-10-17',
        Statement: { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn },
      },
      context: { tenant: { id: tenant } },
    } as unknown as APIGatewayAuthorizerResult
  })
