import { routeKey } from '@gateproof/load-shedder'
import {
  albEvent,
  functionUrlEvent,
  httpApiEvent,
  httpApiV1Event,
  restEvent,
} from '@gateproof/testing'
import { describe, expect, it } from 'vitest'
import { memoizedRouteKey } from '../src/route-key.js'

describe('routeKey: the default partition, bounded by the number of routes', () => {
  it('is method and resource template on REST', () => {
    expect(
      routeKey(restEvent({ httpMethod: 'POST', resource: '/orders/{id}', path: '/orders/42' })),
    ).toBe('POST /orders/{id}')
  })

  it('is the route key on HTTP API, payload 1.0 and 2.0', () => {
    expect(routeKey(httpApiV1Event())).toBe('GET /orders/{id}')
    expect(routeKey(httpApiEvent({ routeKey: 'DELETE /carts/{id}', rawPath: '/carts/7' }))).toBe(
      'DELETE /carts/{id}',
    )
  })

  it('is one shared $default on ALB and Function URLs, whose raw paths the client chooses', () => {
    expect(routeKey(albEvent({ path: '/orders/42' }))).toBe('$default')
    expect(routeKey(albEvent({ path: '/orders/43' }))).toBe('$default')
    expect(routeKey(functionUrlEvent({ rawPath: '/anything' }))).toBe('$default')
  })

  it('is $default for anything that is not a front-door event', () => {
    expect([routeKey(undefined), routeKey({}), routeKey('event')]).toEqual([
      '$default',
      '$default',
      '$default',
    ])
  })
})

describe('memoizedRouteKey: the same keys as routeKey', () => {
  it('answers every kind of event as routeKey does, repeated and interleaved', () => {
    const events: unknown[] = [
      restEvent(),
      restEvent({ httpMethod: 'POST', resource: '/orders/{id}' }),
      { ...restEvent(), routeKey: 'PUT /named' },
      { ...restEvent(), resource: undefined },
      { ...restEvent(), requestContext: 'not an object' },
      httpApiV1Event(),
      httpApiEvent({ routeKey: 'DELETE /carts/{id}' }),
      albEvent(),
      functionUrlEvent(),
      {},
      null,
      'text',
    ]
    const keyOf = memoizedRouteKey()
    for (let round = 0; round < 3; round++) {
      for (const event of events) expect(keyOf(event)).toBe(routeKey(event))
    }
  })
})
