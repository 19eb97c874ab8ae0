// Issue 18: http-errors is loaded by the first error gateproof builds, not by importing
// gateproof or building the preset (its evaluation was the largest single import cost).
import { createRequire } from 'node:module'
import { gateproofError } from '@gateproof/core'
import { gateproof } from 'gateproof'
import { expect, it } from 'vitest'

const require = createRequire(import.meta.url)
const loaded = () => require.cache[require.resolve('http-errors')] !== undefined

it('importing gateproof and building the preset leave http-errors unloaded; the first error loads it', () => {
  gateproof(async () => ({ statusCode: 200, body: 'ok' }))
  expect(loaded()).toBe(false)
  const error = gateproofError(503, 'Service Unavailable', { package: 'gateproof' })
  expect(loaded()).toBe(true)
  const createError = require('http-errors')
  expect(error).toBeInstanceOf(createError.ServiceUnavailable)
})
