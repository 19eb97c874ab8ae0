import { describe, expect, it } from 'vitest'
import {
  SERVICE_TIME_SMOOTHING,
  SERVICE_TIME_WINDOW,
  ServiceTimeEstimator,
} from '../src/service-time.js'

const fill = (estimator: ServiceTimeEstimator, key: string, durations: (i: number) => number) => {
  for (let i = 0; i < SERVICE_TIME_WINDOW; i++) estimator.record(key, durations(i))
}

describe('ServiceTimeEstimator', () => {
  it('predicts nothing until a first window of durations has been seen', () => {
    const estimator = new ServiceTimeEstimator({ percentile: 0.9, maxKeys: 10 })
    for (let i = 1; i < SERVICE_TIME_WINDOW; i++) estimator.record('GET /orders', 100)
    expect(estimator.predict('GET /orders')).toBeUndefined()
  })

  it('predicts the window percentile, in any arrival order', () => {
    const estimator = new ServiceTimeEstimator({ percentile: 0.9, maxKeys: 10 })
    // Durations 10, 20 … 200 ms, shuffled: the 18th of 20 is the p90.
    fill(estimator, 'GET /orders', (i) => (((i * 7) % SERVICE_TIME_WINDOW) + 1) * 10)
    expect(estimator.predict('GET /orders')).toBe(180)
  })

  it('moves towards a new percentile by the smoothing weight per window', () => {
    const estimator = new ServiceTimeEstimator({ percentile: 0.9, maxKeys: 10 })
    fill(estimator, 'k', () => 100)
    fill(estimator, 'k', () => 1100)
    expect(estimator.predict('k')).toBeCloseTo(100 + SERVICE_TIME_SMOOTHING * 1000, 9)
  })

  it('keeps one estimate per key', () => {
    const estimator = new ServiceTimeEstimator({ percentile: 1, maxKeys: 10 })
    fill(estimator, 'GET /fast', () => 5)
    fill(estimator, 'POST /slow', () => 900)
    expect([estimator.predict('GET /fast'), estimator.predict('POST /slow')]).toEqual([5, 900])
  })

  it('tracks at most maxKeys keys, forgetting the oldest', () => {
    const estimator = new ServiceTimeEstimator({ percentile: 0.9, maxKeys: 2 })
    fill(estimator, 'a', () => 1)
    fill(estimator, 'b', () => 2)
    fill(estimator, 'c', () => 3)
    expect(estimator.size).toBe(2)
    expect([estimator.predict('a'), estimator.predict('b'), estimator.predict('c')]).toEqual([
      undefined,
      2,
      3,
    ])
  })

  it('forgets the key asked last when it is the oldest, interleaving keys', () => {
    const estimator = new ServiceTimeEstimator({ percentile: 1, maxKeys: 1 })
    fill(estimator, 'a', () => 1)
    expect(estimator.predict('a')).toBe(1)
    estimator.record('b', 7)
    expect([estimator.predict('a'), estimator.predict('b'), estimator.size]).toEqual([
      undefined,
      undefined,
      1,
    ])
    for (let i = 1; i < SERVICE_TIME_WINDOW; i++) {
      estimator.record('b', 7)
      expect(estimator.predict('a')).toBeUndefined()
    }
    expect(estimator.predict('b')).toBe(7)
  })
})
