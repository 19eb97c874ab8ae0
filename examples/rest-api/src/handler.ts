import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda'
import { type GateproofOptions, gateproof, getDeadline } from 'gateproof'
import createHttpError from 'http-errors'
import { type OrderStore, orderStoreFromEnv } from './orders.js'

/** GET /orders/{id}: the business logic, free of error handling and response plumbing. */
export function createHandler(
  orders: OrderStore,
  options: GateproofOptions<APIGatewayProxyEvent> = {},
) {
  return gateproof<APIGatewayProxyEvent, APIGatewayProxyResult>(async (event, context) => {
    const id = event.pathParameters?.id
    if (!id) throw createHttpError(400, 'The order id is missing from the path.')
    const order = await orders.get(id, getDeadline(context)?.signal ?? new AbortController().signal)
    if (!order) throw createHttpError(404, `There is no order ${id}.`)
    // A body object would be a 502 from API Gateway; proxy-shape turns it into JSON.
    return { statusCode: 200, body: order as unknown as string }
  }, options)
}

const metrics = new Metrics({ namespace: 'orders', serviceName: 'orders-api' })
const logger = new Logger({ serviceName: 'orders-api' })

export const handler = createHandler(orderStoreFromEnv(), {
  metrics,
  logger,
})
