/**
 * §4 (arrival time; skew UNCONFIRMED, §8): the gateway stamps `requestTimeEpoch`/`timeEpoch`
 * with its own clock. The gateway received the request before the function did, so however
 * far ahead that clock runs, its timer started no later than the function's "now": an arrival
 * stamped in the function's future must not push the deadline past `now + integration timeout`,
 * or the gateway answers its own 504 (REST) / 503 (HTTP API) while the handler still runs.
 */
import type { Integration } from '@gateproof/core'
import { lambdaContext } from '@gateproof/testing'
import middy from '@middy/core'
import type { Context } from 'aws-lambda'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { getDeadline, timeoutGuard } from '../src/index.js'
import { eventFrom, hangs, T0, useFakeClock, watch } from './support.js'

beforeEach(() => {
  useFakeClock()
})
afterEach(() => {
  vi.useRealTimers()
})

const CASES: Array<[Integration, number, number]> = [
  ['rest', 29_000, 504],
  ['http-v1', 30_000, 503],
  ['http-v2', 30_000, 503],
]

describe('§4: an arrival time stamped in the function’s future (gateway clock ahead)', () => {
  it.each(CASES)(
    '%s: the deadline is at most now + the integration timeout − margin',
    async (integration, timeoutMs, status) => {
      const guard = timeoutGuard({ marginMs: 500 })
      let at: number | undefined
      const handler = middy(async (_event: unknown, context: Context) => {
        at = getDeadline(context)?.at
        return hangs()
      }, guard.plugin).use(guard)
      // The gateway's clock runs 10 s ahead of the function's.
      const event = eventFrom(integration, T0 + 10_000)
      const invocation = watch(handler(event, lambdaContext({ remainingMs: 900_000 })))
      await vi.advanceTimersByTimeAsync(0)
      expect(at).toBe(T0 + timeoutMs - 500)
      await vi.advanceTimersByTimeAsync(timeoutMs - 500)
      expect(invocation.settled).toBe(true)
      expect(await invocation.result).toMatchObject({ statusCode: status })
    },
  )

  it('an arrival in the past still counts from the gateway’s stamp (unchanged)', async () => {
    const guard = timeoutGuard({ marginMs: 500 })
    let at: number | undefined
    const handler = middy(async (_event: unknown, context: Context) => {
      at = getDeadline(context)?.at
      return { statusCode: 200, body: 'ok' }
    }, guard.plugin).use(guard)
    await handler(eventFrom('rest', T0 - 4_000), lambdaContext({ remainingMs: 900_000 }))
    expect(at).toBe(T0 - 4_000 + 29_000 - 500)
  })
})
