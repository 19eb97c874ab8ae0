import { validateProxyResult } from '@gateproof/proxy-shape'
import { describe, expect, it } from 'vitest'
import { rulesOf } from './helpers.js'

const circular = () => {
  const value: Record<string, unknown> = { id: 1 }
  value.self = value
  return value
}

describe('validateProxyResult, REST (gateway-facts §1.1)', () => {
  it.each([
    ['R1', { statusCode: 200 }],
    ['R2', {}],
    ['R3', { headers: { 'test-header': 'value' } }],
    ['R4', { statusCode: '201' }],
    ['R9', { statusCode: 200, headers: null }],
    ['R13', { statusCode: 200, multiValueHeaders: { 'test-multi': ['value1', 'value2'] } }],
    ['R14', { statusCode: 200, multiValueHeaders: { a: ['m'] }, headers: { a: 's' } }],
    ['R19', { statusCode: 200, body: 'dGVzdC1kYXRh', isBase64Encoded: true }],
  ])('%s: accepts %j as it is', (_row, result) => {
    expect(validateProxyResult(result, 'rest')).toEqual({ valid: true, violations: [] })
  })

  it('R5: rejects a statusCode that is not an integer string', () => {
    expect(validateProxyResult({ statusCode: 'test' }, 'rest')).toEqual({
      valid: false,
      violations: [
        {
          path: '$.statusCode',
          rule: 'status-invalid',
          message: 'statusCode must be an integer from 100 to 599, got "test" (R5/R24)',
        },
      ],
    })
  })

  it.each([99, 600, 200.5, -200, Number.NaN, true, null, { code: 200 }])(
    'R24: rejects the statusCode %j',
    (statusCode) => {
      expect(rulesOf({ statusCode, body: '' }, 'rest')).toEqual([
        ['$.statusCode', 'status-invalid'],
      ])
    },
  )

  it('R6: reports every extra top-level key with its path', () => {
    expect(validateProxyResult({ statusCode: 200, wrongValue: 'value', body: '' }, 'rest')).toEqual(
      {
        valid: false,
        violations: [
          {
            path: '$.wrongValue',
            rule: 'unknown-key',
            message: 'not a response key; removed (R6)',
          },
        ],
      },
    )
    expect(
      rulesOf({ statusCode: 200, body: '', 'x y': 1, statusDescription: 'OK' }, 'rest'),
    ).toEqual([
      ['$.statusDescription', 'unknown-key'],
      ['$["x y"]', 'unknown-key'],
    ])
  })

  it('R6: a key JSON leaves out (undefined, a function) is no extra key', () => {
    expect(rulesOf({ statusCode: 200, body: '', later: undefined, log: () => 1 }, 'rest')).toEqual(
      [],
    )
  })

  it('R6: statusCode beside non-response keys and no body is payload outside the body', () => {
    expect(rulesOf({ statusCode: 200, message: 'Not found' }, 'rest')).toEqual([
      ['$', 'payload-outside-body'],
    ])
  })

  it.each([
    ['a string', 'justAString'],
    ['a number', 42],
    ['an array', [1, 2]],
    ['a domain object', { orderId: 'o-1', total: 12 }],
  ])('R7: %s is not a response', (_what, result) => {
    expect(rulesOf(result, 'rest')).toEqual([['$', 'not-a-response']])
  })

  it.each([undefined, null])('R7: %s is an empty result', (result) => {
    expect(rulesOf(result, 'rest')).toEqual([['$', 'empty-result']])
  })

  it('R7: bytes returned as the result are a binary result', () => {
    expect(rulesOf(Buffer.from('png'), 'rest')).toEqual([['$', 'binary-result']])
    expect(rulesOf(new Uint8Array([1, 2]), 'rest')).toEqual([['$', 'binary-result']])
  })

  it('R8/R10/R11: every header value must be a string', () => {
    const result = {
      statusCode: 200,
      headers: { 'header-bool': true, 'Content-Length': 123, 'X-Null': null, 'X-Ok': 'ok' },
    }
    expect(rulesOf(result, 'rest')).toEqual([
      ['$.headers["header-bool"]', 'header-value'],
      ['$.headers["Content-Length"]', 'header-value'],
      ['$.headers["X-Null"]', 'header-value'],
    ])
  })

  it('R10: an object as a header value has no string form', () => {
    expect(
      validateProxyResult({ statusCode: 200, headers: { 'X-Obj': { a: 1 } } }, 'rest'),
    ).toEqual({
      valid: false,
      violations: [
        {
          path: '$.headers["X-Obj"]',
          rule: 'header-value',
          message: 'header values must be strings, got an object (R8/R10/R11)',
        },
      ],
    })
  })

  it('R9: headers that are not a map are rejected', () => {
    expect(rulesOf({ statusCode: 200, headers: 'a: b' }, 'rest')).toEqual([
      ['$.headers', 'headers-type'],
    ])
  })

  it('R12: multiValueHeaders values must be arrays of strings', () => {
    const result = {
      statusCode: 200,
      multiValueHeaders: { k: 'v', n: [1, 'two', null], gone: null },
    }
    expect(rulesOf(result, 'rest')).toEqual([
      ['$.multiValueHeaders.k', 'multi-value-header-value'],
      ['$.multiValueHeaders.n[0]', 'multi-value-header-value'],
      ['$.multiValueHeaders.n[2]', 'multi-value-header-value'],
      ['$.multiValueHeaders.gone', 'multi-value-header-value'],
    ])
    expect(rulesOf({ statusCode: 200, multiValueHeaders: ['k'] }, 'rest')).toEqual([
      ['$.multiValueHeaders', 'multi-value-headers-type'],
    ])
  })

  it.each([
    ['an object', { a: 1 }],
    ['an array', [1]],
    ['a number', 3],
    ['a boolean', false],
    ['null (R18)', null],
  ])('R17: a body that is %s is not a string', (_what, body) => {
    expect(rulesOf({ statusCode: 200, body }, 'rest')).toEqual([['$.body', 'body-type']])
  })

  it('R17: bytes as the body are a binary body', () => {
    expect(rulesOf({ statusCode: 200, body: Buffer.from('x') }, 'rest')).toEqual([
      ['$.body', 'body-binary'],
    ])
  })

  it.each([
    ['circular', circular()],
    ['a BigInt', { total: 10n }],
  ])('R17: a %s body cannot be serialised', (_what, body) => {
    expect(rulesOf({ statusCode: 200, body }, 'rest')).toEqual([['$.body', 'unserializable']])
  })

  it('R21: isBase64Encoded on a body that is not base64', () => {
    expect(
      rulesOf({ statusCode: 200, body: 'not base64!', isBase64Encoded: true }, 'rest'),
    ).toEqual([['$.body', 'body-base64']])
  })

  it.each(['true', null, 1])('isBase64Encoded %j is not a boolean', (flag) => {
    expect(rulesOf({ statusCode: 200, body: '', isBase64Encoded: flag }, 'rest')).toEqual([
      ['$.isBase64Encoded', 'base64-flag'],
    ])
  })

  it('R6: cookies are not read by REST', () => {
    expect(rulesOf({ statusCode: 200, cookies: ['a=1'] }, 'rest')).toEqual([
      ['$.cookies', 'header-field'],
    ])
  })

  it('§6.4: header lines may take 10 240 bytes, Content-Type REST adds included (R22)', () => {
    // `x-big: <value>\r\n` plus the 32-byte `Content-Type: application/json\r\n` REST adds.
    const fits = { statusCode: 200, headers: { 'x-big': 'v'.repeat(10_240 - 5 - 4 - 32) } }
    const over = { statusCode: 200, headers: { 'x-big': 'v'.repeat(10_240 - 5 - 4 - 32 + 1) } }
    expect(rulesOf(fits, 'rest')).toEqual([])
    expect(rulesOf(over, 'rest')).toEqual([['$.headers', 'header-size']])
  })

  it('§6.4: the header budget counts bytes, not characters', () => {
    const value = '€'.repeat(3_000) // 9 000 bytes in UTF-8
    expect(
      rulesOf({ statusCode: 200, headers: { a: value, b: 'v'.repeat(1_300) } }, 'rest'),
    ).toEqual([['$.headers', 'header-size']])
  })

  it('§2.1: the serialised response may take 6 MiB, not a byte more', () => {
    const envelope = JSON.stringify({ statusCode: 200, body: '' }).length
    const body = 'b'.repeat(6 * 1024 * 1024 - envelope)
    expect(rulesOf({ statusCode: 200, body }, 'rest')).toEqual([])
    expect(rulesOf({ statusCode: 200, body: `${body}b` }, 'rest')).toEqual([['$', 'payload-size']])
  })

  it('§2.1: a result whose getter throws cannot be serialised', () => {
    const result = {
      statusCode: 200,
      get body(): string {
        throw new Error('boom')
      },
    }
    expect(rulesOf(result, 'rest')).toEqual([['$', 'unserializable']])
  })

  it('judges what toJSON returns, as Lambda serialises that', () => {
    const valid = { toJSON: () => ({ statusCode: 200, body: 'ok' }) }
    expect(rulesOf(valid, 'rest')).toEqual([])
    const throwing = {
      toJSON: () => {
        throw new Error('no')
      },
    }
    expect(rulesOf(throwing, 'rest')).toEqual([['$', 'unserializable']])
  })

  it('a circular result cannot be serialised', () => {
    expect(rulesOf([circular()], 'rest')).toEqual([['$', 'unserializable']])
  })
})

describe('validateProxyResult, HTTP API payload 1.0 (§1.2)', () => {
  it('H1-1: accepts the REST shape', () => {
    const result = {
      statusCode: 201,
      headers: { 'Content-Type': 'text/plain' },
      multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] },
      body: 'created',
      isBase64Encoded: false,
    }
    expect(validateProxyResult(result, 'http-v1')).toEqual({ valid: true, violations: [] })
  })

  it('H1-2: statusCode is required', () => {
    expect(validateProxyResult({ body: 'x' }, 'http-v1')).toEqual({
      valid: false,
      violations: [
        {
          path: '$.statusCode',
          rule: 'status-missing',
          message: 'statusCode is required; 200 assumed (H1-2)',
        },
      ],
    })
  })

  it('H1-3: extra keys are reported though HTTP API ignores them', () => {
    expect(rulesOf({ statusCode: 200, body: '', extra: 1 }, 'http-v1')).toEqual([
      ['$.extra', 'unknown-key'],
    ])
  })

  it('H1-1: an integer string statusCode is not known to work, so it is reported', () => {
    expect(rulesOf({ statusCode: '201' }, 'http-v1')).toEqual([['$.statusCode', 'status-string']])
  })

  it('R9 is REST only: headers null is reported', () => {
    expect(rulesOf({ statusCode: 200, headers: null }, 'http-v1')).toEqual([
      ['$.headers', 'headers-type'],
    ])
  })

  it('H1-4: isBase64Encoded bodies must be base64, HTTP API always decodes', () => {
    expect(rulesOf({ statusCode: 200, body: '***', isBase64Encoded: true }, 'http-v1')).toEqual([
      ['$.body', 'body-base64'],
    ])
  })
})

describe.each(['http-v2', 'function-url'] as const)(
  'validateProxyResult, %s (§1.3, §1.5)',
  (door) => {
    it.each([
      ['H2-1/U2', 'Hello from Lambda!'],
      ['H2-2/U1', { message: 'Hello' }],
      ['H2-4/U3', 3],
      ['H2-4/U3', true],
      ['H2-4/U3', ['hello', 3, true]],
      ['H2-4', null],
      ['H2-4', undefined],
      ['H2-2', { headers: [1, 2], rows: [] }],
    ])('%s: a result without statusCode is inferred as a 200 body: %j', (_row, result) => {
      expect(validateProxyResult(result, door)).toEqual({ valid: true, violations: [] })
    })

    it('H2-3: statusCode beside non-response keys and no body is the domain-object trap', () => {
      expect(validateProxyResult({ statusCode: 200, message: 'x', orderId: 7 }, door)).toEqual({
        valid: false,
        violations: [
          {
            path: '$',
            rule: 'payload-outside-body',
            message:
              'statusCode with non-response keys (message, orderId) and no body: the front door would drop them and send an empty body (H2-3)',
          },
        ],
      })
    })

    it('H2-3: with a body, extra keys are reported as unknown', () => {
      expect(rulesOf({ statusCode: 200, body: 'x', message: 'x' }, door)).toEqual([
        ['$.message', 'unknown-key'],
      ])
    })

    it('H2-5: accepts cookies as an array of strings', () => {
      expect(rulesOf({ statusCode: 200, cookies: ['a=1', 'b=2'], body: '' }, door)).toEqual([])
    })

    it('H2-5: reports cookies that are not an array of strings', () => {
      expect(rulesOf({ statusCode: 200, cookies: 'a=1' }, door)).toEqual([
        ['$.cookies', 'cookies-type'],
      ])
      expect(rulesOf({ statusCode: 200, cookies: ['a=1', null, { b: 2 }] }, door)).toEqual([
        ['$.cookies[1]', 'cookies-type'],
        ['$.cookies[2]', 'cookies-type'],
      ])
    })

    it('H2-6: multiValueHeaders is not part of payload 2.0', () => {
      expect(rulesOf({ statusCode: 200, multiValueHeaders: { a: ['1'] } }, door)).toEqual([
        ['$.multiValueHeaders', 'header-field'],
      ])
    })

    it('H2-7: isBase64Encoded bodies must be base64', () => {
      expect(rulesOf({ statusCode: 200, body: '{}', isBase64Encoded: true }, door)).toEqual([
        ['$.body', 'body-base64'],
      ])
    })

    it('H2-9/U7: an object body with statusCode is reported', () => {
      expect(rulesOf({ statusCode: 200, body: { a: 1 } }, door)).toEqual([['$.body', 'body-type']])
    })

    it.each([
      ['a BigInt', { total: 1n }],
      ['circular', circular()],
      ['a function', () => 1],
    ])('H2-4: an inferred result that is %s cannot be serialised', (_what, result) => {
      expect(rulesOf(result, door)).toEqual([['$', 'unserializable']])
    })

    it('§2.1: an inferred result over 6 MiB of JSON is too large', () => {
      expect(rulesOf({ blob: 'x'.repeat(6 * 1024 * 1024) }, door)).toEqual([['$', 'payload-size']])
    })

    it('headers values must be strings', () => {
      expect(rulesOf({ statusCode: 200, headers: { n: 1 } }, door)).toEqual([
        ['$.headers.n', 'header-value'],
      ])
    })
  },
)

describe('validateProxyResult, status strings by front door', () => {
  it('U5: Function URLs accept an integer string statusCode', () => {
    expect(rulesOf({ statusCode: '418', body: "i'm a teapot" }, 'function-url')).toEqual([])
  })

  it('H2-8: HTTP API 2.0 is not known to, so it is reported', () => {
    expect(rulesOf({ statusCode: '418', body: "i'm a teapot" }, 'http-v2')).toEqual([
      ['$.statusCode', 'status-string'],
    ])
  })
})

describe('validateProxyResult, ALB (§1.4)', () => {
  const valid = {
    statusCode: 200,
    statusDescription: '200 OK',
    headers: { 'Content-Type': 'text/html' },
    body: '<h1>hi</h1>',
    isBase64Encoded: false,
  }

  it('A1: accepts a well-formed response, statusDescription optional', () => {
    expect(validateProxyResult(valid, 'alb')).toEqual({ valid: true, violations: [] })
    const { statusDescription: _omitted, ...withoutDescription } = valid
    expect(validateProxyResult(withoutDescription, 'alb')).toEqual({ valid: true, violations: [] })
  })

  it('A4: statusCode, headers and isBase64Encoded are required', () => {
    expect(rulesOf({ body: 'x' }, 'alb')).toEqual([
      ['$.statusCode', 'status-missing'],
      ['$.headers', 'headers-type'],
      ['$.isBase64Encoded', 'base64-flag'],
    ])
  })

  it('A2: multi-value mode needs multiValueHeaders, not headers', () => {
    expect(validateProxyResult(valid, 'alb', { albMultiValueHeaders: true })).toEqual({
      valid: false,
      violations: [
        {
          path: '$.headers',
          rule: 'header-field',
          message: 'this target group uses multi-value headers; moved to multiValueHeaders (A2)',
        },
      ],
    })
    const multi = {
      ...valid,
      headers: undefined,
      multiValueHeaders: { 'Content-Type': ['text/html'] },
    }
    expect(rulesOf(multi, 'alb-multi')).toEqual([])
    expect(rulesOf(multi, 'alb')).toEqual([['$.multiValueHeaders', 'header-field']])
  })

  it('A8: header values must be strings, booleans too', () => {
    expect(rulesOf({ ...valid, headers: { 'X-Flag': true } }, 'alb')).toEqual([
      ['$.headers["X-Flag"]', 'header-value'],
    ])
  })

  it('A1: statusDescription must be a string', () => {
    expect(rulesOf({ ...valid, statusDescription: 200 }, 'alb')).toEqual([
      ['$.statusDescription', 'status-description'],
    ])
  })

  it('A2: several Set-Cookie values cannot share the single headers map', () => {
    const result = { ...valid, multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] } }
    expect(rulesOf(result, 'alb')).toEqual([
      ['$.multiValueHeaders', 'header-field'],
      ['$.headers', 'header-field'],
    ])
  })

  it('A5: the serialised response may take 1 MiB', () => {
    const envelope = JSON.stringify({ ...valid, body: '' }).length
    const body = 'b'.repeat(1024 * 1024 - envelope)
    expect(rulesOf({ ...valid, body }, 'alb')).toEqual([])
    expect(rulesOf({ ...valid, body: `${body}b` }, 'alb')).toEqual([['$', 'payload-size']])
  })

  it('A7: response headers may take 32 KB, one header 16 KB', () => {
    const headers = Object.fromEntries(
      Array.from({ length: 3 }, (_, i) => [`x-h${i}`, 'v'.repeat(12_000)]),
    )
    expect(rulesOf({ ...valid, headers }, 'alb')).toEqual([['$.headers', 'header-size']])
    expect(rulesOf({ ...valid, headers: { 'x-one': 'v'.repeat(16_384) } }, 'alb')).toEqual([
      ['$.headers', 'header-size'],
    ])
    expect(rulesOf({ ...valid, headers: { 'x-one': 'v'.repeat(16_000) } }, 'alb')).toEqual([])
  })

  it('A4: a string result is not a response', () => {
    expect(rulesOf('hello', 'alb')).toEqual([['$', 'not-a-response']])
  })
})

describe('validateProxyResult, universal', () => {
  it('accepts the shape every front door delivers', () => {
    const result = { statusCode: 200, headers: {}, body: 'x', isBase64Encoded: false }
    expect(validateProxyResult(result, 'universal')).toEqual({ valid: true, violations: [] })
  })

  it('requires what any front door requires', () => {
    expect(rulesOf({ body: 'x', statusDescription: 'OK' }, 'universal')).toEqual([
      ['$.statusCode', 'status-missing'],
      ['$.statusDescription', 'unknown-key'],
      ['$.headers', 'headers-type'],
      ['$.isBase64Encoded', 'base64-flag'],
    ])
  })
})

it('rejects an integration it does not know', () => {
  expect(() => validateProxyResult({}, 'apigw' as never)).toThrow(
    'option "integration" must be one of "rest", "http-v1", "http-v2", "alb", "function-url", "universal", got "apigw"',
  )
})
