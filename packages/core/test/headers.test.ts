import {
  findHeaderKey,
  getHeader,
  isValidHeaderName,
  mergeHeaders,
  sanitizeHeaderValue,
  setHeader,
} from '@gateproof/core'
import { describe, expect, it } from 'vitest'

describe('getHeader and findHeaderKey', () => {
  const headers = { 'Content-Type': 'text/plain', 'x-amzn-trace-id': 'Root=1-5c536348-x' }

  it('look a header up in any casing', () => {
    expect(getHeader(headers, 'content-type')).toBe('text/plain')
    expect(getHeader(headers, 'X-Amzn-Trace-Id')).toBe('Root=1-5c536348-x')
    expect(findHeaderKey(headers, 'CONTENT-TYPE')).toBe('Content-Type')
  })

  it('answer undefined for a missing header or a headers value that is not an object', () => {
    expect(getHeader(headers, 'accept')).toBeUndefined()
    expect(getHeader(null, 'accept')).toBeUndefined()
    expect(getHeader('accept: x', 'accept')).toBeUndefined()
    expect(findHeaderKey(headers, 'accept')).toBeUndefined()
  })
})

describe('setHeader', () => {
  it('replaces an entry of the same name in another casing', () => {
    const headers: Record<string, unknown> = { 'content-type': 'text/html', Vary: 'Origin' }
    setHeader(headers, 'Content-Type', 'application/json')
    expect(headers).toEqual({ Vary: 'Origin', 'Content-Type': 'application/json' })
  })
})

describe('mergeHeaders', () => {
  it('merges left to right, later names replacing earlier ones case-insensitively', () => {
    expect(
      mergeHeaders(
        { 'access-control-allow-origin': '*', 'Content-Type': 'text/html' },
        undefined,
        null,
        { 'content-type': 'application/json', 'Retry-After': '1' },
      ),
    ).toEqual({
      'access-control-allow-origin': '*',
      'content-type': 'application/json',
      'Retry-After': '1',
    })
  })

  it('writes numbers and booleans as text, joins arrays and drops values that are not text', () => {
    expect(
      mergeHeaders({
        'X-Count': 3,
        'X-Flag': false,
        Vary: ['Origin', 'Accept'],
        'X-Null': null,
        'X-Undefined': undefined,
        'X-Object': { a: 1 },
        'X-Empty-Array': [],
      }),
    ).toEqual({ 'X-Count': '3', 'X-Flag': 'false', Vary: 'Origin, Accept' })
  })

  it('drops names that are not RFC 9110 tokens', () => {
    expect(mergeHeaders({ 'Bad Name': 'x', 'Bad:Name': 'y', '': 'z', 'Good-Name': 'ok' })).toEqual({
      'Good-Name': 'ok',
    })
  })
})

describe('isValidHeaderName', () => {
  it('accepts tokens only', () => {
    expect(['Content-Type', 'x-amzn-ErrorType', "a!#$%&'*+.^_`|~9"].every(isValidHeaderName)).toBe(
      true,
    )
    expect(['', 'a b', 'a:b', 'a\r\nb', 'é', 'a(b)'].some(isValidHeaderName)).toBe(false)
  })
})

describe('sanitizeHeaderValue', () => {
  it.each([
    ['plain', 'plain'],
    ['a\r\nSet-Cookie: x=1', 'a Set-Cookie: x=1'],
    ['a\nb', 'a b'],
    ['nul\u0000byte', 'nul byte'],
    ['del\u007fete', 'del ete'],
    ['next\u0085line', 'next line'],
    ['line\u2028separator', 'line separator'],
    ['  padded\r\n', 'padded'],
    ['tab\tinside', 'tab\tinside'],
    ['\r\n', ''],
  ])('turns %j into %j', (input, output) => {
    expect(sanitizeHeaderValue(input)).toBe(output)
  })
})
