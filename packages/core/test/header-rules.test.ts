import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { hasSplittingChars } from '../src/index.js'

// hasSplittingChars remembers short strings it found clean; the answer must stay the scan's.
describe('hasSplittingChars', () => {
  it('answers as a scan for CR, LF and NUL would, however often a string is asked', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 300 }), { maxLength: 400 }), (texts) => {
        for (const text of [...texts, ...texts]) {
          expect(hasSplittingChars(text)).toBe(/[\r\n\0]/.test(text))
        }
      }),
    )
  })

  it('still finds CR, LF and NUL after many clean strings filled its memory', () => {
    for (let i = 0; i < 1000; i++) expect(hasSplittingChars(`x-header-${i}`)).toBe(false)
    expect(hasSplittingChars('a\r\nX-Evil: 1')).toBe(true)
    expect(hasSplittingChars('a\0')).toBe(true)
    expect(hasSplittingChars('application/json')).toBe(false)
    expect(hasSplittingChars('application/json\n')).toBe(true)
  })
})
