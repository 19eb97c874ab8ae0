/**
 * §6.4 (Q-rest-headers), A7: a thrown error's own `headers` go on its answer. Headers too big
 * for the front door (REST 10 240 bytes in all, ALB 16 KB a line) made proxy shape replace the
 * mapped answer with a 500: a client error became a server error, with two log lines and two
 * metrics. The mapper keeps the thrown headers within a budget every front door takes, so the
 * answer keeps its status and stays the request's one log line (H7).
 */
import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import { INTEGRATIONS } from '@gateproof/core'
import { captureOutput, eventFor, lambdaContext, simulateGateway } from '@gateproof/testing'
import createHttpError from 'http-errors'
import { describe, expect, it } from 'vitest'
import { gateproof } from '../src/index.js'

describe('Q-rest-headers / A7: a thrown error’s oversized headers', () => {
  it.each(INTEGRATIONS)(
    '%s: the 4xx keeps its status, one log line, one Error metric',
    async (integration) => {
      const capture = captureOutput()
      let result: unknown
      try {
        const handler = gateproof(
          async () => {
            throw createHttpError(409, 'taken', {
              headers: { 'X-Conflict': 'c'.repeat(20_000), 'X-Small': 'kept' },
            })
          },
          {
            metrics: new Metrics({ namespace: 'test', serviceName: 'orders' }),
            logger: new Logger({ serviceName: 'orders' }),
          },
        )
        result = await handler(eventFor(integration) as never, lambdaContext())
      } finally {
        capture.stop()
      }
      const client = simulateGateway(integration, { kind: 'returned', value: result })
      expect(client.gatewayError).toBe(false)
      expect(client.status).toBe(409)
      expect(JSON.stringify(result)).toContain('kept')
      expect(capture.logs()).toHaveLength(1)
      expect(capture.metrics().map((metric) => metric.name)).toEqual(['Error'])
    },
  )
})
