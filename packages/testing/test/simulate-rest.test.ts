import { simulateGateway } from '@gateproof/testing'
import { describe, expect, it } from 'vitest'

const returned = (value: unknown, options = {}) =>
  simulateGateway('rest', { kind: 'returned', value }, options)

const JSON_TYPE = { 'Content-Type': 'application/json' }

/** REST's own answer to a malformed proxy response (§2.1 "Malformed response" REST). */
const malformed = (rows: string[], confirmed = true) => ({
  status: 502,
  headers: {
    'Content-Type': 'application/json',
    'x-amzn-ErrorType': 'InternalServerErrorException',
  },
  body: '{"message": "Internal server error"}',
  gatewayError: true,
  rows,
  confirmed,
})

describe('simulateGateway: REST proxy responses (§1.1)', () => {
  it('R-format: delivers a well-formed response as returned', () => {
    expect(
      returned({ statusCode: 200, headers: { 'Content-Type': 'text/plain' }, body: 'ok' }),
    ).toEqual({
      status: 200,
      headers: { 'Content-Type': 'text/plain' },
      body: 'ok',
      gatewayError: false,
      rows: ['R-format'],
      confirmed: true,
    })
  })

  it('R1: {statusCode: 200} without a body answers 200 with an empty body and Content-Type added', () => {
    expect(returned({ statusCode: 200 })).toEqual({
      status: 200,
      headers: JSON_TYPE,
      body: '',
      gatewayError: false,
      rows: ['R1', 'R22'],
      confirmed: true,
    })
  })

  it('R2: an empty object answers 200 with an empty body', () => {
    expect(returned({})).toEqual({
      status: 200,
      headers: JSON_TYPE,
      body: '',
      gatewayError: false,
      rows: ['R2', 'R22'],
      confirmed: true,
    })
  })

  it('R3: a response without statusCode answers 200 and passes its headers', () => {
    expect(returned({ headers: { 'test-header': 'value' } })).toEqual({
      status: 200,
      headers: { 'test-header': 'value', 'Content-Type': 'application/json' },
      body: '',
      gatewayError: false,
      rows: ['R3', 'R22'],
      confirmed: true,
    })
  })

  it('R4: a statusCode string that parses as an integer is used', () => {
    expect(returned({ statusCode: '201' })).toEqual({
      status: 201,
      headers: JSON_TYPE,
      body: '',
      gatewayError: false,
      rows: ['R4', 'R1', 'R22'],
      confirmed: true,
    })
  })

  it('R5: a statusCode string that does not parse answers 502', () => {
    expect(returned({ statusCode: 'test' })).toEqual(malformed(['R5']))
  })

  it('R6: an extra top-level key answers 502', () => {
    expect(returned({ statusCode: 200, wrongValue: 'value' })).toEqual(malformed(['R6']))
    expect(returned({ statusCode: 200, statusDescription: '200 OK', body: '' })).toEqual(
      malformed(['R6']),
    )
  })

  it('R7: a plain string (any non-object) answers 502', () => {
    expect(returned('justAString')).toEqual(malformed(['R7']))
    expect(returned([{ statusCode: 200 }])).toEqual(malformed(['R7']))
    expect(returned(undefined)).toEqual(malformed(['R7']))
  })

  it('R8: a boolean header value is rendered as text', () => {
    expect(returned({ statusCode: 200, headers: { 'header-bool': true }, body: 'x' })).toEqual({
      status: 200,
      headers: { 'header-bool': 'true', 'Content-Type': 'application/json' },
      body: 'x',
      gatewayError: false,
      rows: ['R8', 'R22'],
      confirmed: true,
    })
  })

  it('R9: headers: null adds no headers', () => {
    expect(returned({ statusCode: 200, headers: null, body: 'x' })).toEqual({
      status: 200,
      headers: JSON_TYPE,
      body: 'x',
      gatewayError: false,
      rows: ['R9', 'R22'],
      confirmed: true,
    })
  })

  it('R10: a numeric header value answers 502 (expected, not verified)', () => {
    expect(returned({ statusCode: 200, headers: { 'Content-Length': 123 }, body: 'x' })).toEqual(
      malformed(['R10'], false),
    )
  })

  it('R11: a null header value answers 502 (expected, not verified)', () => {
    expect(returned({ statusCode: 200, headers: { 'X-Trace': null }, body: 'x' })).toEqual(
      malformed(['R11'], false),
    )
  })

  it('R12: a multiValueHeaders value that is not an array answers 502', () => {
    expect(returned({ statusCode: 200, multiValueHeaders: { k: 'v' } })).toEqual(malformed(['R12']))
  })

  it('R13: multiValueHeaders values reach the client comma-joined', () => {
    expect(
      returned({
        statusCode: 200,
        multiValueHeaders: { 'test-multi': ['value1', 'value2'] },
        body: 'x',
      }),
    ).toEqual({
      status: 200,
      headers: { 'test-multi': 'value1, value2', 'Content-Type': 'application/json' },
      body: 'x',
      gatewayError: false,
      rows: ['R13', 'R22'],
      confirmed: true,
    })
  })

  it('R14: the same name in both maps delivers both values, multi-value first', () => {
    expect(
      returned({
        statusCode: 200,
        multiValueHeaders: { 'test-multi': ['value-multi'] },
        headers: { 'test-multi': 'value-solo' },
        body: 'x',
      }),
    ).toEqual({
      status: 200,
      headers: { 'test-multi': 'value-multi, value-solo', 'Content-Type': 'application/json' },
      body: 'x',
      gatewayError: false,
      rows: ['R13', 'R14', 'R22'],
      confirmed: true,
    })
  })

  it('R15: names merge case-insensitively and the multiValueHeaders casing wins', () => {
    expect(
      returned({
        statusCode: 200,
        multiValueHeaders: { 'tesT-Multi': ['value-multi'] },
        headers: { 'test-multi': 'value-solo' },
        body: 'x',
      }),
    ).toEqual({
      status: 200,
      headers: { 'tesT-Multi': 'value-multi, value-solo', 'Content-Type': 'application/json' },
      body: 'x',
      gatewayError: false,
      rows: ['R13', 'R15', 'R22'],
      confirmed: true,
    })
  })

  it('R16: an identical name and value in both maps appears once', () => {
    expect(
      returned({
        statusCode: 200,
        multiValueHeaders: { 'test-multi': ['same'] },
        headers: { 'test-multi': 'same' },
        body: 'x',
      }),
    ).toEqual({
      status: 200,
      headers: { 'test-multi': 'same', 'Content-Type': 'application/json' },
      body: 'x',
      gatewayError: false,
      rows: ['R13', 'R16', 'R22'],
      confirmed: true,
    })
  })

  it('R17: a body that is an object, not a string, answers 502', () => {
    expect(returned({ statusCode: 200, body: { message: 'hi' } })).toEqual(malformed(['R17']))
  })

  it('R18: an explicit body: null answers 200 empty (expected, not verified)', () => {
    expect(returned({ statusCode: 204, body: null })).toEqual({
      status: 204,
      headers: JSON_TYPE,
      body: '',
      gatewayError: false,
      rows: ['R18', 'unconfirmed', 'R22'],
      confirmed: false,
    })
  })

  it('R19: isBase64Encoded without a binaryMediaTypes match returns the base64 text itself', () => {
    expect(returned({ statusCode: 200, isBase64Encoded: true, body: 'dGVzdC1kYXRh' })).toEqual({
      status: 200,
      headers: JSON_TYPE,
      body: 'dGVzdC1kYXRh',
      gatewayError: false,
      rows: ['R22', 'R19'],
      confirmed: true,
    })
  })

  it('R20: isBase64Encoded is decoded when the first Accept media type is a binary media type', () => {
    const png = {
      statusCode: 200,
      headers: { 'Content-Type': 'image/png' },
      isBase64Encoded: true,
      body: Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString('base64'),
    }
    expect(returned(png, { binaryMediaTypes: ['image/*'], accept: 'image/png, */*' })).toEqual({
      status: 200,
      headers: { 'Content-Type': 'image/png' },
      body: '\u0089PNG',
      gatewayError: false,
      rows: ['R20'],
      confirmed: true,
    })
    // Only the first Accept media type counts.
    expect(
      returned(png, { binaryMediaTypes: ['image/png'], accept: 'text/html, image/png' }),
    ).toMatchObject({
      body: 'iVBORw==',
      rows: ['R19'],
    })
    expect(returned(png, { binaryMediaTypes: ['*/*'] })).toMatchObject({ body: '\u0089PNG' })
  })

  it('R21: a body that is not base64 where binary support applies answers 500', () => {
    expect(
      returned(
        { statusCode: 200, isBase64Encoded: true, body: 'not base64!' },
        { binaryMediaTypes: ['*/*'] },
      ),
    ).toEqual({
      status: 500,
      headers: {
        'Content-Type': 'application/json',
        'x-amzn-ErrorType': 'InternalServerErrorException',
      },
      body: '{"message": "Internal server error"}',
      gatewayError: true,
      rows: ['R22', 'R20', 'R21'],
      confirmed: true,
    })
  })

  it('R22: a response without Content-Type gets application/json', () => {
    expect(returned({ statusCode: 200, body: '{"ok":true}' })).toEqual({
      status: 200,
      headers: JSON_TYPE,
      body: '{"ok":true}',
      gatewayError: false,
      rows: ['R22'],
      confirmed: true,
    })
  })

  it('R23: header names keep the casing returned', () => {
    expect(
      returned({
        statusCode: 200,
        headers: { 'X-Custom-Header': 'v', 'content-type': 'text/plain' },
        body: '',
      }),
    ).toMatchObject({ headers: { 'X-Custom-Header': 'v', 'content-type': 'text/plain' } })
  })

  it.each([600, 99, -1, 200.5])(
    'R24: statusCode %s answers 502 (expected, not verified)',
    (statusCode) => {
      expect(returned({ statusCode, body: '' })).toEqual(malformed(['R24'], false))
    },
  )

  it('§6.2: remaps WWW-Authenticate and friends to X-Amzn-Remapped-* and drops hop-by-hop headers', () => {
    expect(
      returned({
        statusCode: 401,
        headers: {
          'Content-Type': 'application/problem+json',
          'WWW-Authenticate': 'Bearer realm="orders"',
          Server: 'my-app',
          Via: '1.1 proxy',
          Connection: 'close',
          'Retry-After': '2',
        },
        body: '{}',
      }),
    ).toEqual({
      status: 401,
      headers: {
        'Content-Type': 'application/problem+json',
        'X-Amzn-Remapped-WWW-Authenticate': 'Bearer realm="orders"',
        'X-Amzn-Remapped-Server': 'my-app',
        'X-Amzn-Remapped-Connection': 'close',
        'Retry-After': '2',
      },
      body: '{}',
      gatewayError: false,
      rows: ['HDR-rest-remap'],
      confirmed: true,
    })
  })

  it('§6.4: headers beyond the 10 240-byte budget answer 502 (expected, not verified)', () => {
    expect(
      returned({ statusCode: 200, headers: { 'X-Big': 'x'.repeat(10_300) }, body: '' }),
    ).toEqual(malformed(['R22', 'Q-rest-headers'], false))
  })

  it('§2.1: a result over 6 MB is a function error, 502 (expected, not verified)', () => {
    expect(returned({ statusCode: 200, body: 'x'.repeat(6_300_000) })).toEqual(
      malformed(['F-payload'], false),
    )
  })

  it('§2.1: a result Lambda cannot serialise is a function error, 502', () => {
    expect(returned({ statusCode: 200, body: 1n })).toEqual(malformed(['F-unhandled']))
  })
})
