/**
 * H1 (issue 12): whatever a handler throws — `null`, a number, a frozen or null-prototype
 * object, a Proxy whose traps throw, getters that throw on `name`, `message`, `statusCode`,
 * `status`, `headers`, `cause`, `errorType`, a circular `cause` — the full preset answers a
 * rendered error in the contract on every front door, with or without the shedder, the
 * guard and telemetry: the invocation never rejects, so the gateway never answers 502.
 */
import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import {
  hasSplittingChars,
  INTEGRATIONS,
  type Integration,
  isRetryAfterSeconds,
} from '@gateproof/core'
import { captureOutput, eventFor, lambdaContext, simulateGateway } from '@gateproof/testing'
import fc from 'fast-check'
import { type GateproofOptions, gateproof } from 'gateproof'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { hostileThrown } from './support/hostile.js'

const RUNS = process.env.CI ? 10_000 : 600

interface Variant {
  shedder: boolean
  guard: boolean
  telemetry: boolean
}

const VARIANTS: Variant[] = [false, true].flatMap((shedder) =>
  [false, true].flatMap((guard) =>
    [false, true].map((telemetry) => ({ shedder, guard, telemetry })),
  ),
)

const SECRET = 'hostile-secret-9c1e'
let thrownNow: () => unknown = () => undefined

function build(variant: Variant) {
  const options: GateproofOptions<never> = {}
  if (!variant.shedder) options.loadShedder = false
  if (!variant.guard) options.timeoutGuard = false
  if (variant.telemetry) {
    options.metrics = new Metrics({ namespace: 'property', serviceName: 'orders' })
    options.logger = new Logger({ serviceName: 'orders' })
  }
  return gateproof(async () => {
    throw thrownNow()
  }, options as never)
}

describe('H1: hostile thrown values through the full preset (property)', () => {
  const capture = { stop: () => {} }
  beforeAll(() => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    Object.assign(capture, captureOutput())
  })
  afterAll(() => {
    capture.stop()
    vi.restoreAllMocks()
  })

  it('H1: the handler never rejects and every answer is deliverable and in the contract, on all five front doors', async () => {
    const handlers = VARIANTS.map((variant) => ({ variant, handler: build(variant) }))
    await fc.assert(
      fc.asyncProperty(
        hostileThrown,
        fc.constantFrom<Integration>(...INTEGRATIONS),
        fc.constantFrom(...handlers),
        fc.boolean(),
        async (make, integration, { handler }, withSecret) => {
          thrownNow = () => {
            const value = make()
            if (withSecret && value instanceof Error && Object.isExtensible(value)) {
              try {
                value.message = SECRET
              } catch {
                // a hostile message setter: keep the value as it is
              }
            }
            return value
          }
          let result: unknown
          try {
            result = await handler(eventFor(integration) as never, lambdaContext())
          } catch (error) {
            throw new Error(
              `the invocation rejected (the gateway would answer 502): ${String(error)}`,
            )
          }
          const client = simulateGateway(integration, { kind: 'returned', value: result })
          expect(client.gatewayError).toBe(false)
          expect(client.status).toBeGreaterThanOrEqual(400)
          const response = result as { headers: Record<string, string>; body: string }
          const body = JSON.parse(response.body) as Record<string, unknown>
          expect(body.status).toBe(client.status)
          expect(body.errorType).toBe(response.headers['x-amzn-ErrorType'])
          for (const [name, value] of Object.entries(response.headers)) {
            expect(hasSplittingChars(name) || hasSplittingChars(value)).toBe(false)
          }
          const retryAfter = response.headers['Retry-After']
          if (retryAfter !== undefined) expect(isRetryAfterSeconds(retryAfter)).toBe(true)
          if (client.status === 429 || client.status === 503) expect(retryAfter).toBeDefined()
          if (client.status >= 500) expect(response.body).not.toContain(SECRET)
        },
      ),
      { numRuns: RUNS },
    )
  }, 600_000)
})
