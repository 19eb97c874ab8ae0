// Type tests (issue 15, "types infer a streaming handler signature"): a wrong expectation is a compile error.
import { Readable } from 'node:stream'
import type { MiddyfiedHandler } from '@middy/core'
import type { APIGatewayProxyEvent, Context, LambdaFunctionURLEvent } from 'aws-lambda'
import { describe, expectTypeOf, it } from 'vitest'
import { gateproof, type StreamingEvent, type StreamingResult } from '../src/index.js'

type Types<H> =
  H extends MiddyfiedHandler<infer E, infer R, Error, Context> ? { event: E; result: R } : never

describe('gateproof(handler, { streaming }) infers a streaming handler (issue 15)', () => {
  it('streaming alone: the event is REST or Function URL, the body may be a stream', () => {
    const handler = gateproof(
      async (event, _context, { signal }) => {
        expectTypeOf(event).toEqualTypeOf<StreamingEvent>()
        expectTypeOf(signal).toEqualTypeOf<AbortSignal>()
        return { statusCode: 200, body: Readable.from(['a']) }
      },
      { streaming: true },
    )
    expectTypeOf<Types<typeof handler>>().toEqualTypeOf<{
      event: APIGatewayProxyEvent | LambdaFunctionURLEvent
      result: StreamingResult
    }>()
  })

  it('with integration: the front door’s event; web streams, bytes and async iterables are bodies', () => {
    gateproof(
      async (event) => {
        expectTypeOf(event).toEqualTypeOf<LambdaFunctionURLEvent>()
        return { statusCode: 200, body: new ReadableStream<Uint8Array>() }
      },
      { integration: 'function-url', streaming: { idleMs: 30_000 } },
    )
    gateproof(async () => ({ statusCode: 200, body: Buffer.from('x') }), {
      integration: 'rest',
      streaming: true,
    })
    gateproof(
      async () => ({
        statusCode: 200,
        body: (async function* () {
          yield 'x'
        })(),
      }),
      { streaming: true },
    )
  })

  it('a streaming REST handler must return a status (HTTP API and ALB are refused at run time, ST31, ST32)', () => {
    // @ts-expect-error a streamed response has a statusCode
    gateproof(async () => ({ body: 'x' }), { integration: 'rest', streaming: true })
  })
})
