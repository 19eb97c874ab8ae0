import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import {
  captureOutput,
  expectLog,
  expectMetric,
  lambdaContext,
  restEvent,
} from '@gateproof/testing'
import { gateproof, memoryLimiter } from 'gateproof'

// In a test: captureOutput() in beforeEach, capture.stop() in afterEach.
const capture = captureOutput()
try {
  const metrics = new Metrics({ namespace: 'test', serviceName: 'orders' })
  const logger = new Logger({ serviceName: 'orders' })
  const handler = gateproof(async () => ({ statusCode: 200, body: 'ok' }), {
    integration: 'rest',
    metrics,
    logger,
    loadShedder: { limiter: memoryLimiter({ rate: { perSecond: 1, burst: 1 } }) },
  })
  await handler(restEvent(), lambdaContext()) // admitted: it takes the one token
  await handler(restEvent(), lambdaContext()) // shed: 429 + Retry-After
  expectMetric(capture, { name: 'LoadShed', dimensions: { Reason: 'rate' }, value: 1 })
  expectLog(capture, { level: 'warn', message: /refused/, fields: { reason: 'rate' } })
} finally {
  capture.stop()
}
