import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import { errorMapper } from '@gateproof/error-mapper'
import { timeoutGuard } from '@gateproof/timeout-guard'
import middy from '@middy/core'

const metrics = new Metrics({ namespace: 'shop', serviceName: 'orders' })
const logger = new Logger({ serviceName: 'orders' })

// Your handler; a stand-in here.
const getOrder = async () => ({ statusCode: 200, body: JSON.stringify({ id: '42' }) })

const guard = timeoutGuard({ metrics, logger })

export const handler = middy(getOrder, guard.plugin) // ← the plugin hooks
  .use(guard) // ← the middleware
  .use(errorMapper({ metrics, logger }))
