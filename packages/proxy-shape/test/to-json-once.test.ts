/**
 * H9 (issue 12): the response is judged once — and a `toJSON` is part of the response as
 * Lambda serialises it. A result, a `headers` map or a `body` whose `toJSON` answers a valid
 * value when proxy-shape asks and another when Lambda's `JSON.stringify` asks again (state
 * read late, a counter, a one-shot iterator) must not reach the front door as the second
 * answer: REST's 502 (R5, R6), HTTP API's 500.
 */
import { simulateGateway } from '@gateproof/testing'
import { describe, expect, it } from 'vitest'
import { DOORS, type Door, integrationOf, through } from './helpers.js'

/** A `toJSON` that answers `first` once, then `later`. */
const answersOnce = (first: unknown, later: unknown) => {
  let asked = 0
  return { toJSON: () => (asked++ === 0 ? first : later) }
}

const valid = (door: Door) =>
  door === 'alb' || door === 'alb-multi'
    ? {
        statusCode: 200,
        ...(door === 'alb' ? { headers: {} } : { multiValueHeaders: {} }),
        body: 'ok',
        isBase64Encoded: false,
      }
    : { statusCode: 200, body: 'ok' }

const client = (door: Door, response: unknown) =>
  // Serialised here as Lambda does: every toJSON still on the response is asked again.
  simulateGateway(
    integrationOf(door),
    { kind: 'returned', value: response },
    { albMultiValueHeaders: door === 'alb-multi' },
  )

describe('H9: a toJSON is asked once', () => {
  it.each(DOORS)('%s: the result’s own toJSON', async (door) => {
    const response = await through(door, answersOnce(valid(door), { statusCode: 'x', extra: 1 }))
    const seen = client(door, response)
    expect(seen.gatewayError).toBe(false)
    expect(seen.status).toBe(200)
  })

  it.each(DOORS.filter((door) => door !== 'alb-multi'))(
    '%s: a headers map with a toJSON',
    async (door) => {
      const result = {
        ...valid(door),
        headers: answersOnce({ 'x-a': 'b' }, { 'x-a': { not: 'text' } }),
      }
      const seen = client(door, await through(door, result))
      expect(seen.gatewayError).toBe(false)
      expect(seen.headers).toMatchObject({ 'x-a': 'b' })
    },
  )

  it.each(DOORS)('%s: a body with a toJSON', async (door) => {
    const result = { ...valid(door), body: answersOnce('first', { not: 'a string' }) }
    const seen = client(door, await through(door, result))
    expect(seen.gatewayError).toBe(false)
    expect(seen.body).toBe('first')
  })
})
