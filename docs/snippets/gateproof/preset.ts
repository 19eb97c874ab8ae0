import { gateproof } from 'gateproof'

// Your data access; a stand-in here, so the sample runs as written.
const orders = {
  get: async (id: string) => ({ id, status: 'shipped', total: 42.5 }),
}

export const handler = gateproof(
  async (event) => {
    const order = await orders.get(event.pathParameters?.id ?? '')
    return { statusCode: 200, body: JSON.stringify(order) }
  },
  // Types `event` as APIGatewayProxyEvent and the result as APIGatewayProxyResult; one pair per
  // front door ('rest', 'http-v1', 'http-v2', 'alb', 'function-url'); without it, the union of all.
  { integration: 'rest' },
)
