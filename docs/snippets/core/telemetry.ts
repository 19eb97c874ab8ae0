import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import { createTelemetry } from '@gateproof/core'

const metrics = new Metrics({ namespace: 'shop', serviceName: 'orders' })
const logger = new Logger({ serviceName: 'orders' })

const telemetry = createTelemetry('@my/middleware', { metrics, logger }) // both optional
telemetry.count('RequestsDeferred', { reason: 'maintenance', integration: 'rest' }) // value defaults to 1
telemetry.log('warn', 'request deferred', { reason: 'maintenance' })
