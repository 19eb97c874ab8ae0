import {
  installStreamingGlobals,
  invokeStreaming,
  lambdaContext,
  restEvent,
} from '@gateproof/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { gateproof } from '../src/index.js'

let uninstall: () => void
beforeAll(() => {
  uninstall = installStreamingGlobals()
})
afterAll(() => uninstall())

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Chunks spread over more time than the guard's integration timeout, each well within the idle limit. */
async function* rows(count: number, everyMs: number) {
  for (let n = 1; n <= count; n++) {
    yield `${n}\n`
    await pause(everyMs)
  }
}

describe('a REST stream outlives the 29-second-style integration timeout that bounds the handler', () => {
  it('ST5, IT4: the timeout guard bounds the handler until it returns; the stream runs to its own limits (15 min, idle), not to the guard’s deadline', async () => {
    // The guard's integration timeout scaled down to 600 ms (29 s in production); Lambda has a minute.
    const handler = gateproof(async () => ({ statusCode: 200, body: rows(6, 200) }), {
      streaming: true,
      logger: false,
      timeoutGuard: { integrationTimeoutMs: 600, marginMs: 100 },
    })
    const result = await invokeStreaming(
      handler,
      restEvent(),
      lambdaContext({ remainingMs: 60_000 }),
    )
    expect(result.prelude).toMatchObject({ statusCode: 200 })
    expect(result.body.toString()).toBe('1\n2\n3\n4\n5\n6\n')
  })

  it('ST5, ST17: the stream still ends before Lambda’s own timeout, whatever the guard allows', async () => {
    const handler = gateproof(async () => ({ statusCode: 200, body: rows(20, 100) }), {
      streaming: { marginMs: 100 },
      logger: false,
      timeoutGuard: { integrationTimeoutMs: 600, marginMs: 100 },
    })
    const result = await invokeStreaming(handler, restEvent(), lambdaContext({ remainingMs: 900 }))
    expect(result.prelude).toMatchObject({ statusCode: 200 })
    const lines = result.body.toString().split('\n').filter(Boolean)
    expect(lines.length).toBeGreaterThan(0)
    expect(lines.length).toBeLessThan(20)
  })
})
