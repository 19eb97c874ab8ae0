import { httpApiEvent, lambdaContext, simulateGateway } from '@gateproof/testing'
import { describe, expect, it } from 'vitest'
import { handler } from '../src/handler.js'

const post = (body: string) =>
  handler(
    // The body parser's types describe the event after parsing; the gateway sends a string.
    httpApiEvent({
      routeKey: 'POST /orders',
      rawPath: '/orders',
      body,
      headers: { 'content-type': 'application/json' },
    }) as Parameters<typeof handler>[0],
    lambdaContext(),
  )

describe('examples/http-api', () => {
  it('answers 201 with a Location header for a valid order', async () => {
    const result = await post('{"sku":"tea","quantity":2}')
    expect(result).toEqual({
      statusCode: 201,
      headers: { location: '/orders/tea-1' },
      body: '{"id":"tea-1","sku":"tea","quantity":2}',
    })
  })

  it('answers 422 with field-level detail for an invalid order, delivered by HTTP API', async () => {
    const result = await post('{"sku":"","quantity":1000}')
    const client = simulateGateway('http-v2', { kind: 'returned', value: result })
    expect(client.status).toBe(422)
    expect(client.gatewayError).toBe(false)
    const body = JSON.parse(client.body) as { errors: Array<{ pointer: string }> }
    expect(body.errors.map((e) => e.pointer).sort()).toEqual(['#/quantity', '#/sku'])
  })

  it('answers 400 for a body that is not JSON instead of the 500 HTTP API sends for a throw', async () => {
    const result = await post('{not json')
    const client = simulateGateway('http-v2', { kind: 'returned', value: result })
    expect(client.status).toBe(400)
    expect(simulateGateway('http-v2', { kind: 'threw' }).status).toBe(500)
  })
})
