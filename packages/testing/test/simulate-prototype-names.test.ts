/**
 * H4 (issue 12): header names that are also `Object.prototype` members (`constructor`,
 * `toString`, `__proto__`) are headers like any other. The client view must show them as the
 * function sent them: never `Object.prototype`'s members (`function Object() { [native code] }`)
 * and never lost to an assignment that sets a prototype instead of a key.
 */
import { INTEGRATIONS } from '@gateproof/core'
import { describe, expect, it } from 'vitest'
import { simulateGateway } from '../src/index.js'

const names = () => JSON.parse('{"__proto__":"p","constructor":"c","toString":"t"}') as object

describe('H4: prototype-named response headers in the client view', () => {
  it.each(INTEGRATIONS)(
    '%s: headers named __proto__, constructor, toString arrive as sent',
    (door) => {
      const client = simulateGateway(door, {
        kind: 'returned',
        value: { statusCode: 200, headers: names(), body: '', isBase64Encoded: false },
      })
      expect(client.gatewayError).toBe(false)
      expect(Object.hasOwn(client.headers, '__proto__')).toBe(true)
      expect(Object.getOwnPropertyDescriptor(client.headers, '__proto__')?.value).toBe('p')
      expect(Object.getOwnPropertyDescriptor(client.headers, 'constructor')?.value).toBe('c')
      // ALB clients see lower-case names (A3, HTTP/2).
      const toStringName = door === 'alb' ? 'tostring' : 'toString'
      expect(Object.getOwnPropertyDescriptor(client.headers, toStringName)?.value).toBe('t')
      expect(Object.getPrototypeOf(client.headers)).toBe(Object.prototype)
    },
  )

  it('ALB with multi-value headers (A2): the same, values joined', () => {
    const client = simulateGateway(
      'alb',
      {
        kind: 'returned',
        value: {
          statusCode: 200,
          multiValueHeaders: JSON.parse('{"__proto__":["p1","p2"],"constructor":["c"]}'),
          body: '',
          isBase64Encoded: false,
        },
      },
      { albMultiValueHeaders: true },
    )
    expect(Object.getOwnPropertyDescriptor(client.headers, '__proto__')?.value).toBe('p1, p2')
    expect(Object.getOwnPropertyDescriptor(client.headers, 'constructor')?.value).toBe('c')
  })
})
