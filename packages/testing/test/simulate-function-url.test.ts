import { simulateGateway } from '@gateproof/testing'
import { describe, expect, it } from 'vitest'

const returned = (value: unknown) => simulateGateway('function-url', { kind: 'returned', value })

const JSON_TYPE = { 'content-type': 'application/json' }

describe('simulateGateway: Function URLs, BUFFERED (§1.5)', () => {
  it('U1: an object is re-serialised compactly as a JSON body', () => {
    expect(returned({ hello: 'world' })).toEqual({
      status: 200,
      headers: JSON_TYPE,
      body: '{"hello":"world"}',
      gatewayError: false,
      rows: ['U1'],
      confirmed: true,
    })
  })

  it('U2: a string is sent raw, without JSON quotes', () => {
    expect(returned('hello')).toEqual({
      status: 200,
      headers: JSON_TYPE,
      body: 'hello',
      gatewayError: false,
      rows: ['U2'],
      confirmed: true,
    })
  })

  it.each([
    [3, '3'],
    [3.1, '3.1'],
    [true, 'true'],
    [['hello', 3, true], '["hello",3,true]'],
  ])('U3: %j is sent as its JSON text', (value, body) => {
    expect(returned(value)).toEqual({
      status: 200,
      headers: JSON_TYPE,
      body,
      gatewayError: false,
      rows: ['U3'],
      confirmed: true,
    })
  })

  it('U4: {statusCode, body} is structured and defaults Content-Type to application/json', () => {
    expect(returned({ statusCode: 200, body: 'body123' })).toEqual({
      status: 200,
      headers: JSON_TYPE,
      body: 'body123',
      gatewayError: false,
      rows: ['U4'],
      confirmed: true,
    })
  })

  it('U5: a statusCode string is used', () => {
    expect(returned({ statusCode: '418', body: "i'm a teapot" })).toEqual({
      status: 418,
      headers: JSON_TYPE,
      body: "i'm a teapot",
      gatewayError: false,
      rows: ['U4', 'U5'],
      confirmed: true,
    })
  })

  it('U6: custom headers are delivered', () => {
    expect(
      returned({
        statusCode: 201,
        headers: { 'My-Custom-Header': 'Custom Value' },
        body: '{"id":1}',
      }),
    ).toEqual({
      status: 201,
      headers: { 'My-Custom-Header': 'Custom Value', 'content-type': 'application/json' },
      body: '{"id":1}',
      gatewayError: false,
      rows: ['U4', 'U6'],
      confirmed: true,
    })
  })

  it('U7: a body that is an object answers 502 (expected, not verified)', () => {
    expect(returned({ statusCode: 200, body: { hello: 'world' } })).toEqual({
      status: 502,
      headers: {},
      body: 'Internal Server Error',
      gatewayError: true,
      rows: ['U4', 'U7'],
      confirmed: false,
    })
  })

  it('H2-5 on a Function URL: cookies join any set-cookie header the function set', () => {
    expect(
      returned({
        statusCode: 200,
        headers: { 'Set-Cookie': 'a=1', 'content-type': 'text/plain' },
        cookies: ['b=2'],
        body: '',
      }),
    ).toMatchObject({ headers: { 'Set-Cookie': 'a=1, b=2', 'content-type': 'text/plain' } })
  })
})
