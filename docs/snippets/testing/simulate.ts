import { lambdaContext, restEvent, simulateGateway } from '@gateproof/testing'
import { gateproof } from 'gateproof'
import createHttpError from 'http-errors'
import { expect } from 'vitest'

const handler = gateproof(
  async () => {
    throw createHttpError(429, 'Slow down', { headers: { 'Retry-After': '2' } })
  },
  { integration: 'rest' },
)

const response = await handler(restEvent(), lambdaContext())
expect(simulateGateway('rest', { kind: 'returned', value: response })).toMatchObject({
  status: 429,
  gatewayError: false, // the client got the function's answer, not the gateway's
})

simulateGateway('rest', { kind: 'threw' })
// { status: 502, headers: { 'Content-Type': 'application/json',
//   'x-amzn-ErrorType': 'InternalServerErrorException' },
//   body: '{"message": "Internal server error"}', gatewayError: true,
//   rows: ['F-unhandled'], confirmed: true }
