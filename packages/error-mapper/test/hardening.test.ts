import { ERROR_TYPES, isRetryAfterSeconds, OTHER_ERROR_TYPE } from '@gateproof/core'
import { errorMapper } from '@gateproof/error-mapper'
import { captureOutput, findMetrics, lambdaContext, restEvent } from '@gateproof/testing'
import middy from '@middy/core'
import fc from 'fast-check'
import createHttpError from 'http-errors'
import { describe, expect, it, vi } from 'vitest'
import { foreignEvents, hostileThrown } from '../../../test/support/hostile.js'
import { powertools } from './support.js'

const through = (thrown: () => unknown, options = {}) =>
  middy(async () => {
    throw thrown()
  }).use(errorMapper({ logger: false, ...options }))

describe('H1: the mapper answers whatever is thrown', () => {
  it('H1: a rendered error in the contract for any hostile value (property)', async () => {
    await fc.assert(
      fc.asyncProperty(hostileThrown, async (make) => {
        const response = (await through(make)(restEvent(), lambdaContext())) as {
          statusCode: number
          headers: Record<string, string>
          body: string
        }
        expect(response.statusCode).toBeGreaterThanOrEqual(400)
        expect(JSON.parse(response.body).errorType).toBe(response.headers['x-amzn-ErrorType'])
      }),
      { numRuns: 1_000 },
    )
  })

  it('H1: a status whose headers getter throws keeps its status, without the headers', async () => {
    const error = createHttpError(409, 'taken')
    Object.defineProperty(error, 'headers', {
      get() {
        throw new Error('no')
      },
    })
    expect(await through(() => error)(restEvent(), lambdaContext())).toMatchObject({
      statusCode: 409,
    })
  })
})

describe('H3: headers copied from a thrown error', () => {
  it('H3: Retry-After "1\\r\\nX-Evil: 1" is answered as Retry-After: 1, and a split header is dropped', async () => {
    const error = createHttpError(429, 'slow down', {
      headers: { 'Retry-After': '1\r\nX-Evil: 1', 'X-Note': 'a\nb', 'X-Fine': 'yes' },
    })
    const response = (await through(() => error)(restEvent(), lambdaContext())) as {
      headers: Record<string, string>
    }
    expect(response.headers['Retry-After']).toBe('1')
    expect(isRetryAfterSeconds(response.headers['Retry-After'])).toBe(true)
    expect(response.headers).not.toHaveProperty('X-Note')
    expect(response.headers).not.toHaveProperty('X-Evil')
    expect(response.headers['X-Fine']).toBe('yes')
  })
})

describe('H2: events of no HTTP front door', () => {
  it('H2: the error is rethrown, not rendered (property)', async () => {
    await fc.assert(
      fc.asyncProperty(foreignEvents, async (event) => {
        const error = new Error('retry me')
        await expect(through(() => error)(event as never, lambdaContext())).rejects.toBe(error)
      }),
      { numRuns: 100 },
    )
  })
})

describe('H8: bounded ErrorType dimension', () => {
  it('H8: custom types count as Other unless listed in metricErrorTypes; the header still echoes them', async () => {
    const capture = captureOutput()
    try {
      const { metrics } = powertools()
      for (let n = 0; n < 60; n++) {
        const response = (await through(
          () => createHttpError(409, 'x', { errorType: `Random${n}Exception` }),
          { metrics, metricErrorTypes: ['KnownException'] },
        )(restEvent(), lambdaContext())) as { headers: Record<string, string> }
        expect(response.headers['x-amzn-ErrorType']).toBe(`Random${n}Exception`)
      }
      await through(() => createHttpError(409, 'x', { errorType: 'KnownException' }), {
        metrics,
        metricErrorTypes: ['KnownException'],
      })(restEvent(), lambdaContext())
      const types = new Set(
        findMetrics(capture, { name: 'Error' }).map((m) => m.dimensions.ErrorType),
      )
      expect([...types].sort()).toEqual(['KnownException', OTHER_ERROR_TYPE])
      expect(Object.values(ERROR_TYPES)).not.toContain(OTHER_ERROR_TYPE)
    } finally {
      capture.stop()
    }
  })

  it('H8: rejects metricErrorTypes that are not error type names', () => {
    expect(() => errorMapper({ metricErrorTypes: ['has space'] })).toThrow(/metricErrorTypes/)
  })
})

describe('H6: without a Logger', () => {
  it('H6: a 5xx writes one JSON line to console.error; logger: false writes none', async () => {
    const lines = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      const failing = () => new Error('db down')
      await middy(async () => {
        throw failing()
      }).use(errorMapper())(restEvent(), lambdaContext())
      await through(failing)(restEvent(), lambdaContext())
      expect(lines).toHaveBeenCalledTimes(1)
      expect(JSON.parse(String(lines.mock.calls[0]?.[0]))).toMatchObject({
        level: 'ERROR',
        statusCode: 500,
        error: { name: 'Error', message: 'db down' },
      })
    } finally {
      lines.mockRestore()
    }
  })
})
