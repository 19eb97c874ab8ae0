import { createStreamState, GateproofOptionsError, type RequestLike } from '@gateproof/core'
import { functionUrlEvent, lambdaContext, restEvent } from '@gateproof/testing'
import {
  EDGE_STREAM_IDLE_MS,
  REST_STREAM_IDLE_MS,
  REST_STREAM_TOTAL_MS,
  streamDeadline,
} from '@gateproof/timeout-guard'
import { describe, expect, it } from 'vitest'

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0)
const clock = { now: () => NOW }

/** Runs `before` on a streaming request and returns the deadlines it set. */
function armed(event: unknown, remainingMs: number, options = {}) {
  const request: RequestLike = {
    event,
    context: lambdaContext({ remainingMs, clock }),
    internal: Object.create(null),
  }
  const state = createStreamState(request)
  const before = streamDeadline(options).before as (request: RequestLike) => void
  const realNow = Date.now
  Date.now = () => NOW
  try {
    before(request)
  } finally {
    Date.now = realNow
  }
  return { totalAt: state.totalAt, idleMs: state.idleMs }
}

describe('streamDeadline', () => {
  it('ST5: a REST stream may last 15 minutes from arrival and idle 5 minutes (Regional), less the margin', () => {
    const event = restEvent({}, { arrivedAt: NOW - 1_000 })
    expect(armed(event, 900_000)).toEqual({
      totalAt: NOW - 1_000 + REST_STREAM_TOTAL_MS - 500,
      idleMs: REST_STREAM_IDLE_MS - 500,
    })
  })

  it('ST5: through CloudFront (edge-optimized, or your own distribution) the idle deadline is 30 s', () => {
    const event = restEvent({
      headers: { 'X-Amz-Cf-Id': 'abc', Via: '2.0 x.cloudfront.net (CloudFront)' },
    })
    expect(armed(event, 900_000).idleMs).toBe(EDGE_STREAM_IDLE_MS - 500)
  })

  it('ST17: a Function URL stream is bounded by Lambda’s remaining time only, with no idle deadline', () => {
    expect(armed(functionUrlEvent(), 120_000)).toEqual({
      totalAt: NOW + 120_000 - 500,
      idleMs: undefined,
    })
  })

  it('options override the defaults; null turns a limit off', () => {
    expect(armed(functionUrlEvent(), 120_000, { idleMs: 10_000, marginMs: 0 })).toEqual({
      totalAt: NOW + 120_000,
      idleMs: 10_000,
    })
    expect(armed(restEvent(), 60_000, { idleMs: null }).idleMs).toBeUndefined()
  })

  it('options are checked when the middleware is built', () => {
    expect(() => streamDeadline({ idleMs: 0 })).toThrow(GateproofOptionsError)
    expect(() => streamDeadline({ integration: 'alb' as never })).toThrow(GateproofOptionsError)
    expect(() => streamDeadline({ totalMs: 1_000_000 })).toThrow(GateproofOptionsError)
    expect(() => streamDeadline({ idle: 1 } as never)).toThrow(/unknown option "idle"/)
    // `null` takes the default margin, as `undefined` does.
    expect(() => streamDeadline({ marginMs: null } as never)).not.toThrow()
  })

  it('leaves events of no HTTP front door alone, even outside the streaming mode', () => {
    const before = streamDeadline().before as (request: RequestLike) => void
    expect(before({ event: { Records: [] }, context: {}, internal: {} })).toBeUndefined()
  })
})
