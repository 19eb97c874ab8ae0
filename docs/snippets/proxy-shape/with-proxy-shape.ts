import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import { gateproofPlugin } from '@gateproof/core'
import { proxyShape } from '@gateproof/proxy-shape'
import middy from '@middy/core'

const metrics = new Metrics({ namespace: 'shop', serviceName: 'orders' })
const logger = new Logger({ serviceName: 'orders' })

const shape = proxyShape({ metrics, logger })

export const handler = middy(
  async () => ({
    statusCode: 200,
    headers: { 'Content-Length': 12 },
    body: { id: 'o-1' },
  }),
  gateproofPlugin(shape),
).use(shape)
// Every client: 200 {"id":"o-1"}
// The function sent { statusCode: 200, headers: { 'Content-Length': '12',
//   'Content-Type': 'application/json' }, body: '{"id":"o-1"}' }
// plus two WARN log lines (header-value at $.headers["Content-Length"], body-type at $.body)
// and two ProxyShapeViolation metrics, so you can fix the handler.
