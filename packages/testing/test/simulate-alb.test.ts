import { simulateGateway } from '@gateproof/testing'
import { describe, expect, it } from 'vitest'

const returned = (value: unknown, albMultiValueHeaders = false) =>
  simulateGateway('alb', { kind: 'returned', value }, { albMultiValueHeaders })

const errorPage = (status: number, title: string) =>
  `<html>\r\n<head><title>${status} ${title}</title></head>\r\n<body>\r\n<center><h1>${status} ${title}</h1></center>\r\n</body>\r\n</html>\r\n`

/** ALB's own 502; its status is documented, its awselb page body is a best guess (§8). */
const badGateway = (rows: string[]) => ({
  status: 502,
  headers: { 'content-type': 'text/html', server: 'awselb/2.0' },
  body: errorPage(502, 'Bad Gateway'),
  gatewayError: true,
  rows,
  confirmed: false,
})

const wellFormed = {
  isBase64Encoded: false,
  statusCode: 200,
  statusDescription: '200 OK',
  headers: { 'Content-Type': 'text/html; charset=utf-8' },
  body: '<h1>Hello from Lambda!</h1>',
}

describe('simulateGateway: ALB Lambda targets (§1.4)', () => {
  it('A1: delivers a well-formed response (header names shown lower-case)', () => {
    expect(returned(wellFormed)).toEqual({
      status: 200,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: '<h1>Hello from Lambda!</h1>',
      gatewayError: false,
      rows: ['A1'],
      confirmed: true,
    })
  })

  it('A1: delivers a response without body or statusDescription', () => {
    expect(returned({ statusCode: 204, isBase64Encoded: false, headers: {} })).toEqual({
      status: 204,
      headers: {},
      body: '',
      gatewayError: false,
      rows: ['A1'],
      confirmed: true,
    })
  })

  it('A2: with multi-value headers enabled, delivers multiValueHeaders', () => {
    expect(
      returned(
        {
          statusCode: 200,
          isBase64Encoded: false,
          multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'], 'Content-Type': ['text/plain'] },
          body: 'ok',
        },
        true,
      ),
    ).toEqual({
      status: 200,
      headers: { 'set-cookie': 'a=1, b=2', 'content-type': 'text/plain' },
      body: 'ok',
      gatewayError: false,
      rows: ['A2', 'A1'],
      confirmed: true,
    })
  })

  it('A2: with multi-value headers enabled, a response in headers answers 502 (expected, not verified)', () => {
    expect(returned(wellFormed, true)).toEqual(
      badGateway(['A2', 'A4', 'unconfirmed', 'BODY-alb-error']),
    )
  })

  it('A4: a response without statusCode answers 502 (page body expected, not verified)', () => {
    expect(returned({ isBase64Encoded: false, headers: {}, body: 'x' })).toEqual(
      badGateway(['A4', 'BODY-alb-error']),
    )
    expect(returned('not an object')).toEqual(badGateway(['A4', 'BODY-alb-error']))
  })

  it('A4: a response without isBase64Encoded or headers answers 502 (expected, not verified)', () => {
    expect(returned({ statusCode: 200, headers: {}, body: 'x' })).toEqual(
      badGateway(['A4', 'unconfirmed', 'BODY-alb-error']),
    )
    expect(returned({ statusCode: 200, isBase64Encoded: false, body: 'x' })).toEqual(
      badGateway(['A4', 'unconfirmed', 'BODY-alb-error']),
    )
  })

  it('A5: a response over 1 MB answers 502 (page body expected, not verified)', () => {
    expect(returned({ ...wellFormed, body: 'x'.repeat(1_048_576) })).toEqual(
      badGateway(['A5', 'BODY-alb-error']),
    )
  })

  it('A7: response headers over 32 KB answer 502 (page body expected, not verified)', () => {
    expect(
      returned({
        ...wellFormed,
        headers: { 'x-big': 'x'.repeat(16_000), 'x-big-2': 'y'.repeat(17_000) },
      }),
    ).toEqual(badGateway(['A7', 'BODY-alb-error']))
  })

  it('A8: a header value that is not a string answers 502 (page body expected, not verified)', () => {
    expect(returned({ ...wellFormed, headers: { 'Content-Length': 27 } })).toEqual(
      badGateway(['A8', 'BODY-alb-error']),
    )
    expect(returned({ ...wellFormed, headers: { 'X-Flag': true } })).toEqual(
      badGateway(['A8', 'BODY-alb-error']),
    )
  })

  it('decodes a base64 body', () => {
    expect(
      returned({
        ...wellFormed,
        headers: { 'content-type': 'text/plain' },
        isBase64Encoded: true,
        body: 'aGk=',
      }),
    ).toMatchObject({ status: 200, body: 'hi', gatewayError: false, rows: ['A1'] })
  })
})
