import { lambdaContext, restEvent } from '@gateproof/testing'
import { describe, expect, it } from 'vitest'
import { handler } from '../src/handler.js'

const call = (user: string | undefined) =>
  handler(
    restEvent({
      pathParameters: user === undefined ? null : { user },
      headers: { Origin: 'https://app.example.com' },
    }),
    lambdaContext(),
  )

const CORS = {
  'Access-Control-Allow-Origin': 'https://app.example.com',
  'Access-Control-Allow-Credentials': 'true',
  Vary: 'Origin',
}

describe('examples/custom-composition', () => {
  it('adds CORS headers to a successful response', async () => {
    expect(await call('ada')).toEqual({
      statusCode: 200,
      headers: CORS,
      body: '{"user":"ada","plan":"pro"}',
    })
  })

  it('adds CORS headers to a mapped 500 and never leaks the thrown message', async () => {
    const result = await call('crash')
    expect(result.statusCode).toBe(500)
    expect(result.headers).toMatchObject({
      ...CORS,
      'x-amzn-ErrorType': 'InternalServerErrorException',
    })
    expect(result.body).not.toContain('10.0.3.7')
  })

  it('adds CORS headers to the shedder’s 429 with Retry-After once the rate is spent', async () => {
    const results = []
    for (let i = 0; i < 8; i += 1) results.push(await call('grace'))
    const refused = results.filter((r) => r.statusCode === 429)
    expect(refused.length).toBeGreaterThanOrEqual(1)
    expect(refused[0]?.headers).toMatchObject({
      ...CORS,
      'x-amzn-ErrorType': 'TooManyRequestsException',
      'Content-Type': 'application/problem+json',
    })
    expect(Number(refused[0]?.headers?.['Retry-After'])).toBeGreaterThanOrEqual(1)
  })
})
