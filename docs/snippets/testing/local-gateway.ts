import { startLocalGateway } from '@gateproof/testing'
import { gateproof } from 'gateproof'

const handler = gateproof(
  async (event) => ({ statusCode: 200, body: JSON.stringify({ id: event.pathParameters?.id }) }),
  { integration: 'rest' },
)

const gateway = await startLocalGateway({
  handler,
  integration: 'rest',
  reservedConcurrency: 10,
  routes: ['/orders/{id}'],
})
try {
  const response = await fetch(`${gateway.url}/orders/42`)
  console.log(response.status, await response.text()) // 200 {"id":"42"}
} finally {
  await gateway.close()
}
