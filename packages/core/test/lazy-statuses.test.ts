// Issue 18: the reason phrases (the `statuses` table, http-errors' own) are loaded with the first
// phrase an error response needs, not by importing core: evaluating the package at import cost
// more instructions than parsing a table of our own.
import { createRequire } from 'node:module'
import { statusTitle } from '@gateproof/core'
import { expect, it } from 'vitest'

const require = createRequire(import.meta.url)
const loaded = () => require.cache[require.resolve('statuses')] !== undefined

it('importing core leaves statuses unloaded; the first reason phrase loads it', () => {
  expect(loaded()).toBe(false)
  expect(statusTitle(418)).toBe("I'm a Teapot")
  expect(loaded()).toBe(true)
})
