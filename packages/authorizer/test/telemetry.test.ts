import type { Logger } from '@aws-lambda-powertools/logger'
import type { Metrics } from '@aws-lambda-powertools/metrics'
import {
  type Capture,
  captureOutput,
  expectMetric,
  requestAuthorizerEvent,
  tokenAuthorizerEvent,
} from '@gateproof/testing'
import createError from 'http-errors'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { allow, deny } from '../src/index.js'
import { LAMBDA_REQUEST_ID, powertools, run } from './support.js'

let capture: Capture
let metrics: Metrics
let logger: Logger
beforeEach(() => {
  capture = captureOutput()
  ;({ metrics, logger } = powertools())
})
afterEach(() => capture.stop())

const event = tokenAuthorizerEvent({ authorizationToken: 'Bearer s3cr3t-t0ken-value' })
const ARN = event.methodArn

describe('one log line and one AuthorizerOutcome metric per non-allow outcome or repair', () => {
  it('AZ6: a valid Allow writes nothing', async () => {
    await run(() => allow('u', { methodArn: ARN }), event, { metrics, logger })
    expect(capture.metrics()).toEqual([])
    expect(capture.logs()).toEqual([])
  })

  it('AZ7: a Deny from the handler: outcome deny, reason policy', async () => {
    await run(() => deny('u', { methodArn: ARN }), event, { metrics, logger })
    expect(capture.metrics()).toHaveLength(1)
    expectMetric(capture, {
      name: 'AuthorizerOutcome',
      dimensions: { type: 'token', outcome: 'deny', reason: 'policy', action: 'none' },
    })
    expect(capture.logs()).toHaveLength(1)
  })

  it('AZ16: a repair: outcome allow, reason context-nested, action repaired; the log names paths, not values', async () => {
    await run(
      () => ({ ...allow('u', { methodArn: ARN }), context: { user: { email: 'a@b.example' } } }),
      event,
      { metrics, logger },
    )
    expectMetric(capture, {
      name: 'AuthorizerOutcome',
      dimensions: { outcome: 'allow', reason: 'context-nested', action: 'repaired' },
    })
    const [log] = capture.logs()
    expect(capture.logs()).toHaveLength(1)
    expect(log?.line.requestId).toBe(LAMBDA_REQUEST_ID)
    expect(log?.line.violations).toEqual([
      expect.objectContaining({ path: '$.context["user"]', rule: 'context-nested', row: 'AZ16' }),
    ])
    expect(JSON.stringify(log?.line)).not.toContain('a@b.example')
  })

  it('AZ9: a thrown 401: outcome unauthorized, and the token never reaches the log line', async () => {
    await run(
      () => {
        throw createError(401, `bad token Bearer s3cr3t-t0ken-value`)
      },
      event,
      { metrics, logger },
    )
    expectMetric(capture, {
      name: 'AuthorizerOutcome',
      dimensions: { outcome: 'unauthorized', reason: 'thrown-401', action: 'replaced' },
    })
    expect(capture.lines.join('\n')).not.toContain('s3cr3t-t0ken-value')
  })

  it('AZ10: the REQUEST authorizer’s Authorization header never reaches the log line', async () => {
    const request = requestAuthorizerEvent({
      headers: { Authorization: 'Basic dXNlcjpodW50ZXIy' },
    })
    await run(
      () => {
        throw new Error('cannot decode Basic dXNlcjpodW50ZXIy')
      },
      request,
      { metrics, logger },
    )
    expectMetric(capture, {
      name: 'AuthorizerOutcome',
      dimensions: { type: 'request', outcome: 'error', reason: 'thrown-error' },
    })
    // REQUEST events carry the gateway's request id.
    expect(capture.logs()[0]?.line.requestId).toBe(request.requestContext.requestId)
    expect(capture.lines.join('\n')).not.toContain('dXNlcjpodW50ZXIy')
  })

  it('AZ25: a bare methodArn Allow with caching on is warned about once, and still allowed', async () => {
    const policy = allow('u', { methodArn: ARN })
    const settled = await run(() => policy, event, { metrics, logger, cacheTtlSeconds: 300 })
    expect(settled).toEqual({ returned: policy })
    expect(capture.metrics()).toHaveLength(1)
    expectMetric(capture, {
      name: 'AuthorizerOutcome',
      dimensions: { outcome: 'allow', reason: 'cache-narrow-resource', action: 'warned' },
    })
  })

  it('AZ25: without caching the same Allow is not warned about', async () => {
    await run(() => allow('u', { methodArn: ARN }), event, { metrics, logger })
    expect(capture.metrics()).toEqual([])
  })

  it('AZ25: the builder with cacheTtlSeconds allows the stage, and no warning follows', async () => {
    const policy = allow('u', { methodArn: ARN, cacheTtlSeconds: 300 })
    await run(() => policy, event, { metrics, logger, cacheTtlSeconds: 300 })
    expect(capture.metrics()).toEqual([])
  })

  it('without a Logger, only a failure the gateway turns into a 500 writes one JSON line to stderr; logger: false silences it', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    try {
      const noLogger = { logger: undefined }
      await run(() => deny('u', { methodArn: ARN }), event, noLogger)
      expect(spy).not.toHaveBeenCalled()
      await run(
        () => {
          throw new Error('down')
        },
        event,
        noLogger,
      )
      expect(spy).toHaveBeenCalledTimes(1)
      expect(JSON.parse(String(spy.mock.calls[0]?.[0]))).toMatchObject({
        outcome: 'error',
        reason: 'thrown-error',
      })
      await run(
        () => {
          throw new Error('down')
        },
        event,
        { logger: false },
      )
      expect(spy).toHaveBeenCalledTimes(1)
    } finally {
      spy.mockRestore()
    }
  })
})
