import { afterEach, describe, expect, it } from 'vitest'
import { type LocalGateway, startLocalGateway } from '../src/index.js'

let gateway: LocalGateway | undefined
afterEach(async () => {
  await gateway?.close()
  gateway = undefined
})

const arnAllow = (methodArn: string) => ({
  principalId: 'user-1',
  policyDocument: {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: methodArn }],
  },
  context: { tier: 'gold' },
})

describe('local gateway with a Lambda authorizer (issue 16)', () => {
  it('AZ20/AZ6/AZ17: TOKEN — no header is 401 uninvoked; a valid token reaches the handler with the context', async () => {
    let authorizerCalls = 0
    const seen: unknown[] = []
    gateway = await startLocalGateway({
      integration: 'rest',
      handler: (event: { requestContext: { authorizer: unknown } }) => {
        seen.push(event.requestContext.authorizer)
        return { statusCode: 200, body: 'ok' }
      },
      authorizer: {
        type: 'token',
        handler: (event: { authorizationToken: string; methodArn: string }) => {
          authorizerCalls += 1
          if (event.authorizationToken !== 'Bearer good') throw new Error('Unauthorized')
          return arnAllow(event.methodArn)
        },
      },
    })
    const none = await fetch(`${gateway.url}/orders/1`)
    expect(none.status).toBe(401)
    expect(authorizerCalls).toBe(0)
    const bad = await fetch(`${gateway.url}/orders/1`, { headers: { Authorization: 'Bearer bad' } })
    expect(bad.status).toBe(401)
    expect(bad.headers.get('x-amzn-errortype')).toBe('UnauthorizedException')
    const good = await fetch(`${gateway.url}/orders/1`, {
      headers: { Authorization: 'Bearer good' },
    })
    expect(good.status).toBe(200)
    expect(seen).toEqual([{ principalId: 'user-1', tier: 'gold' }])
  })

  it('AZ19: a path that makes the method ARN longer than 1 600 bytes is 414 without invoking the authorizer', async () => {
    let calls = 0
    gateway = await startLocalGateway({
      integration: 'rest',
      handler: () => ({ statusCode: 200, body: 'ok' }),
      authorizer: {
        type: 'token',
        handler: (event: { methodArn: string }) => {
          calls += 1
          return { ...arnAllow(event.methodArn), context: {} }
        },
      },
    })
    const headers = { Authorization: 'Bearer good' }
    const long = await fetch(`${gateway.url}/orders/${'x'.repeat(1600)}`, { headers })
    expect(long.status).toBe(414)
    expect(await long.text()).toBe('Request URI too long')
    expect(calls).toBe(0)
    expect((await fetch(`${gateway.url}/orders/1`, { headers })).status).toBe(200)
    expect(calls).toBe(1)
  })

  it('AZ24/AZ25: a cached Allow for one method ARN answers 403 on the next route until the TTL ends', async () => {
    let calls = 0
    gateway = await startLocalGateway({
      integration: 'rest',
      handler: () => ({ statusCode: 200, body: 'ok' }),
      authorizer: {
        type: 'token',
        resultTtlSeconds: 300,
        handler: (event: { methodArn: string }) => {
          calls += 1
          return arnAllow(event.methodArn)
        },
      },
    })
    const headers = { Authorization: 'Bearer good' }
    expect((await fetch(`${gateway.url}/orders/1`, { headers })).status).toBe(200)
    const other = await fetch(`${gateway.url}/orders/2`, { headers })
    expect(other.status).toBe(403)
    expect(await other.text()).toBe('{"Message":"User is not authorized to access this resource"}')
    expect(calls).toBe(1)
  })

  it('AZ34/AZ29: HTTP API simple authorizer — missing identity 401, isAuthorized false 403', async () => {
    gateway = await startLocalGateway({
      integration: 'http-v2',
      handler: (event: { requestContext: { authorizer: unknown } }) => ({
        statusCode: 200,
        body: JSON.stringify(event.requestContext.authorizer),
      }),
      authorizer: {
        type: 'http-v2',
        responseFormat: 'simple',
        identitySource: ['$request.header.x-api-key'],
        handler: (event: { identitySource: string[] }) => ({
          isAuthorized: event.identitySource[0] === 'k1',
          context: { plan: 'pro' },
        }),
      },
    })
    expect((await fetch(`${gateway.url}/x`)).status).toBe(401)
    expect((await fetch(`${gateway.url}/x`, { headers: { 'x-api-key': 'nope' } })).status).toBe(403)
    const ok = await fetch(`${gateway.url}/x`, { headers: { 'x-api-key': 'k1' } })
    expect(ok.status).toBe(200)
    expect(await ok.json()).toEqual({ lambda: { plan: 'pro' } })
  })

  it('refuses a REST authorizer in front of an HTTP API integration', async () => {
    await expect(
      startLocalGateway({
        integration: 'http-v2',
        handler: () => ({}),
        authorizer: { type: 'token', handler: () => ({}) },
      }),
    ).rejects.toThrow(/cannot stand in front/)
  })
})

describe('local gateway routeAuthorizers: authorizers per route, as an API attaches them to methods', () => {
  it('each listed route gets its authorizer (own cache), null is none, unlisted routes get the default', async () => {
    const calls = { a: 0, b: 0 }
    const allowAs = (name: 'a' | 'b') => (event: { methodArn: string }) => {
      calls[name] += 1
      return arnAllow(event.methodArn)
    }
    const a = { type: 'token' as const, handler: allowAs('a'), resultTtlSeconds: 0 }
    const b = { type: 'token' as const, handler: allowAs('b'), resultTtlSeconds: 0 }
    gateway = await startLocalGateway({
      integration: 'rest',
      handler: () => ({ statusCode: 200, body: 'ok' }),
      routes: ['GET /orders/{id}', 'ANY /health', 'GET /items'],
      authorizer: b,
      routeAuthorizers: { 'get /orders/{id}': a, 'ANY /health': null },
    })
    const headers = { Authorization: 'Bearer x' }
    expect((await fetch(`${gateway.url}/orders/1`)).status).toBe(401)
    expect((await fetch(`${gateway.url}/orders/1`, { headers })).status).toBe(200)
    expect((await fetch(`${gateway.url}/health`, { method: 'POST' })).status).toBe(200)
    expect((await fetch(`${gateway.url}/items`, { headers })).status).toBe(200)
    expect(calls).toEqual({ a: 1, b: 1 })
  })

  it('a key without its method, or an authorizer of the wrong kind for the front door, is a clear error', async () => {
    const token = { type: 'token' as const, handler: () => ({}) }
    await expect(
      startLocalGateway({
        integration: 'rest',
        handler: () => ({ statusCode: 200, body: '' }),
        routeAuthorizers: { '/orders/{id}': token },
      }),
    ).rejects.toThrow(
      /routes with their method, such as "GET \/orders\/\{id\}"; got "\/orders\/\{id\}"/,
    )
    await expect(
      startLocalGateway({
        integration: 'http-v2',
        handler: () => ({ statusCode: 200, body: '' }),
        routeAuthorizers: { 'GET /x': token },
      }),
    ).rejects.toThrow(/cannot stand in front of a "http-v2" integration/)
  })
})

describe('local gateway authorizer cache on HTTP API (AZ35)', () => {
  it('AZ35: a cached simple response answers every route for the same identity', async () => {
    let calls = 0
    gateway = await startLocalGateway({
      integration: 'http-v2',
      handler: () => ({ statusCode: 200, body: 'ok' }),
      authorizer: {
        type: 'http-v2',
        responseFormat: 'simple',
        resultTtlSeconds: 60,
        handler: (event: { rawPath: string }) => {
          calls += 1
          return { isAuthorized: event.rawPath === '/public' }
        },
      },
    })
    const headers = { Authorization: 'k' }
    expect((await fetch(`${gateway.url}/public`, { headers })).status).toBe(200)
    // The cached "yes" for /public also answers /private: the cache key is the identity alone.
    expect((await fetch(`${gateway.url}/private`, { headers })).status).toBe(200)
    expect(calls).toBe(1)
  })
})
