import { simulateGateway } from '@gateproof/testing'
import { describe, expect, it } from 'vitest'

const v1 = (value: unknown) => simulateGateway('http-v1', { kind: 'returned', value })
const v2 = (value: unknown) => simulateGateway('http-v2', { kind: 'returned', value })

const JSON_TYPE = { 'content-type': 'application/json' }

/** HTTP API's own 500 (§2.1 "Unhandled exception" / "Malformed response" HTTP API). */
const internalError = (rows: string[], confirmed: boolean) => ({
  status: 500,
  headers: JSON_TYPE,
  body: '{"message":"Internal Server Error"}',
  gatewayError: true,
  rows,
  confirmed,
})

describe('simulateGateway: HTTP API payload 1.0 (§1.2)', () => {
  it('H1-1: delivers the REST-shaped response as returned', () => {
    expect(
      v1({
        statusCode: 201,
        headers: { 'Content-Type': 'application/json', Location: '/orders/42' },
        multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] },
        body: '{"id":42}',
        isBase64Encoded: false,
      }),
    ).toEqual({
      status: 201,
      headers: {
        'Set-Cookie': 'a=1, b=2',
        'Content-Type': 'application/json',
        Location: '/orders/42',
      },
      body: '{"id":42}',
      gatewayError: false,
      rows: ['H1-1'],
      confirmed: true,
    })
  })

  it('H1-2: a response without statusCode answers 500 (expected, not verified)', () => {
    expect(v1({ headers: { 'Content-Type': 'text/plain' }, body: 'hi' })).toEqual(
      internalError(['H1-1', 'H1-2'], false),
    )
  })

  it('H1-3: extra unknown keys are ignored', () => {
    expect(
      v1({ statusCode: 200, headers: { 'Content-Type': 'text/plain' }, body: 'ok', extra: 1 }),
    ).toEqual({
      status: 200,
      headers: { 'Content-Type': 'text/plain' },
      body: 'ok',
      gatewayError: false,
      rows: ['H1-1', 'H1-3'],
      confirmed: true,
    })
  })

  it('H1-4: isBase64Encoded is decoded whatever the content type', () => {
    expect(
      v1({
        statusCode: 200,
        headers: { 'Content-Type': 'text/plain' },
        isBase64Encoded: true,
        body: 'dGVzdC1kYXRh',
      }),
    ).toEqual({
      status: 200,
      headers: { 'Content-Type': 'text/plain' },
      body: 'test-data',
      gatewayError: false,
      rows: ['H1-1', 'H1-4'],
      confirmed: true,
    })
  })

  it('H1-x: a response without Content-Type gets application/json (expected, not verified)', () => {
    expect(v1({ statusCode: 200, body: 'x' })).toEqual({
      status: 200,
      headers: JSON_TYPE,
      body: 'x',
      gatewayError: false,
      rows: ['H1-1', 'unconfirmed'],
      confirmed: false,
    })
  })

  it('H1-x: an invalid base64 body answers 500 (expected, not verified)', () => {
    expect(
      v1({
        statusCode: 200,
        headers: { 'Content-Type': 'text/plain' },
        isBase64Encoded: true,
        body: '%%%',
      }),
    ).toEqual(internalError(['H1-1', 'H1-4', 'unconfirmed'], false))
  })
})

describe('simulateGateway: HTTP API payload 2.0 (§1.3)', () => {
  it('H2-1: a JSON string is the body, not re-quoted', () => {
    expect(v2('Hello from Lambda!')).toEqual({
      status: 200,
      headers: JSON_TYPE,
      body: 'Hello from Lambda!',
      gatewayError: false,
      rows: ['H2-1'],
      confirmed: true,
    })
  })

  it('H2-2: an object without statusCode is the whole JSON body', () => {
    expect(v2({ message: 'Hello' })).toEqual({
      status: 200,
      headers: JSON_TYPE,
      body: '{"message":"Hello"}',
      gatewayError: false,
      rows: ['H2-2'],
      confirmed: true,
    })
  })

  it('H2-3: an object with statusCode is a structured response; other keys are not the body', () => {
    expect(v2({ statusCode: 200, headers: JSON_TYPE, message: 'lost' })).toEqual({
      status: 200,
      headers: JSON_TYPE,
      body: '',
      gatewayError: false,
      rows: ['H2-3'],
      confirmed: true,
    })
  })

  it.each([
    [3, '3'],
    [true, 'true'],
    [['hello', 3, true], '["hello",3,true]'],
    [null, 'null'],
  ])(
    'H2-4: top-level %j answers 200 with its JSON text (expected, not verified)',
    (value, body) => {
      expect(v2(value)).toEqual({
        status: 200,
        headers: JSON_TYPE,
        body,
        gatewayError: false,
        rows: ['H2-4'],
        confirmed: false,
      })
    },
  )

  it('H2-5: each cookie becomes a set-cookie header (shown joined)', () => {
    expect(
      v2({ statusCode: 200, headers: JSON_TYPE, cookies: ['a=b', 'c=d'], body: '{}' }),
    ).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json', 'set-cookie': 'a=b, c=d' },
      body: '{}',
      gatewayError: false,
      rows: ['H2-3', 'H2-5'],
      confirmed: true,
    })
  })

  it('H2-6: multiValueHeaders is not part of 2.0 and is ignored', () => {
    expect(
      v2({
        statusCode: 200,
        headers: JSON_TYPE,
        multiValueHeaders: { 'X-Multi': ['a', 'b'] },
        body: '',
      }),
    ).toEqual({
      status: 200,
      headers: JSON_TYPE,
      body: '',
      gatewayError: false,
      rows: ['H2-3', 'H2-6'],
      confirmed: true,
    })
  })

  it('H2-7: isBase64Encoded is decoded whatever the content type', () => {
    expect(
      v2({
        statusCode: 200,
        headers: { 'content-type': 'text/plain' },
        isBase64Encoded: true,
        body: 'aGk=',
      }),
    ).toEqual({
      status: 200,
      headers: { 'content-type': 'text/plain' },
      body: 'hi',
      gatewayError: false,
      rows: ['H2-3', 'H2-7'],
      confirmed: true,
    })
  })

  it('H2-8: a statusCode string is used (expected, not verified)', () => {
    expect(v2({ statusCode: '418', headers: JSON_TYPE, body: 'teapot' })).toEqual({
      status: 418,
      headers: JSON_TYPE,
      body: 'teapot',
      gatewayError: false,
      rows: ['H2-3', 'H2-8'],
      confirmed: false,
    })
  })

  it('H2-9: a body that is an object answers 500 (expected, not verified)', () => {
    expect(v2({ statusCode: 200, body: { message: 'hi' } })).toEqual(
      internalError(['H2-3', 'H2-9'], false),
    )
  })

  it('H2-10: a structured response without content-type gets application/json (expected, not verified)', () => {
    expect(v2({ statusCode: 200, body: 'x' })).toEqual({
      status: 200,
      headers: JSON_TYPE,
      body: 'x',
      gatewayError: false,
      rows: ['H2-3', 'H2-10'],
      confirmed: false,
    })
  })

  it('§6.1: a function x-amzn-* header is delivered as the best guess (expected, not verified)', () => {
    expect(
      v2({
        statusCode: 429,
        headers: {
          'content-type': 'application/problem+json',
          'x-amzn-ErrorType': 'TooManyRequestsException',
        },
        body: '{}',
      }),
    ).toEqual({
      status: 429,
      headers: {
        'content-type': 'application/problem+json',
        'x-amzn-ErrorType': 'TooManyRequestsException',
      },
      body: '{}',
      gatewayError: false,
      rows: ['H2-3', 'HDR-http-x-amzn'],
      confirmed: false,
    })
  })

  it('R24 on HTTP API: an out-of-range statusCode answers 500 (expected, not verified)', () => {
    expect(v2({ statusCode: 700, body: '' })).toEqual(internalError(['H2-3', 'R24'], false))
  })
})
