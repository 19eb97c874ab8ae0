import { gateproofPlugin } from '@gateproof/core'
import { loadShedder } from '@gateproof/load-shedder'
import { lambdaContext, restEvent } from '@gateproof/testing'
import middy from '@middy/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { foreignEvents, hostileThrown } from '../../../test/support/hostile.js'

describe('H1: the shedder reads thrown values through core’s safe reader', () => {
  it('H1: onError never throws for a hostile value: Middy rethrows the very value thrown and the slot is released (property)', async () => {
    const shedder = loadShedder({ inFlight: 5, adaptive: true })
    let current: unknown
    const handler = middy(async () => {
      throw current
    }, gateproofPlugin(shedder)).use(shedder)
    await fc.assert(
      fc.asyncProperty(hostileThrown, async (make) => {
        current = make()
        let rejected: { value: unknown } | undefined
        try {
          await handler(restEvent(), lambdaContext())
        } catch (value) {
          rejected = { value }
        }
        // A different error would be the shedder's own (a throwing getter): the gateway's 502.
        expect(rejected).toBeDefined()
        expect(rejected?.value === current || Number.isNaN(rejected?.value)).toBe(true)
        expect(shedder.stats().inFlight).toBe(0)
      }),
      { numRuns: 500 },
    )
  })
})

describe('H2: events of no HTTP front door are admitted untouched', () => {
  it('H2: no slot is taken and nothing is refused, however many are in flight (property)', async () => {
    const shedder = loadShedder({ inFlight: 1 })
    let seenInFlight = -1
    const handler = middy(async () => {
      seenInFlight = shedder.stats().inFlight
      return { batchItemFailures: [] } as never
    }, gateproofPlugin(shedder)).use(shedder)
    await fc.assert(
      fc.asyncProperty(foreignEvents, async (event) => {
        const results = await Promise.all([
          handler(event as never, lambdaContext()),
          handler(event as never, lambdaContext()),
        ])
        expect(results).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }])
        expect(seenInFlight).toBe(0)
      }),
      { numRuns: 100 },
    )
  })

  it('H2: an explicit integration still sheds every event', async () => {
    const shedder = loadShedder({ integration: 'rest', deadline: { minRemainingMs: 60_000 } })
    const handler = middy(async () => ({}) as never, gateproofPlugin(shedder)).use(shedder)
    await expect(handler({} as never, lambdaContext({ remainingMs: 1_000 }))).rejects.toMatchObject(
      {
        status: 429,
      },
    )
  })

  it('rejects an unknown integration when built', () => {
    expect(() => loadShedder({ integration: 'sqs' as never })).toThrow(/integration/)
  })
})
