/**
 * Q-rest-headers (§6.4) with HDR-rest-remap (§6.2): REST sends `WWW-Authenticate`,
 * `Authorization`, `Date`, `Server` … as `X-Amzn-Remapped-<name>`, 16 bytes longer. proxyShape
 * counts them at that length against the 10 240-byte budget; streamShape counted the name as
 * the handler wrote it, so a REST prelude over the budget once remapped passed unflagged.
 */
import { describe, expect, it } from 'vitest'
import { shapeStreamResponse } from '../src/index.js'

describe('streamShape: the REST budget counts remapped names at their remapped length', () => {
  const name = 'WWW-Authenticate'
  // 8 bytes under the budget as written, 8 over once remapped.
  const value = 'v'.repeat(10_240 - name.length - 4 - 8)

  it('HDR-rest-remap: a prelude over 10 240 bytes once remapped is a header-size violation', () => {
    const result = shapeStreamResponse({ statusCode: 401, headers: { [name]: value } }, 'rest')
    expect(result.violations.map((v) => v.rule)).toContain('header-size')
  })

  it('the same bytes under a name REST passes as it is stay within the budget', () => {
    const plain = { statusCode: 401, headers: { 'X-Authenticate': `${value}xx` } }
    expect(shapeStreamResponse(plain, 'rest').violations).toEqual([])
  })
})
