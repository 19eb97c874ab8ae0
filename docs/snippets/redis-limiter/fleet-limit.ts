import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import { gateproofPlugin } from '@gateproof/core'
import { errorMapper } from '@gateproof/error-mapper'
import { loadShedder } from '@gateproof/load-shedder'
import { redisLimiter } from '@gateproof/redis-limiter'
import { timeoutGuard } from '@gateproof/timeout-guard'
import middy from '@middy/core'
import { Redis } from 'ioredis'

const metrics = new Metrics({ namespace: 'shop', serviceName: 'reports' })
const logger = new Logger({ serviceName: 'reports' })

// Your handler; a stand-in here.
const reports = async () => ({ statusCode: 200, body: JSON.stringify({ report: 'r-1' }) })

// Module scope: one connection per execution environment, opened during init.
export const redis = new Redis(process.env.REDIS_URL as string, { maxRetriesPerRequest: 1 })
await redis.ping() // so the first request does not spend its budget connecting

const limiter = redisLimiter({
  client: redis,
  concurrency: { limit: 6 }, // fleet-wide, below the function's reserved concurrency (16)
  rate: { perSecond: 20, burst: 40 },
  failure: 'open', // Redis down: admit (default)
  metrics,
  logger,
})

const guard = timeoutGuard({ metrics, logger })
const shedder = loadShedder<'rest'>({
  // typed for a REST API's events
  limiter,
  key: (event) => event.requestContext.identity.apiKey ?? 'anonymous', // a limit per API key
  priority: (event) => (event.headers['x-batch'] ? 'sheddable' : 'normal'),
  metrics,
  logger,
})

export const handler = middy(reports, gateproofPlugin(guard, shedder))
  .use(errorMapper({ metrics, logger }))
  .use(guard)
  .use(shedder)
