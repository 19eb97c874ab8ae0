import { simulateGateway } from '@gateproof/testing'
import { describe, expect, it } from 'vitest'
import { DOORS, type Door, integrationOf, internalError, through } from './helpers.js'

const JSON_TYPE = { 'Content-Type': 'application/json' }

async function expectRepair(door: Door, result: unknown, expected: unknown) {
  const response = await through(door, result)
  expect(response).toEqual(expected)
  const client = simulateGateway(
    integrationOf(door),
    { kind: 'returned', value: response },
    {
      albMultiValueHeaders: door === 'alb-multi',
    },
  )
  expect(client.gatewayError).toBe(false)
}

describe('repair mode, REST (§1.1)', () => {
  it('R6: drops an extra top-level key; the gateway would answer 502', async () => {
    const result = { statusCode: 200, wrongValue: 'value', body: 'ok' }
    expect(simulateGateway('rest', { kind: 'returned', value: result })).toMatchObject({
      status: 502,
      gatewayError: true,
      rows: ['R6'],
    })
    await expectRepair('rest', result, { statusCode: 200, body: 'ok' })
  })

  it('R7: sends a plain string as the JSON body of a 200, as payload 2.0 infers it', async () => {
    await expectRepair('rest', 'justAString', {
      statusCode: 200,
      headers: JSON_TYPE,
      body: 'justAString',
    })
  })

  it('R7: sends a domain object as the JSON body of a 200', async () => {
    await expectRepair(
      'rest',
      { orderId: 'o-1', total: 12 },
      {
        statusCode: 200,
        headers: JSON_TYPE,
        body: '{"orderId":"o-1","total":12}',
      },
    )
  })

  it('R7: answers 204 when the handler returns nothing', async () => {
    await expectRepair('rest', undefined, { statusCode: 204 })
  })

  it('R8/R10/R11: turns number and boolean header values into strings, drops null ones', async () => {
    const result = {
      statusCode: 200,
      headers: { 'Content-Length': 2, 'X-Cache-Hit': false, 'X-Gone': null, 'X-Ok': 'ok' },
      body: 'ok',
    }
    await expectRepair('rest', result, {
      statusCode: 200,
      headers: { 'Content-Length': '2', 'X-Cache-Hit': 'false', 'X-Ok': 'ok' },
      body: 'ok',
    })
  })

  it('R12: wraps a single multiValueHeaders value in an array and stringifies items', async () => {
    const result = { statusCode: 200, multiValueHeaders: { k: 'v', n: [1, null, 'two'] } }
    await expectRepair('rest', result, {
      statusCode: 200,
      multiValueHeaders: { k: ['v'], n: ['1', 'two'] },
    })
  })

  it('R17: sends an object body as JSON with Content-Type application/json', async () => {
    await expectRepair(
      'rest',
      { statusCode: 201, body: { id: 'o-1' } },
      {
        statusCode: 201,
        headers: JSON_TYPE,
        body: '{"id":"o-1"}',
      },
    )
  })

  it('R17: keeps the Content-Type the response already has, in any casing', async () => {
    const result = {
      statusCode: 200,
      headers: { 'content-type': 'application/vnd.api+json' },
      body: { data: [] },
    }
    await expectRepair('rest', result, {
      statusCode: 200,
      headers: { 'content-type': 'application/vnd.api+json' },
      body: '{"data":[]}',
    })
  })

  it('R17: sends numbers and arrays as JSON text', async () => {
    await expectRepair(
      'rest',
      { statusCode: 200, body: 42 },
      {
        statusCode: 200,
        headers: JSON_TYPE,
        body: '42',
      },
    )
    await expectRepair(
      'rest',
      { statusCode: 200, body: [1, 'a'] },
      {
        statusCode: 200,
        headers: JSON_TYPE,
        body: '[1,"a"]',
      },
    )
  })

  it('R18: removes a null body', async () => {
    await expectRepair('rest', { statusCode: 204, body: null }, { statusCode: 204 })
  })

  it('R19: sends a Buffer body as base64 with isBase64Encoded and a binary Content-Type', async () => {
    await expectRepair(
      'rest',
      { statusCode: 200, body: Buffer.from('test-data') },
      {
        statusCode: 200,
        headers: { 'Content-Type': 'application/octet-stream' },
        body: 'dGVzdC1kYXRh',
        isBase64Encoded: true,
      },
    )
  })

  it('R19: sends a Uint8Array result as a base64 200', async () => {
    await expectRepair('rest', new Uint8Array([0xff, 0x00, 0x10]), {
      statusCode: 200,
      headers: { 'Content-Type': 'application/octet-stream' },
      body: '/wAQ',
      isBase64Encoded: true,
    })
  })

  it('turns isBase64Encoded "true"/"false" and null into booleans', async () => {
    await expectRepair(
      'rest',
      { statusCode: 200, body: 'aGk=', isBase64Encoded: 'true' },
      {
        statusCode: 200,
        body: 'aGk=',
        isBase64Encoded: true,
      },
    )
    await expectRepair(
      'rest',
      { statusCode: 200, body: 'hi', isBase64Encoded: null },
      {
        statusCode: 200,
        body: 'hi',
        isBase64Encoded: false,
      },
    )
  })

  it('R6: sends cookies as Set-Cookie multiValueHeaders, after any already there', async () => {
    const result = {
      statusCode: 200,
      multiValueHeaders: { 'set-cookie': ['a=1'] },
      cookies: ['b=2', 'a=1'],
      body: '',
    }
    await expectRepair('rest', result, {
      statusCode: 200,
      multiValueHeaders: { 'set-cookie': ['a=1', 'b=2'] },
      body: '',
    })
  })

  it('R6: drops statusDescription, which only ALB reads', async () => {
    await expectRepair(
      'rest',
      { statusCode: 404, statusDescription: '404 Not Found', body: '' },
      {
        statusCode: 404,
        body: '',
      },
    )
  })
})

describe('repair mode, HTTP API 1.0 (§1.2)', () => {
  it('H1-2: adds the missing statusCode as 200', async () => {
    await expectRepair(
      'http-v1',
      { headers: { 'X-A': 'a' }, body: 'x' },
      {
        statusCode: 200,
        headers: { 'X-A': 'a' },
        body: 'x',
      },
    )
  })

  it('H1-1: turns an integer string statusCode into a number', async () => {
    await expectRepair('http-v1', { statusCode: ' 202 ', body: '' }, { statusCode: 202, body: '' })
  })

  it('H1-1: answers 204 when the handler returns nothing', async () => {
    await expectRepair('http-v1', undefined, { statusCode: 204 })
  })

  it('R9 is REST only: removes headers null', async () => {
    await expectRepair(
      'http-v1',
      { statusCode: 200, headers: null, body: '' },
      {
        statusCode: 200,
        body: '',
      },
    )
  })
})

describe.each(['http-v2', 'function-url'] as const)('repair mode, %s (§1.3, §1.5)', (door) => {
  it('H2-2/U1: passes an inferred result through as it is (an equal copy, H9)', async () => {
    const result = { message: 'Hello' }
    expect(await through(door, result)).toEqual({ message: 'Hello' })
  })

  it('H2-4: passes undefined through, the front door answers 200 null', async () => {
    expect(await through(door, undefined)).toBeUndefined()
  })

  it('H2-6: joins multiValueHeaders into headers, Set-Cookie into cookies', async () => {
    const result = {
      statusCode: 200,
      headers: { Vary: 'Origin' },
      multiValueHeaders: { vary: ['Accept'], 'Set-Cookie': ['a=1', 'b=2'], 'X-Id': [7] },
      cookies: ['c=3'],
      body: '',
    }
    await expectRepair(door, result, {
      statusCode: 200,
      headers: { Vary: 'Accept, Origin', 'X-Id': '7' },
      cookies: ['c=3', 'a=1', 'b=2'],
      body: '',
    })
  })

  it('H2-5: wraps a single cookie string and drops null cookies', async () => {
    await expectRepair(
      door,
      { statusCode: 200, cookies: 'a=1', body: '' },
      {
        statusCode: 200,
        cookies: ['a=1'],
        body: '',
      },
    )
    await expectRepair(
      door,
      { statusCode: 200, cookies: ['a=1', null], body: '' },
      {
        statusCode: 200,
        cookies: ['a=1'],
        body: '',
      },
    )
  })

  it('H2-9/U7: sends an object body as JSON', async () => {
    await expectRepair(
      door,
      { statusCode: 200, body: { ok: true } },
      {
        statusCode: 200,
        headers: JSON_TYPE,
        body: '{"ok":true}',
      },
    )
  })

  it('H2-3: drops extra keys beside a body', async () => {
    await expectRepair(
      door,
      { statusCode: 200, body: 'x', traceId: 't-1' },
      {
        statusCode: 200,
        body: 'x',
      },
    )
  })

  it('H2-7: sends bytes as a base64 200', async () => {
    await expectRepair(door, Buffer.from('hi'), {
      statusCode: 200,
      headers: { 'Content-Type': 'application/octet-stream' },
      body: 'aGk=',
      isBase64Encoded: true,
    })
  })
})

describe('repair mode, ALB (§1.4)', () => {
  it('A4: adds the required headers and isBase64Encoded, and statusDescription (A1)', async () => {
    await expectRepair(
      'alb',
      { statusCode: 404, body: 'missing' },
      {
        statusCode: 404,
        statusDescription: '404 Not Found',
        headers: {},
        body: 'missing',
        isBase64Encoded: false,
      },
    )
  })

  it('A4: answers 204 with every required field when the handler returns nothing', async () => {
    await expectRepair('alb', undefined, {
      statusCode: 204,
      statusDescription: '204 No Content',
      headers: {},
      isBase64Encoded: false,
    })
    await expectRepair('alb-multi', undefined, {
      statusCode: 204,
      statusDescription: '204 No Content',
      multiValueHeaders: {},
      isBase64Encoded: false,
    })
  })

  it('A2: moves headers into multiValueHeaders when the target group uses them', async () => {
    const result = {
      statusCode: 200,
      headers: { 'Content-Type': 'text/plain', 'X-N': 1 },
      multiValueHeaders: { 'x-n': ['0'] },
      body: 'ok',
      isBase64Encoded: false,
    }
    await expectRepair('alb-multi', result, {
      statusCode: 200,
      statusDescription: '200 OK',
      multiValueHeaders: { 'x-n': ['0', '1'], 'Content-Type': ['text/plain'] },
      body: 'ok',
      isBase64Encoded: false,
    })
  })

  it('A2: joins multiValueHeaders into headers when the target group does not use them', async () => {
    const result = {
      statusCode: 200,
      multiValueHeaders: { 'Cache-Control': ['no-store', 'private'], 'Set-Cookie': ['a=1'] },
      body: 'ok',
      isBase64Encoded: false,
    }
    await expectRepair('alb', result, {
      statusCode: 200,
      statusDescription: '200 OK',
      headers: { 'Cache-Control': 'no-store, private', 'Set-Cookie': 'a=1' },
      body: 'ok',
      isBase64Encoded: false,
    })
  })

  it('A8: turns header values into strings, booleans included', async () => {
    const result = {
      statusCode: 200,
      statusDescription: 'OK',
      headers: { 'X-Flag': true, 'X-N': 3 },
      body: '',
      isBase64Encoded: false,
    }
    await expectRepair('alb', result, {
      statusCode: 200,
      statusDescription: 'OK',
      headers: { 'X-Flag': 'true', 'X-N': '3' },
      body: '',
      isBase64Encoded: false,
    })
  })

  it('A1: replaces a statusDescription that is not a string', async () => {
    const result = { statusCode: 201, statusDescription: 201, headers: {}, isBase64Encoded: false }
    await expectRepair('alb', result, {
      statusCode: 201,
      statusDescription: '201 Created',
      headers: {},
      isBase64Encoded: false,
    })
  })

  it('A4: sends a string result as the JSON body of a 200', async () => {
    await expectRepair('alb-multi', 'hello', {
      statusCode: 200,
      statusDescription: '200 OK',
      multiValueHeaders: { 'Content-Type': ['application/json'] },
      body: 'hello',
      isBase64Encoded: false,
    })
  })

  it('R17/A4: an object body in multi-value mode gets its Content-Type as a list', async () => {
    await expectRepair(
      'alb-multi',
      { statusCode: 200, body: { a: 1 } },
      {
        statusCode: 200,
        statusDescription: '200 OK',
        multiValueHeaders: { 'Content-Type': ['application/json'] },
        body: '{"a":1}',
        isBase64Encoded: false,
      },
    )
  })
})

describe('repair mode renders a 500 for what has no safe meaning', () => {
  const circular: Record<string, unknown> = { id: 1 }
  circular.self = circular

  it.each([
    ['R5', 'a statusCode that is no integer', { statusCode: 'test' }],
    ['R24', 'a statusCode out of range', { statusCode: 700, body: '' }],
    ['R17', 'a circular body', { statusCode: 200, body: circular }],
    ['R17', 'a BigInt in the body', { statusCode: 200, body: { total: 10n } }],
    ['H2-3', 'statusCode beside a payload and no body', { statusCode: 200, message: 'Not found' }],
    [
      'R21/H1-4/H2-7/A4',
      'a body flagged base64 that is not',
      { statusCode: 200, body: 'not base64!', isBase64Encoded: true },
    ],
    ['§2.1/A5', 'a 6 MiB body', { statusCode: 200, body: 'x'.repeat(6 * 1024 * 1024) }],
    ['R10', 'an object header value', { statusCode: 200, headers: { 'X-Obj': { a: 1 } } }],
  ])('%s: %s, on every front door', async (_row, _what, result) => {
    for (const door of DOORS) {
      const response = await through(door, result)
      expect(response, door).toEqual(internalError(door))
      const client = simulateGateway(
        integrationOf(door),
        { kind: 'returned', value: response },
        {
          albMultiValueHeaders: door === 'alb-multi',
        },
      )
      expect(client, door).toMatchObject({ status: 500, gatewayError: false })
    }
  })

  it('§6.4: REST headers over 10 240 bytes', async () => {
    const result = { statusCode: 200, headers: { 'x-big': 'v'.repeat(10_300) }, body: '' }
    expect(await through('rest', result)).toEqual(internalError('rest'))
  })

  it('A5: an ALB response over 1 MiB', async () => {
    const result = {
      statusCode: 200,
      headers: {},
      body: 'x'.repeat(1024 * 1024),
      isBase64Encoded: false,
    }
    expect(await through('alb', result)).toEqual(internalError('alb'))
  })

  it('the 500 uses the message format when asked', async () => {
    const response = await through('rest', { statusCode: 'test' }, { format: 'message' })
    expect(response).toEqual({
      statusCode: 500,
      headers: {
        'Content-Type': 'application/json',
        'x-amzn-ErrorType': 'InternalServerErrorException',
      },
      body: JSON.stringify({
        message: 'Internal Server Error',
        errorType: 'InternalServerErrorException',
        requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      }),
      isBase64Encoded: false,
    })
  })

  it('falls back to the problem format when a custom formatter throws', async () => {
    const format = () => {
      throw new Error('formatter bug')
    }
    expect(await through('rest', { statusCode: 'test' }, { format })).toEqual(internalError('rest'))
  })
})

describe('valid responses pass through unchanged', () => {
  const VALID: Record<Door, object> = {
    rest: { statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: '{"ok":true}' },
    'http-v1': { statusCode: 201, multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] }, body: '' },
    'http-v2': { statusCode: 200, cookies: ['a=1'], headers: { 'x-a': 'a' }, body: 'hi' },
    'function-url': { statusCode: '418', body: "i'm a teapot" },
    alb: {
      statusCode: 200,
      statusDescription: '200 OK',
      headers: {},
      body: '',
      isBase64Encoded: false,
    },
    'alb-multi': {
      statusCode: 302,
      multiValueHeaders: { Location: ['/'] },
      isBase64Encoded: false,
    },
  }

  it.each(DOORS)(
    '%s: an equal plain copy comes back (H9: judged once, the copy is sent)',
    async (door) => {
      const result = VALID[door]
      const copy = structuredClone(result)
      const response = await through(door, result)
      expect(response).toEqual(copy)
      expect(result).toEqual(copy)
    },
  )
})

it('never changes the object the handler returned', async () => {
  const headers = { 'Content-Length': 2 }
  const result = { statusCode: '200', headers, body: { a: 1 }, extra: true }
  const copy = structuredClone(result)
  for (const door of DOORS) {
    const response = await through(door, result)
    expect(response).not.toBe(result)
    expect(result).toEqual(copy)
    expect(result.headers).toBe(headers)
  }
})

it('R17/R10: the README example, a 502 before and a 200 after', async () => {
  const result = () => ({ statusCode: 200, headers: { 'Content-Length': 12 }, body: { id: 'o-1' } })
  expect(simulateGateway('rest', { kind: 'returned', value: result() })).toMatchObject({
    status: 502,
    body: '{"message": "Internal server error"}',
    gatewayError: true,
  })
  const response = await through('rest', result())
  expect(response).toEqual({
    statusCode: 200,
    headers: { 'Content-Length': '12', 'Content-Type': 'application/json' },
    body: '{"id":"o-1"}',
  })
  expect(simulateGateway('rest', { kind: 'returned', value: response })).toMatchObject({
    status: 200,
    body: '{"id":"o-1"}',
    gatewayError: false,
  })
})
