import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import { gateproofPlugin } from '@gateproof/core'
import { errorMapper } from '@gateproof/error-mapper'
import { loadShedder, memoryLimiter } from '@gateproof/load-shedder'
import { timeoutGuard } from '@gateproof/timeout-guard'
import middy from '@middy/core'
import httpCors from '@middy/http-cors'

const metrics = new Metrics({ namespace: 'shop', serviceName: 'orders' })
const logger = new Logger({ serviceName: 'orders' })

// Your handler; a stand-in here.
const orders = async () => ({ statusCode: 200, body: JSON.stringify([{ id: 'o-1' }]) })

const guard = timeoutGuard({ metrics, logger })
const shedder = loadShedder({
  inFlight: 64, // Managed Instances: per worker thread
  limiter: memoryLimiter({ rate: { perSecond: 50, burst: 100 } }),
  priority: (event) => (event.headers?.['x-priority'] === 'batch' ? 'sheddable' : 'normal'),
  dryRun: true, // start here: see what would be refused, refuse nothing
  metrics,
  logger,
})

export const handler = middy(orders, gateproofPlugin(guard, shedder))
  .use(httpCors())
  .use(errorMapper({ metrics, logger }))
  .use(guard)
  .use(shedder)
