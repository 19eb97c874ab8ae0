import { type LocalGateway, startLocalGateway } from '@gateproof/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { createHttpAuthorizer } from '../src/http-authorizer.js'
import { httpOrders, restOrders } from '../src/orders.js'
import { CACHE_TTL_SECONDS, createTokenAuthorizer } from '../src/token-authorizer.js'
import type { Caller, TokenVerifier } from '../src/tokens.js'
import { demoVerifier } from '../src/tokens.js'

let gateway: LocalGateway | undefined
afterEach(async () => {
  await gateway?.close()
  gateway = undefined
})

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` })

/** Counts calls, and fails like an identity provider outage when told to. */
function verifierWithOutage() {
  const state = { calls: 0, down: false }
  const verify: TokenVerifier = async (token): Promise<Caller> => {
    state.calls += 1
    if (state.down) throw new Error(`connect ETIMEDOUT idp.example while checking ${token}`)
    return demoVerifier(token)
  }
  return { state, verify }
}

describe('REST TOKEN authorizer with caching, behind the local gateway (issue 16 example)', () => {
  async function start(verify: TokenVerifier) {
    gateway = await startLocalGateway({
      integration: 'rest',
      handler: restOrders,
      routes: ['GET /orders/{id}'],
      authorizer: {
        type: 'token',
        handler: createTokenAuthorizer(verify, { logger: false }),
        resultTtlSeconds: CACHE_TTL_SECONDS,
      },
    })
    return gateway.url
  }

  it('AZ6/AZ17: a known token reaches the backend, which reads principalId and tenant', async () => {
    const url = await start(demoVerifier)
    const response = await fetch(`${url}/orders/7`, { headers: bearer('alice-token') })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ order: '7', caller: 'alice', tenant: 'acme' })
  })

  it('AZ9: an unknown token is 401 UnauthorizedException (the handler threw an http-errors 401)', async () => {
    const url = await start(demoVerifier)
    const response = await fetch(`${url}/orders/7`, { headers: bearer('nobody') })
    expect(response.status).toBe(401)
    expect(response.headers.get('x-amzn-errortype')).toBe('UnauthorizedException')
  })

  it('AZ7: a suspended account is 403 with an explicit deny (the handler threw a 403)', async () => {
    const url = await start(demoVerifier)
    const response = await fetch(`${url}/orders/7`, { headers: bearer('mallory-token') })
    expect(response.status).toBe(403)
    expect(await response.json()).toEqual({
      Message: 'User is not authorized to access this resource with an explicit deny',
    })
  })

  it('AZ20: no Authorization header is 401 and the authorizer is not invoked', async () => {
    const { state, verify } = verifierWithOutage()
    const url = await start(verify)
    expect((await fetch(`${url}/orders/7`)).status).toBe(401)
    expect(state.calls).toBe(0)
  })

  it('AZ24/AZ25: the cached Allow covers every route of the stage — one authorizer call, no 403 on the second route', async () => {
    const { state, verify } = verifierWithOutage()
    const url = await start(verify)
    expect((await fetch(`${url}/orders/1`, { headers: bearer('bob-token') })).status).toBe(200)
    expect((await fetch(`${url}/orders/2`, { headers: bearer('bob-token') })).status).toBe(200)
    expect(state.calls).toBe(1)
  })

  it('AZ10/AZ26: an identity-provider outage is the gateway 500 (not a cached Deny); the next call recovers', async () => {
    const { state, verify } = verifierWithOutage()
    const url = await start(verify)
    state.down = true
    const failed = await fetch(`${url}/orders/1`, { headers: bearer('alice-token') })
    expect(failed.status).toBe(500)
    expect(failed.headers.get('x-amzn-errortype')).toBe('AuthorizerConfigurationException')
    state.down = false
    expect((await fetch(`${url}/orders/1`, { headers: bearer('alice-token') })).status).toBe(200)
  })
})

describe('HTTP API simple-response authorizer, behind the local gateway (issue 16 example)', () => {
  async function start() {
    gateway = await startLocalGateway({
      integration: 'http-v2',
      handler: httpOrders,
      routes: ['GET /orders/{id}'],
      authorizer: {
        type: 'http-v2',
        responseFormat: 'simple',
        handler: createHttpAuthorizer(demoVerifier, { logger: false }),
      },
    })
    return gateway.url
  }

  it('AZ29/AZ30: a known token reaches the backend with the context under authorizer.lambda', async () => {
    const url = await start()
    const response = await fetch(`${url}/orders/9`, { headers: bearer('alice-token') })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ order: '9', caller: 'alice' })
  })

  it('AZ31/AZ33: an unknown token is 403 (isAuthorized: false) — not the 500 a thrown 401 gives on HTTP API (AZ32)', async () => {
    const url = await start()
    expect((await fetch(`${url}/orders/9`, { headers: bearer('nobody') })).status).toBe(403)
  })

  it('AZ34: no Authorization header is 401 without invoking the authorizer', async () => {
    const url = await start()
    expect((await fetch(`${url}/orders/9`)).status).toBe(401)
  })
})
