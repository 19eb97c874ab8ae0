import { httpApiEvent, lambdaContext } from '@gateproof/testing'
import { describe, expect, it } from 'vitest'
import { handler, WORKER_IN_FLIGHT } from '../src/handler.js'

const invoke = (rawPath = '/render') => handler(httpApiEvent({ rawPath }), lambdaContext())

describe('examples/managed-instances (many concurrent requests in one worker)', () => {
  it('admits at most the in-flight cap at once and answers the rest 429 with Retry-After', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, () => invoke()))
    const admitted = results.filter((r) => typeof r === 'object' && r.statusCode === 200)
    const refused = results.filter((r) => typeof r === 'object' && r.statusCode === 429)
    expect(admitted.length).toBeGreaterThan(0)
    expect(admitted.length).toBeLessThanOrEqual(WORKER_IN_FLIGHT)
    expect(admitted.length + refused.length).toBe(30)
    for (const r of refused) {
      if (typeof r !== 'object') throw new Error('unexpected string result')
      expect(Number(r.headers?.['Retry-After'])).toBeGreaterThanOrEqual(1)
      expect(r.headers?.['x-amzn-ErrorType']).toBe('TooManyRequestsException')
    }
  })

  it('admits again once the burst has drained: every slot was released', async () => {
    await Promise.all(Array.from({ length: 30 }, () => invoke()))
    const next = await Promise.all(Array.from({ length: 2 }, () => invoke()))
    expect(next.map((r) => (typeof r === 'object' ? r.statusCode : r))).toEqual([200, 200])
  })
})
