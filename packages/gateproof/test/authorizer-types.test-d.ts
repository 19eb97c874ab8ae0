// Type tests (issue 16): the authorizer preset infers event and result from `type`.
import type { MiddyfiedHandler } from '@middy/core'
import type {
  APIGatewayAuthorizerResult,
  APIGatewayRequestAuthorizerEvent,
  APIGatewayRequestAuthorizerEventV2,
  APIGatewayTokenAuthorizerEvent,
  Context,
} from 'aws-lambda'
import { describe, expectTypeOf, it } from 'vitest'
import { allow, gateproofAuthorizer } from '../src/index.js'

type Types<H> =
  H extends MiddyfiedHandler<infer E, infer R, Error, Context> ? { event: E; result: R } : never

describe('gateproofAuthorizer() infers the event and result from `type` (issue 16)', () => {
  it('AZ1: TOKEN: APIGatewayTokenAuthorizerEvent in, an IAM policy out', () => {
    const handler = gateproofAuthorizer(
      async (event) => {
        expectTypeOf(event).toEqualTypeOf<APIGatewayTokenAuthorizerEvent>()
        return allow('u', { methodArn: event.methodArn })
      },
      { type: 'token' },
    )
    expectTypeOf<Types<typeof handler>>().toEqualTypeOf<{
      event: APIGatewayTokenAuthorizerEvent
      result: APIGatewayAuthorizerResult
    }>()
  })

  it('AZ2: REQUEST: APIGatewayRequestAuthorizerEvent in', () => {
    gateproofAuthorizer(
      async (event) => {
        expectTypeOf(event).toEqualTypeOf<APIGatewayRequestAuthorizerEvent>()
        return allow('u', { methodArn: event.methodArn })
      },
      { type: 'request' },
    )
  })

  it('AZ29: HTTP API 2.0 simple: { isAuthorized, context } out; an IAM policy is a type error', () => {
    gateproofAuthorizer(
      async (event) => {
        expectTypeOf(event).toEqualTypeOf<APIGatewayRequestAuthorizerEventV2>()
        return { isAuthorized: true, context: { user: { id: 1 } } }
      },
      { type: 'http-v2', responseFormat: 'simple' },
    )
    // @ts-expect-error a simple-response authorizer cannot return an IAM policy
    gateproofAuthorizer(async (event) => allow('u', { methodArn: event.routeArn }), {
      type: 'http-v2',
      responseFormat: 'simple',
    })
  })

  it('AZ5: HTTP API 2.0 without responseFormat is a type error', () => {
    // @ts-expect-error responseFormat is required with type "http-v2"
    gateproofAuthorizer(async () => ({ isAuthorized: true }), { type: 'http-v2' })
  })

  it('AZ28: REST authorizers cannot take responseFormat, nor return a simple response', () => {
    // @ts-expect-error a TOKEN authorizer answers an IAM policy
    gateproofAuthorizer(async () => ({ isAuthorized: true }), { type: 'token' })
  })
})
