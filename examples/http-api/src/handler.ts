import httpJsonBodyParser from '@middy/http-json-body-parser'
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda'
import { gateproof } from 'gateproof'
import { z } from 'zod'

const NewOrder = z.object({
  sku: z.string().min(1),
  quantity: z.number().int().positive().max(100),
})

/** The event once `@middy/http-json-body-parser` has parsed the body. */
type Event = Omit<APIGatewayProxyEventV2, 'body'> & { body: unknown }

/**
 * POST /orders on an HTTP API (payload 2.0). Payload 2.0 infers a 200 JSON response
 * from a plain object, but an object that happens to carry `statusCode` is read as a
 * structured response (H2-3); returning the structured form keeps it unambiguous.
 */
export const handler = gateproof<Event, APIGatewayProxyResultV2>(
  async (event) => {
    // The JSON body parser answers a malformed body with 400 through the error mapper.
    // A ZodError thrown here becomes a 422 with field-level detail, not a 500.
    const order = NewOrder.parse(event.body)
    return {
      statusCode: 201,
      headers: { location: `/orders/${order.sku}-1` },
      body: JSON.stringify({ id: `${order.sku}-1`, ...order }),
    }
  },
  { integration: 'http-v2' },
  // Middlewares used on the preset run inside the load shedder: a refused request costs them nothing.
).use(httpJsonBodyParser())
