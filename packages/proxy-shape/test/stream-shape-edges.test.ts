import { checkPrelude } from '@gateproof/core'
import { shapeStreamResponse } from '@gateproof/proxy-shape'
import { describe, expect, it } from 'vitest'

describe('streamShape: a line break at either end of a value', () => {
  it('ST3: is a violation, repaired away — never passed through untouched', () => {
    for (const [dirty, clean] of [
      ['x\r\n', 'x'],
      ['\r\nx', 'x'],
      ['x\n', 'x'],
      ['x\u2028', 'x'],
    ] as const) {
      const value = {
        statusCode: 200,
        headers: { 'x-a': dirty },
        cookies: [`c=${dirty}`],
        body: 'b',
      }
      for (const target of ['rest', 'function-url'] as const) {
        const result = shapeStreamResponse(value, target)
        expect(result.response, JSON.stringify(dirty)).not.toBe(value)
        expect(result.violations.map((v) => v.path)).toEqual(['$.headers["x-a"]', '$.cookies[0]'])
        expect(result.response).toMatchObject({
          headers: { 'x-a': clean },
          cookies: [expect.not.stringMatching(/[\r\n\u2028]/)],
        })
        const { body: _body, ...meta } = result.response as Record<string, unknown>
        expect(checkPrelude(meta, target).ok).toBe(true)
      }
    }
  })

  it('ST3: surrounding spaces are not (the value passes untouched)', () => {
    const value = { statusCode: 200, headers: { 'x-a': ' padded ' }, cookies: ['c=1 '], body: 'b' }
    expect(shapeStreamResponse(value, 'rest').response).toBe(value)
  })
})

describe('streamShape: own keys only (H4)', () => {
  it('H4, ST3: a REST multi-value header named "__proto__" stays an own header, the map keeps its prototype', () => {
    const multiValueHeaders = JSON.parse('{"__proto__": ["p"], "vary": ["a"]}')
    // A header number forces the rebuilt response.
    const result = shapeStreamResponse(
      { statusCode: 200, headers: { 'x-n': 1 }, multiValueHeaders, body: 'x' },
      'rest',
    )
    const multi = (result.response as { multiValueHeaders: Record<string, string[]> })
      .multiValueHeaders
    expect(Object.getPrototypeOf(multi)).toBe(Object.prototype)
    expect(Object.entries(multi)).toEqual([
      ['__proto__', ['p']],
      ['vary', ['a']],
    ])
  })
})

describe('streamShape: REST header budget (Q-rest-headers, §6.4)', () => {
  const big = (bytes: number) => 'v'.repeat(bytes)

  it('Q-rest-headers: REST prelude headers over 10 240 bytes cannot be repaired, as in proxyShape', () => {
    for (const value of [
      { statusCode: 200, headers: { 'x-big': big(10_300) }, body: 'x' },
      { statusCode: 200, headers: { a: big(6_000) }, multiValueHeaders: { b: [big(5_000)] } },
      { statusCode: 200, cookies: [`a=${big(6_000)}`, `b=${big(5_000)}`], body: 'x' },
    ]) {
      const result = shapeStreamResponse(value, 'rest')
      expect(result.repairable).toBe(false)
      expect(result.violations.map((v) => v.rule)).toContain('header-size')
    }
  })

  it('Q-rest-headers: just under the budget passes untouched; Function URLs have no documented header limit', () => {
    const under = { statusCode: 200, headers: { 'x-big': big(10_000) }, body: 'x' }
    expect(shapeStreamResponse(under, 'rest').response).toBe(under)
    const over = { statusCode: 200, headers: { 'x-big': big(10_300) }, body: 'x' }
    expect(shapeStreamResponse(over, 'function-url')).toMatchObject({
      response: over,
      violations: [],
    })
  })
})
