import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import { gateproofPlugin } from '@gateproof/core'
import { errorMapper } from '@gateproof/error-mapper'
import { loadShedder } from '@gateproof/load-shedder'
import { keyBy, redisLimiter } from '@gateproof/redis-limiter'
import { timeoutGuard } from '@gateproof/timeout-guard'
import middy from '@middy/core'
import { Redis } from 'ioredis'

const metrics = new Metrics({ namespace: 'shop', serviceName: 'reports' })
const logger = new Logger({ serviceName: 'reports' })

// Your handler; a stand-in here.
const reports = async () => ({ statusCode: 200, body: JSON.stringify({ report: 'r-1' }) })

// Module scope: one connection per execution environment, made during init.
export const redis = new Redis(process.env.REDIS_URL as string, { maxRetriesPerRequest: 1 })

const limiter = redisLimiter({
  client: redis,
  // Per tenant, fleet-wide: 6 in flight (below the reserved concurrency of 16),
  // 20 requests per second with bursts of 5, and at most 600 a minute.
  concurrency: { limit: 6 },
  rate: [
    { perSecond: 20, burst: 5 },
    { perSecond: 10, burst: 600 },
  ],
  overrides: {
    'tenant-enterprise': { concurrency: { limit: 12 }, rate: { perSecond: 100, burst: 20 } },
  },
  criticalReserve: 0.2, // critical requests may use 20 % more than the limit
  maxWaitMs: 200, // a short spike waits up to 200 ms for a slot instead of a 429
  metrics,
  logger,
})
// Connected before the first request: the first decisions of a cold process are not slow.
await limiter.ready

const guard = timeoutGuard({ metrics, logger })
const shedder = loadShedder<'rest'>({
  limiter,
  key: keyBy.tenant(), // the x-amz-tenant-id header; 'anonymous' without one
  cost: (event) => (event.path.endsWith('/export') ? 10 : 1), // an export uses 10 rate cells
  priority: (event) => (event.headers['x-batch'] ? 'sheddable' : 'normal'),
  metrics,
  logger,
})

export const handler = middy(reports, gateproofPlugin(guard, shedder))
  .use(errorMapper({ metrics, logger }))
  .use(guard)
  .use(shedder)
