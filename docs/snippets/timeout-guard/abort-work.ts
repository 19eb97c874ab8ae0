import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb'
import { getDeadline, timeoutGuard } from '@gateproof/timeout-guard'
import middy from '@middy/core'
import type { APIGatewayProxyEvent, Context } from 'aws-lambda'

const dynamodb = new DynamoDBClient({})
const pricingUrl = process.env.PRICING_URL ?? 'https://pricing.example.com/v1/prices'

const getOrder = async (event: APIGatewayProxyEvent, context: Context) => {
  const deadline = getDeadline(context) // { at, remainingMs(), signal, timedOut, deadline }
  const params = { TableName: 'orders', Key: { id: { S: event.pathParameters?.id ?? '' } } }
  const { Item } = await dynamodb.send(new GetItemCommand(params), {
    abortSignal: deadline?.signal, // AWS SDK v3: the call is abandoned at the deadline
  })
  const prices = await fetch(pricingUrl, { signal: deadline?.signal })
  return { statusCode: 200, body: JSON.stringify({ order: Item, prices: await prices.json() }) }
}

const guard = timeoutGuard()
export const handler = middy(getOrder, guard.plugin).use(guard)
