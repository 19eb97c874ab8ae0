import { routeKey } from '@gateproof/load-shedder'
import {
  albEvent,
  functionUrlEvent,
  httpApiEvent,
  httpApiV1Event,
  restEvent,
} from '@gateproof/testing'
import { describe, expect, it } from 'vitest'

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
