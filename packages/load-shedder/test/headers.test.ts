import { RATE_LIMIT_POLICY, rateLimitHeaders, refusalMessage } from '@gateproof/load-shedder'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { jitteredRetryAfterSeconds } from '../src/retry-after.js'

describe('rateLimitHeaders (draft-ietf-httpapi-ratelimit-headers-09/-10)', () => {
  it('names one policy with its quota and window, and the remaining quota with the reset', () => {
    expect(
      rateLimitHeaders({ limit: 100, remaining: 0, resetSeconds: 2.4, windowSeconds: 60 }, 3),
    ).toEqual({
      'RateLimit-Policy': '"default";q=100;w=60',
      RateLimit: '"default";r=0;t=3',
    })
    expect(RATE_LIMIT_POLICY).toBe('default')
  })

  it('writes whole, non-negative numbers only (Structured Fields integers)', () => {
    expect(
      rateLimitHeaders({ limit: 10.7, remaining: -1, resetSeconds: 0, windowSeconds: 0.5 }, 0.2),
    ).toEqual({
      'RateLimit-Policy': '"default";q=10;w=1',
      RateLimit: '"default";r=0;t=1',
    })
  })
})

describe('Retry-After', () => {
  it('is a whole number of seconds, never 0, between the estimate and the estimate stretched by the jitter', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 3_600_000, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retryAfterMs, jitter, random) => {
          const seconds = jitteredRetryAfterSeconds(retryAfterMs, jitter, () => random)
          expect(Number.isInteger(seconds)).toBe(true)
          expect(seconds).toBeGreaterThanOrEqual(Math.max(1, Math.ceil(retryAfterMs / 1000)))
          expect(seconds).toBeLessThanOrEqual(
            Math.max(1, Math.ceil((retryAfterMs / 1000) * (1 + jitter))),
          )
        },
      ),
    )
  })

  it('is 1 for an estimate that is not a number', () => {
    expect(jitteredRetryAfterSeconds(Number.NaN, 0.5)).toBe(1)
  })

  it('is spelled out in the message', () => {
    expect(refusalMessage('rate', 1)).toBe('Request rate exceeded. Retry after 1 second.')
    expect(refusalMessage('concurrency', 3)).toBe(
      'Too many concurrent requests. Retry after 3 seconds.',
    )
    expect(refusalMessage('quota-x', 2)).toBe('Too many requests. Retry after 2 seconds.')
  })
})
