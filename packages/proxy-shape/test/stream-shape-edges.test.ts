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
