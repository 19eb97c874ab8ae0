/**
 * H9 with H2-5 (`cookies`, payload 2.0 and Function URLs): a cookie item with a `toJSON` is asked
 * once, like the result, its header maps and its body are. The rules read each item's `toJSON`
 * answer and, finding a clean string, let the item through as it was: Lambda's serialiser asked
 * again, and a second answer carrying CR/LF reached the front door as a `Set-Cookie` that was
 * never judged (header injection, H3).
 */
import { describe, expect, it } from 'vitest'
import { through } from './helpers.js'

/** A `toJSON` that answers `first` once, then `later`. */
const answersOnce = (first: unknown, later: unknown) => {
  let asked = 0
  return { toJSON: () => (asked++ === 0 ? first : later) }
}

describe('H9, H2-5: a cookie’s toJSON is asked once', () => {
  it.each(['http-v2', 'function-url'] as const)(
    '%s: the answer judged is the answer sent',
    async (door) => {
      const result = {
        statusCode: 200,
        cookies: ['plain=1', answersOnce('a=1', 'a=1\r\nX-Injected: 1')],
        body: 'ok',
      }
      const sent = JSON.stringify(await through(door, result))
      expect(sent).not.toContain('X-Injected')
      expect(JSON.parse(sent).cookies).toEqual(['plain=1', 'a=1'])
    },
  )
})
