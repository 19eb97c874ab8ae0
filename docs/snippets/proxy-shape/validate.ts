import { validateProxyResult } from '@gateproof/proxy-shape'
import { lambdaContext, restEvent } from '@gateproof/testing'
import { gateproof } from 'gateproof'
import { expect } from 'vitest'

const handler = gateproof(async () => ({ statusCode: 200, body: 'ok' }), { integration: 'rest' })

expect(validateProxyResult(await handler(restEvent(), lambdaContext()), 'rest')).toEqual({
  valid: true,
  violations: [],
})
validateProxyResult({ statusCode: 200, wrongValue: 1 }, 'rest')
// { valid: false, violations: [
//   { path: '$', rule: 'payload-outside-body', message: 'statusCode with non-response keys (wrongValue) and no body: … (R6)' } ] }
validateProxyResult(
  { statusCode: 200, multiValueHeaders: { 'set-cookie': ['a=1', 'b=2'] } },
  'alb',
  {
    albMultiValueHeaders: true,
  },
)
