import { gateproof } from 'gateproof'

// Your data access; a stand-in here, so the sample runs as written.
const getOrder = async (id = '') => JSON.stringify({ id, status: 'shipped' })

// `integration: 'rest'` types `event` as APIGatewayProxyEvent and the result as APIGatewayProxyResult.
export const handler = gateproof(
  async (event) => ({ statusCode: 200, body: await getOrder(event.pathParameters?.id) }),
  { integration: 'rest' },
)
