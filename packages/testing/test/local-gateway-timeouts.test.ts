/**
 * F-timeout, §4: the local gateway's timeouts are whole milliseconds a timer can wait. Node
 * holds at most 2 147 483 647 ms and fires a larger one after 1 ms, so a "very long" timeout
 * made every slower request the gateway's 502 (function) or 504 (integration). Like the
 * per-route tables, the options say so when they are out of range.
 */
import { GateproofOptionsError } from '@gateproof/core'
import { describe, expect, it } from 'vitest'
import { startLocalGateway } from '../src/index.js'

const handler = async () => ({ statusCode: 200, body: 'done' })

describe('local gateway timeouts out of a timer’s range are refused', () => {
  it.each([
    [{ functionTimeoutMs: 2_147_483_648 }],
    [{ integrationTimeoutMs: 2_147_483_648 }],
    [{ functionTimeoutMs: 0 }],
    [{ functionTimeoutMs: Number.NaN }],
    [{ integrationTimeoutMs: -1 }],
    [{ routes: ['GET /x'], routeFunctionTimeoutMs: { 'GET /x': 2_147_483_648 } }],
    [{ routes: ['GET /x'], routeIntegrationTimeoutMs: { 'GET /x': 2_147_483_648 } }],
  ])('%j', async (options) => {
    await expect(
      startLocalGateway({ integration: 'rest', handler, ...options } as never),
    ).rejects.toBeInstanceOf(GateproofOptionsError)
  })

  it('integrationTimeoutMs: null is a gateway without a limit, as before', async () => {
    const gateway = await startLocalGateway({
      integration: 'alb',
      handler,
      integrationTimeoutMs: null,
    })
    await gateway.close()
  })
})
