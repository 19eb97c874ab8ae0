import { setTimeout as sleep } from 'node:timers/promises'
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb'
import { type LocalGateway, startLocalGateway } from '@gateproof/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { createHandler } from '../src/handler.js'
import { type OrderStore, orderStoreFromEnv } from '../src/orders.js'

let gateway: LocalGateway | undefined
afterEach(async () => {
  await gateway?.close()
  gateway = undefined
})

// Time scaled down: the REST integration timeout is 300 ms instead of 29 s.
const INTEGRATION_TIMEOUT_MS = 300

async function serve(orders: OrderStore) {
  const handler = createHandler(orders, {
    timeoutGuard: { integrationTimeoutMs: INTEGRATION_TIMEOUT_MS, marginMs: 50 },
    // The default floor (250 ms left) is sized for a 29 s budget, not this scaled one.
    loadShedder: { deadline: { minRemainingMs: 20 } },
  })
  gateway = await startLocalGateway({
    handler,
    integration: 'rest',
    integrationTimeoutMs: INTEGRATION_TIMEOUT_MS,
    routes: ['/orders/{id}'],
  })
  return gateway.url
}

async function get(url: string) {
  const response = await fetch(url)
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    errorType: response.headers.get('x-amzn-errortype'),
    retryAfter: response.headers.get('retry-after'),
    body: JSON.parse(await response.text()) as unknown,
  }
}

const store = (get: OrderStore['get']): OrderStore => ({ get })

describe('examples/rest-api through a local REST API gateway', () => {
  it('answers 200 with a JSON string body where a raw handler would get a 502 (R17)', async () => {
    const url = await serve(store(async (id) => ({ id, status: 'shipped' })))
    expect(await get(`${url}/orders/42`)).toEqual({
      status: 200,
      contentType: 'application/json',
      errorType: null,
      retryAfter: null,
      body: { id: '42', status: 'shipped' },
    })
  })

  it('answers 404 in the error contract when the order does not exist', async () => {
    const url = await serve(store(async () => undefined))
    const response = await get(`${url}/orders/7`)
    expect(response).toMatchObject({
      status: 404,
      contentType: 'application/problem+json',
      errorType: 'NotFoundException',
    })
    expect(response.body).toMatchObject({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'There is no order 7.',
      errorType: 'NotFoundException',
    })
  })

  it('answers 503 with Retry-After when DynamoDB throttles, not a bare 500', async () => {
    const url = await serve(
      store(async () => {
        throw new ProvisionedThroughputExceededException({
          message: 'Throughput exceeds the current capacity of your table.',
          $metadata: { httpStatusCode: 400 },
        })
      }),
    )
    const response = await get(`${url}/orders/42`)
    expect(response).toMatchObject({ status: 503, errorType: 'ServiceUnavailableException' })
    expect(Number(response.retryAfter)).toBeGreaterThanOrEqual(1)
    expect(JSON.stringify(response.body)).not.toContain('Throughput exceeds')
  })

  it('answers its own 504 before the gateway gives up and aborts the store call (§2.1 integration timeout)', async () => {
    let aborted: unknown
    const url = await serve(
      store(async (_id, signal) => {
        await sleep(5_000, undefined, { signal }).catch(() => {
          aborted = signal.reason
        })
        return undefined
      }),
    )
    const response = await get(`${url}/orders/42`)
    expect(response).toMatchObject({
      status: 504,
      contentType: 'application/problem+json',
      errorType: 'GatewayTimeoutException',
    })
    expect(response.body).toMatchObject({ status: 504, title: 'Gateway Timeout' })
    await sleep(20)
    expect(aborted).toBeInstanceOf(DOMException)
    expect((aborted as DOMException).name).toBe('TimeoutError')
  })
})

describe('where orders live: DynamoDB deployed, a sample in memory when served locally', () => {
  it('without TABLE_NAME the sample order 42 is found and any other id is a 404 problem+json', async () => {
    const url = await serve(orderStoreFromEnv({}))
    expect(await get(`${url}/orders/42`)).toMatchObject({
      status: 200,
      body: { id: '42', status: 'shipped' },
    })
    expect(await get(`${url}/orders/7`)).toMatchObject({
      status: 404,
      contentType: 'application/problem+json',
    })
  })

  it('with TABLE_NAME it asks DynamoDB (no region here: the SDK call fails, rendered as problem+json)', async () => {
    const url = await serve(orderStoreFromEnv({ TABLE_NAME: 'orders' }))
    const { AWS_REGION, AWS_DEFAULT_REGION } = process.env
    delete process.env.AWS_REGION
    delete process.env.AWS_DEFAULT_REGION
    try {
      const answer = await get(`${url}/orders/42`)
      // 500 when the SDK fails at once; 504 if a profile gives it a region and it waits on the network.
      expect([500, 504]).toContain(answer.status)
      expect(answer.contentType).toBe('application/problem+json')
    } finally {
      if (AWS_REGION !== undefined) process.env.AWS_REGION = AWS_REGION
      if (AWS_DEFAULT_REGION !== undefined) process.env.AWS_DEFAULT_REGION = AWS_DEFAULT_REGION
    }
  })
})
