import { PassThrough } from 'node:stream'
import {
  getStreamState,
  type RequestLike,
  type StreamOutcome,
  streamingExecutionMode,
} from '@gateproof/core'
import { functionUrlEvent, installStreamingGlobals, invokeStreaming } from '@gateproof/testing'
import middy from '@middy/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

let uninstall: () => void
beforeAll(() => {
  uninstall = installStreamingGlobals()
})
afterAll(() => uninstall())

/** Core's streaming mode alone: no stream deadline, so nothing but the body can end the wait. */
function streaming(make: () => Promise<unknown>, outcomes: StreamOutcome[]) {
  return middy((async () => ({ statusCode: 200, body: await make() })) as never, {
    executionMode: streamingExecutionMode(),
  }).use({
    before: (request) => {
      getStreamState(request as unknown as RequestLike)?.onEnd.push((o) => outcomes.push(o))
    },
  })
}

/** Lets the stream's queued events ('close' after a destroy) fire before the handler returns it. */
const settle = () => new Promise((resolve) => setImmediate(resolve))

// Guards the test, not the code: a body that is waited on forever fails here instead of hanging.
const GIVE_UP = { timeoutMs: 2_000 }

describe('ST26, ST21: a Node body destroyed before its end never leaves the stream waiting', () => {
  it('ST26: destroyed (its close already emitted) before the first chunk: the contract 500, at once', async () => {
    const outcomes: StreamOutcome[] = []
    const handler = streaming(async () => {
      const body = new PassThrough()
      body.destroy()
      await settle()
      return body
    }, outcomes)
    const result = await invokeStreaming(handler, functionUrlEvent(), undefined, GIVE_UP)
    expect(result.ended).toBe('complete')
    expect(result.prelude).toMatchObject({ statusCode: 500 })
    expect(outcomes).toEqual([expect.objectContaining({ ended: 'replaced', reason: 'body-error' })])
  })

  it('ST21: destroyed after some data, before its end: what was buffered leaves, then a reported truncation', async () => {
    for (const wait of [false, true]) {
      const outcomes: StreamOutcome[] = []
      const handler = streaming(async () => {
        const body = new PassThrough()
        body.write('abc')
        body.destroy()
        if (wait) await settle()
        return body
      }, outcomes)
      const result = await invokeStreaming(handler, functionUrlEvent(), undefined, GIVE_UP)
      expect(result.ended).toBe('complete')
      expect(result.prelude).toMatchObject({ statusCode: 200 })
      expect(result.body.toString()).toBe('abc')
      // Never the complete outcome: the body never ended.
      expect(outcomes, `close emitted first: ${wait}`).toEqual([
        expect.objectContaining({ ended: 'truncated', reason: 'body-error', bytes: 3 }),
      ])
    }
  })
})
