import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import middy from '@middy/core'
import httpJsonBodyParser from '@middy/http-json-body-parser'
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda'
import { gateproofMiddlewares } from 'gateproof'

const metrics = new Metrics({ namespace: 'shop', serviceName: 'orders' })
const logger = new Logger({ serviceName: 'orders' })

const placeOrder = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => ({
  statusCode: 201,
  body: JSON.stringify({ received: event.body }),
})

const { plugin, middlewares } = gateproofMiddlewares({ metrics, logger })
export const handler = middy(placeOrder, plugin)
  .use(middlewares)
  // Yours go after gateproof's: a request the shedder refuses never reaches them.
  .use(httpJsonBodyParser({ disableContentTypeError: true }))
