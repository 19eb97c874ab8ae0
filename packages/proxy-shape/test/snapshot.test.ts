import { afterEach, describe, expect, it } from 'vitest'
import { snapshot } from '../src/snapshot.js'

// H9's copy: own maps are copied, inherited ones are not, whatever Object.prototype holds.
describe('snapshot', () => {
  const prototype = Object.prototype as Record<string, unknown>
  afterEach(() => {
    delete prototype.headers
    delete prototype.cookies
  })

  it('copies own headers and cookies, and leaves an own undefined as it is', () => {
    const headers = { 'content-type': 'application/json' }
    const cookies = ['a=1']
    const result = { statusCode: 200, headers, cookies, multiValueHeaders: undefined }
    const copy = snapshot(result) as typeof result
    expect(copy).toEqual(result)
    expect(copy).not.toBe(result)
    expect(copy.headers).not.toBe(headers)
    expect(copy.cookies).not.toBe(cookies)
    expect(Object.hasOwn(copy, 'multiValueHeaders')).toBe(true)
  })

  it('does not copy maps inherited from a polluted Object.prototype, and still copies own ones', () => {
    prototype.headers = { polluted: 'yes' }
    prototype.cookies = ['polluted=1']
    const inherited = snapshot({ statusCode: 200 }) as Record<string, unknown>
    expect(Object.hasOwn(inherited, 'headers')).toBe(false)
    expect(Object.hasOwn(inherited, 'cookies')).toBe(false)
    const headers = { 'content-type': 'text/plain' }
    const own = snapshot({ statusCode: 200, headers }) as Record<string, unknown>
    expect(own.headers).toEqual(headers)
    expect(own.headers).not.toBe(headers)
  })
})
