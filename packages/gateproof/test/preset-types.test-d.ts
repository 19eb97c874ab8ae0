// Type tests (issue 13, "types infer"). `pnpm typecheck` (tsc over the root tsconfig.json, part of
// `pnpm test` and of every landing) checks them: a wrong expectation is a compile error and fails the run.
// They are not executed; `vitest --typecheck` would report the same errors test by test.
import type { MiddyfiedHandler } from '@middy/core'
import type {
  ALBEvent,
  ALBResult,
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  APIGatewayProxyResult,
  APIGatewayProxyResultV2,
  Context,
  LambdaFunctionURLEvent,
  LambdaFunctionURLResult,
} from 'aws-lambda'
import { describe, expectTypeOf, it } from 'vitest'
import { gateproof, type Integration, type ProxyEvent, type ProxyResult } from '../src/index.js'

const ok = { statusCode: 200, body: 'ok' }

/** The event and result types a wrapped handler takes and resolves to. */
type Types<H> =
  H extends MiddyfiedHandler<infer E, infer R, Error, Context> ? { event: E; result: R } : never

describe('gateproof() infers the event and result from `integration` (issue 13)', () => {
  it('REST: event is APIGatewayProxyEvent, result APIGatewayProxyResult', () => {
    const handler = gateproof(
      async (event) => {
        expectTypeOf(event).toEqualTypeOf<APIGatewayProxyEvent>()
        return { statusCode: 200, body: event.path }
      },
      { integration: 'rest' },
    )
    expectTypeOf<Types<typeof handler>>().toEqualTypeOf<{
      event: APIGatewayProxyEvent
      result: APIGatewayProxyResult
    }>()
    expectTypeOf(handler).parameter(0).toEqualTypeOf<APIGatewayProxyEvent>()
  })

  it('HTTP API payload 1.0: the REST event and result shapes', () => {
    gateproof(
      async (event) => {
        expectTypeOf(event).toEqualTypeOf<APIGatewayProxyEvent>()
        return ok
      },
      { integration: 'http-v1' },
    )
  })

  it('HTTP API payload 2.0: event is APIGatewayProxyEventV2, result APIGatewayProxyResultV2', () => {
    const handler = gateproof(
      async (event) => {
        expectTypeOf(event).toEqualTypeOf<APIGatewayProxyEventV2>()
        return event.rawPath // payload 2.0 accepts a bare string
      },
      { integration: 'http-v2' },
    )
    expectTypeOf<Types<typeof handler>>().toEqualTypeOf<{
      event: APIGatewayProxyEventV2
      result: APIGatewayProxyResultV2
    }>()
  })

  it('ALB: event is ALBEvent, result ALBResult', () => {
    const handler = gateproof(
      async (event) => {
        expectTypeOf(event).toEqualTypeOf<ALBEvent>()
        return { statusCode: 200, statusDescription: '200 OK', body: event.path }
      },
      { integration: 'alb' },
    )
    expectTypeOf<Types<typeof handler>>().toEqualTypeOf<{ event: ALBEvent; result: ALBResult }>()
  })

  it('Function URL: event is LambdaFunctionURLEvent, result LambdaFunctionURLResult', () => {
    const handler = gateproof(
      async (event) => {
        expectTypeOf(event).toEqualTypeOf<LambdaFunctionURLEvent>()
        return { statusCode: 200, body: event.rawPath }
      },
      { integration: 'function-url' },
    )
    expectTypeOf<Types<typeof handler>>().toEqualTypeOf<{
      event: LambdaFunctionURLEvent
      result: LambdaFunctionURLResult
    }>()
  })

  it('without `integration` (or with `auto`) the event is the union of the five front doors', () => {
    const handler = gateproof(async (event) => {
      expectTypeOf(event).toEqualTypeOf<ProxyEvent>()
      expectTypeOf(event).toEqualTypeOf<
        APIGatewayProxyEvent | APIGatewayProxyEventV2 | ALBEvent | LambdaFunctionURLEvent
      >()
      return ok
    })
    expectTypeOf<Types<typeof handler>>().toEqualTypeOf<{
      event: ProxyEvent
      result: ProxyResult
    }>()
    gateproof(
      async (event) => {
        expectTypeOf(event).toEqualTypeOf<ProxyEvent>()
        return ok
      },
      { integration: 'auto' },
    )
  })

  it('an integration chosen at run time gives the union of its events', () => {
    const integration = 'rest' as Integration
    gateproof(
      async (event) => {
        expectTypeOf(event).toEqualTypeOf<ProxyEvent>()
        return ok
      },
      { integration },
    )
  })

  it('the handler also receives the Lambda context and the timeout guard’s AbortSignal', () => {
    gateproof(
      async (_event, context, { signal }) => {
        expectTypeOf(context).toEqualTypeOf<Context>()
        expectTypeOf(signal).toEqualTypeOf<AbortSignal>()
        return ok
      },
      { integration: 'rest' },
    )
  })

  it('a load-shedder priority function sees the same event type', () => {
    gateproof(async () => ok, {
      integration: 'alb',
      loadShedder: {
        priority: (event) => {
          expectTypeOf(event).toEqualTypeOf<ALBEvent>()
          return 'normal'
        },
      },
    })
  })

  it('rejects a result the front door cannot deliver and an event field it does not send', () => {
    gateproof(
      // @ts-expect-error a REST API needs a string body; an object body is a 502 (R17)
      async () => ({ statusCode: 200, body: { id: 42 } }),
      { integration: 'rest' },
    )
    gateproof(
      // @ts-expect-error REST events have `path`, not payload 2.0's `rawPath`
      async (event) => ({ statusCode: 200, body: event.rawPath }),
      { integration: 'rest' },
    )
    // @ts-expect-error not a front door
    gateproof(async () => ok, { integration: 'soap' })
  })

  it('keeps explicit types for events another middleware reshaped', () => {
    type Parsed = Omit<APIGatewayProxyEventV2, 'body'> & { body: { sku: string } }
    const handler = gateproof<Parsed, APIGatewayProxyResultV2>(
      async (event) => ({ statusCode: 201, body: event.body.sku }),
      { integration: 'http-v2' },
    )
    expectTypeOf<Types<typeof handler>>().toEqualTypeOf<{
      event: Parsed
      result: APIGatewayProxyResultV2
    }>()
    // Without type arguments the front door decides: a result it cannot deliver still fails.
    // @ts-expect-error a REST API needs a string body
    gateproof(async () => ({ statusCode: 200, body: { id: 42 } }))
  })
})
