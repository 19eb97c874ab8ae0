/**
 * F-timeout, §4 (integration timeouts): a timeout flag is a whole number of milliseconds the
 * local gateway can wait. Node's timers hold at most 2 147 483 647 ms; a larger value (say a
 * "very long" timeout while debugging) fired after 1 ms instead, so every request that took
 * longer than that was the gateway's 502 or 504. Past that range the flag is a usage error.
 */
import { describe, expect, it } from 'vitest'
import { main } from '../src/main.js'
import { memoryIo } from './helpers.js'

const OVER = '2147483648'

describe('timeout flags past what a timer can wait are usage errors (exit 2)', () => {
  it.each([
    ['serve', '--function-timeout-ms'],
    ['serve', '--integration-timeout-ms'],
    ['check', '--function-timeout-ms'],
    ['check', '--timeout-ms'],
  ])('%s %s 2147483648', async (command, flag) => {
    const io = memoryIo()
    expect(await main([command, 'h.mjs', flag, OVER], io)).toBe(2)
    expect(io.err()).toMatch(new RegExp(`${flag} must be a whole number from 1 to 2147483647`))
  })
})
