/**
 * H1 (issue 12), §2.1 "Unhandled exception": Middy ends its onError chain at the first
 * `onError` that throws and rejects the invocation with that error, so a middleware of yours
 * that logs and rethrows (`throw request.error`), converts by throwing, or simply has a bug,
 * or a decorator whose `onError` throws, would skip gateproof's mapper and proxy shape: the
 * client gets the gateway's own 502 (REST, ALB, Function URL) or 500 (HTTP API). Behind
 * `gateproof()` such a throw becomes the request's error, and gateproof still answers it.
 */
import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import { INTEGRATIONS } from '@gateproof/core'
import { captureOutput, eventFor, lambdaContext, simulateGateway } from '@gateproof/testing'
import type { MiddlewareObj } from '@middy/core'
import createHttpError from 'http-errors'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { gateproof } from '../src/index.js'

afterEach(() => {
  vi.restoreAllMocks()
})

const notFound = async (): Promise<never> => {
  throw createHttpError(404, 'no such order')
}

const rethrows: MiddlewareObj = {
  onError: (request) => {
    throw request.error
  },
}

describe('H1: an onError that throws behind gateproof()', () => {
  it.each(INTEGRATIONS)(
    '%s: a user middleware that logs and rethrows request.error: the mapped answer, not the gateway’s 502',
    async (integration) => {
      const handler = gateproof(notFound as never).use(rethrows)
      const result = await handler(eventFor(integration) as never, lambdaContext())
      expect(result).toMatchObject({ statusCode: 404 })
      expect(simulateGateway(integration, { kind: 'returned', value: result }).gatewayError).toBe(
        false,
      )
    },
  )

  it('a user onError that converts by throwing: the new error is the one answered', async () => {
    const handler = gateproof(async () => {
      throw new Error('validation library internals')
    }).onError(async () => {
      throw createHttpError(422, 'the order is incomplete')
    })
    const result = (await handler(eventFor('rest') as never, lambdaContext())) as {
      statusCode: number
      body: string
    }
    expect(result.statusCode).toBe(422)
    expect(JSON.parse(result.body)).toMatchObject({ detail: 'the order is incomplete' })
  })

  it.each(INTEGRATIONS)(
    '%s: a decorator whose onError throws after the error was mapped: still an answer in the contract',
    async (integration) => {
      vi.spyOn(console, 'error').mockImplementation(() => {})
      const broken: MiddlewareObj = {
        onError: () => {
          throw new TypeError('cannot read properties of undefined')
        },
      }
      const handler = gateproof(notFound as never, { decorators: [broken] })
      const result = await handler(eventFor(integration) as never, lambdaContext())
      const client = simulateGateway(integration, { kind: 'returned', value: result })
      expect(client.gatewayError).toBe(false)
      expect(client.status).toBeGreaterThanOrEqual(400)
      expect(JSON.stringify(result)).not.toContain('cannot read properties')
    },
  )

  it('one log line and one Error metric for the request whose middleware rethrew', async () => {
    const capture = captureOutput()
    try {
      const handler = gateproof(notFound as never, {
        metrics: new Metrics({ namespace: 'test', serviceName: 'orders' }),
        logger: new Logger({ serviceName: 'orders' }),
      }).use(rethrows)
      await handler(eventFor('rest') as never, lambdaContext())
    } finally {
      capture.stop()
    }
    expect(capture.logs()).toHaveLength(1)
    expect(capture.metrics().map((m) => m.name)).toEqual(['Error'])
  })

  it('H2: for an event of no HTTP front door the thrown error still fails the invocation', async () => {
    const converted = new Error('converted')
    const handler = gateproof(async () => {
      throw new Error('poison message')
    }).use({
      onError: () => {
        throw converted
      },
    })
    const sqs = { Records: [{ eventSource: 'aws:sqs', messageId: '1', body: '{}' }] }
    await expect(handler(sqs as never, lambdaContext())).rejects.toBe(converted)
  })
})
