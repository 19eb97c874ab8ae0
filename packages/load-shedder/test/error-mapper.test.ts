import { gateproofPlugin } from '@gateproof/core'
import { errorMapper } from '@gateproof/error-mapper'
import { loadShedder, memoryLimiter } from '@gateproof/load-shedder'
import { lambdaContext, restEvent } from '@gateproof/testing'
import middy from '@middy/core'
import { describe, expect, it } from 'vitest'
import { fakeClock } from './helpers/clock.js'
import { OK, type Response, rateLimitedResponse } from './helpers/middy.js'

describe('loadShedder with @gateproof/error-mapper', () => {
  it('is rendered by the error mapper as a 429 in the error contract, headers intact', async () => {
    const clock = fakeClock()
    const limiter = memoryLimiter({ rate: { perSecond: 1, burst: 1 }, clock })
    const shedder = loadShedder({ limiter, clock, jitter: 0 })
    const handler = middy<unknown, Response>(async () => OK, gateproofPlugin(shedder))
      .use(errorMapper())
      .use(shedder)
    await handler(restEvent({}, { arrivedAt: clock.now() }), lambdaContext({ clock }))

    const response = await handler(
      restEvent({}, { arrivedAt: clock.now() }),
      lambdaContext({ clock }),
    )

    expect({ ...response, body: JSON.parse(response.body) }).toEqual(
      rateLimitedResponse('c6af9ac6-7b61-11e6-9a41-93e8deadbeef'),
    )
  })
})
