import { Writable } from 'node:stream'
import {
  getStreamState,
  type RequestLike,
  type StreamOutcome,
  streamingExecutionMode,
} from '@gateproof/core'
import { functionUrlEvent, installStreamingGlobals, lambdaContext } from '@gateproof/testing'
import middy from '@middy/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

let uninstall: () => void
beforeAll(() => {
  uninstall = installStreamingGlobals()
})
afterAll(() => uninstall())

/** The runtime's response stream as a client that goes away: destroyed once `closeAfter` chunks arrived. */
function goingAway(closeAfter: number) {
  let writes = 0
  const sink = new Writable({
    write(_chunk, _encoding, callback) {
      writes++
      callback()
      if (writes >= closeAfter) setImmediate(() => sink.destroy())
    },
  })
  return Object.assign(sink, { setContentType: () => undefined })
}

describe('ST7, ST21: the client goes away mid-stream', () => {
  for (const closeAfter of [1, 3]) {
    it(`ST7: the stream stops, is reported as client-closed and the handler's signal is aborted (after ${closeAfter} writes)`, async () => {
      const outcomes: StreamOutcome[] = []
      let signal: AbortSignal | undefined
      let produced = 0
      const handler = middy(
        (async (_event: unknown, _context: unknown, options: { signal: AbortSignal }) => {
          signal = options.signal
          async function* rows() {
            // A producer that stops when its signal says so (as the README's sample does).
            while (!options.signal.aborted && produced < 1_000) {
              produced++
              yield `${produced}\n`
              await new Promise((resolve) => setTimeout(resolve, 2))
            }
          }
          return { statusCode: 200, body: rows() }
        }) as never,
        { executionMode: streamingExecutionMode() },
      ).use({
        before: (request) => {
          getStreamState(request as unknown as RequestLike)?.onEnd.push((o) => outcomes.push(o))
        },
      })
      await (handler as unknown as (e: unknown, s: unknown, c: unknown) => Promise<void>)(
        functionUrlEvent(),
        goingAway(closeAfter),
        lambdaContext(),
      )
      expect(outcomes).toEqual([
        expect.objectContaining({ ended: 'truncated', reason: 'client-closed' }),
      ])
      expect(produced).toBeLessThan(1_000)
      expect(signal?.aborted).toBe(true)
      expect((signal?.reason as DOMException | undefined)?.name).toBe('AbortError')
    })
  }
})
