import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { type LocalGateway, type LocalGatewayOptions, startLocalGateway } from '../src/index.js'

let gateway: LocalGateway | undefined

async function serve(options: LocalGatewayOptions): Promise<LocalGateway> {
  gateway = await startLocalGateway(options)
  return gateway
}

afterEach(async () => {
  await gateway?.close()
  gateway = undefined
})

async function get(url: string, init?: RequestInit) {
  const response = await fetch(url, init)
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body: await response.text(),
  }
}

describe('startLocalGateway', () => {
  it('turns an HTTP request into a REST event and delivers a valid proxy result (R1, R22)', async () => {
    const seen: unknown[] = []
    const { url } = await serve({
      integration: 'rest',
      handler: (event: { httpMethod: string; path: string; queryStringParameters: unknown }) => {
        seen.push(event)
        return { statusCode: 201, headers: { 'x-order': '42' }, body: 'created' }
      },
    })
    const response = await get(`${url}/orders?id=42`, {
      method: 'POST',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json' },
    })
    expect(response.status).toBe(201)
    expect(response.body).toBe('created')
    expect(response.headers['x-order']).toBe('42')
    expect(response.headers['content-type']).toBe('application/json')
    expect(response.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/)
    expect(seen[0]).toMatchObject({
      httpMethod: 'POST',
      path: '/orders',
      queryStringParameters: { id: '42' },
      body: '{"a":1}',
      isBase64Encoded: false,
    })
  })

  it('fills resource and pathParameters from the first matching route template', async () => {
    const seen: Array<{ resource: string; pathParameters: unknown }> = []
    const { url } = await serve({
      integration: 'rest',
      routes: ['/files/{path+}', '/orders/{id}'],
      handler: (event: { resource: string; pathParameters: unknown }) => {
        seen.push(event)
        return { statusCode: 204 }
      },
    })
    await get(`${url}/orders/a%20b`)
    await get(`${url}/files/x/y.txt`)
    await get(`${url}/other`)
    expect(seen.map(({ resource, pathParameters }) => ({ resource, pathParameters }))).toEqual([
      { resource: '/orders/{id}', pathParameters: { id: 'a b' } },
      { resource: '/files/{path+}', pathParameters: { path: 'x/y.txt' } },
      { resource: '/other', pathParameters: null },
    ])
  })

  it('answers 502 Internal server error when a REST handler returns a body object (R17)', async () => {
    const { url } = await serve({
      integration: 'rest',
      handler: () => ({ statusCode: 200, body: { id: 42 } }),
    })
    const response = await get(`${url}/orders/42`)
    expect(response.status).toBe(502)
    expect(JSON.parse(response.body)).toEqual({ message: 'Internal server error' })
    expect(response.headers['x-amzn-errortype']).toBe('InternalServerErrorException')
  })

  it('answers 500 Internal Server Error when an HTTP API handler throws (§2.1 unhandled)', async () => {
    const { url } = await serve({
      integration: 'http-v2',
      handler: () => {
        throw new Error('boom')
      },
    })
    const response = await get(`${url}/orders/42`)
    expect(response.status).toBe(500)
    expect(JSON.parse(response.body)).toEqual({ message: 'Internal Server Error' })
    expect(response.headers['apigw-requestid']).toBeDefined()
  })

  it('answers 504 at the REST integration timeout while the invocation keeps running (§2.1 integration timeout)', async () => {
    let finished = false
    const { url } = await serve({
      integration: 'rest',
      integrationTimeoutMs: 50,
      handler: async () => {
        await sleep(300)
        finished = true
        return { statusCode: 200, body: 'late' }
      },
    })
    const response = await get(url)
    expect(response.status).toBe(504)
    expect(JSON.parse(response.body)).toEqual({ message: 'Endpoint request timed out' })
    expect(finished).toBe(false)
    expect(gateway?.inFlight).toBe(1)
    await sleep(400)
    expect(finished).toBe(true)
    expect(gateway?.inFlight).toBe(0)
  })

  it('answers 503 Service Unavailable at the HTTP API integration timeout', async () => {
    const { url } = await serve({
      integration: 'http-v2',
      integrationTimeoutMs: 30,
      handler: () => new Promise(() => undefined),
      functionTimeoutMs: 100,
    })
    const response = await get(url)
    expect(response.status).toBe(503)
    expect(JSON.parse(response.body)).toEqual({ message: 'Service Unavailable' })
  })

  it('answers 500 to the invocation beyond reserved concurrency on REST (§2.1 throttle)', async () => {
    const { url } = await serve({
      integration: 'rest',
      reservedConcurrency: 1,
      handler: async () => {
        await sleep(150)
        return { statusCode: 200, body: 'ok' }
      },
    })
    const [first, second] = await Promise.all([get(url), sleep(30).then(() => get(url))])
    expect(first.status).toBe(200)
    expect(second.status).toBe(500)
    expect(JSON.parse(second.body)).toEqual({ message: 'Internal server error' })
  })

  it('gives the handler a context whose remaining time counts down from the function timeout', async () => {
    let remaining = 0
    const { url } = await serve({
      integration: 'function-url',
      functionTimeoutMs: 5_000,
      handler: async (_event: unknown, context) => {
        await sleep(20)
        remaining = context.getRemainingTimeInMillis()
        return 'ok'
      },
    })
    const response = await get(url)
    expect(response).toMatchObject({ status: 200, body: 'ok' })
    expect(remaining).toBeLessThan(5_000)
    expect(remaining).toBeGreaterThan(0)
  })

  it('answers 502 from Function URL when Lambda’s own timeout ends the invocation (F-timeout)', async () => {
    const { url } = await serve({
      integration: 'function-url',
      functionTimeoutMs: 40,
      handler: () => new Promise(() => undefined),
    })
    const response = await get(url)
    expect(response).toMatchObject({ status: 502, body: 'Internal Server Error' })
    expect(gateway?.inFlight).toBe(0)
  })

  it('sends ALB events with the trace header and decodes a base64 body (A1)', async () => {
    let event: { headers?: Record<string, string>; requestContext?: unknown } = {}
    const { url } = await serve({
      integration: 'alb',
      handler: (e: typeof event) => {
        event = e
        return {
          statusCode: 200,
          statusDescription: '200 OK',
          isBase64Encoded: true,
          headers: { 'content-type': 'application/octet-stream' },
          body: Buffer.from([0, 1, 2, 255]).toString('base64'),
        }
      },
    })
    const response = await fetch(url)
    expect(response.status).toBe(200)
    expect([...new Uint8Array(await response.arrayBuffer())]).toEqual([0, 1, 2, 255])
    expect(event.headers?.['x-amzn-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-/)
    expect(event.requestContext).toHaveProperty('elb')
  })
})
