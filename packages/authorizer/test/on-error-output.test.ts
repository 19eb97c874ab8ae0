import { gateproofPlugin } from '@gateproof/core'
import {
  httpApiAuthorizerEvent,
  simulateAuthorizer,
  tokenAuthorizerEvent,
} from '@gateproof/testing'
import middy, { type MiddlewareObj, type MiddyfiedHandler } from '@middy/core'
import createError from 'http-errors'
import { describe, expect, it } from 'vitest'
import { authorizerShape } from '../src/index.js'
import { context } from './support.js'

/**
 * A user's own onError (inside authorizerShape, so it runs first) that answers the error by
 * setting `request.response` without returning it — as `@middy/http-error-handler` and most
 * hand-written onError middlewares do. Middy then runs the next onError (authorizerShape's).
 */
const answersWith = (output: unknown) => ({
  onError: (request: { response: unknown }) => {
    request.response = output
  },
})

const tokenEvent = tokenAuthorizerEvent()

/** The authorizer as Middy runs it: authorizerShape outermost, the user's onError inside. */
function build(shape: object, base: () => Promise<unknown>, inner: object, withPlugin: boolean) {
  const plugin = withPlugin ? gateproofPlugin(shape as never) : undefined
  const handler = middy(base as never, plugin as never) as MiddyfiedHandler
  return handler.use(shape as MiddlewareObj).use(inner as MiddlewareObj)
}

async function settle(handler: (e: never, c: never) => Promise<unknown>, event: unknown) {
  try {
    return { output: await handler(event as never, context() as never) }
  } catch (error) {
    return { error }
  }
}

describe('an output set by an inner onError is checked like any other output', () => {
  for (const withPlugin of [false, true]) {
    const label = withPlugin ? 'with the plugin hooks' : 'authorizerShape alone'

    it(`AZ11: a proxy-style { statusCode: 401 } set in onError becomes exactly Unauthorized (${label})`, async () => {
      const shape = authorizerShape({ logger: false })
      const base = async () => {
        throw createError(401)
      }
      const handler = build(
        shape,
        base,
        answersWith({ statusCode: 401, body: 'Unauthorized' }),
        withPlugin,
      )
      const settled = await settle(handler as never, tokenEvent)
      const view = simulateAuthorizer(settled, { type: 'token', arn: tokenEvent.methodArn })
      expect(view.status).toBe(401)
    })

    it(`AZ11: { allow: false } set in onError becomes a Deny, never the gateway's 500 (${label})`, async () => {
      const shape = authorizerShape({ logger: false })
      const base = async () => {
        throw new Error('token store down')
      }
      const handler = build(shape, base, answersWith({ allow: false }), withPlugin)
      const settled = await settle(handler as never, tokenEvent)
      const view = simulateAuthorizer(settled, { type: 'token', arn: tokenEvent.methodArn })
      expect(view.status).toBe(403)
    })

    it(`AZ16: a valid policy set in onError is repaired (nested context) (${label})`, async () => {
      const shape = authorizerShape({ logger: false })
      const base = async () => {
        throw new Error('cache miss')
      }
      const handler = build(
        shape,
        base,
        answersWith({
          principalId: 'u1',
          policyDocument: {
            Version: '2012-10-17',
            Statement: [
              { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: tokenEvent.methodArn },
            ],
          },
          context: { roles: ['a', 'b'] },
        }),
        withPlugin,
      )
      const settled = await settle(handler as never, tokenEvent)
      const view = simulateAuthorizer(settled, { type: 'token', arn: tokenEvent.methodArn })
      expect(view.status).toBe(200)
      expect((settled as { output: { context: unknown } }).output.context).toEqual({
        roles: '["a","b"]',
      })
    })

    it(`AZ32: a proxy-style 403 set in onError of a simple-response HTTP API authorizer becomes { isAuthorized: false } (${label})`, async () => {
      const shape = authorizerShape({ logger: false, type: 'http-v2', responseFormat: 'simple' })
      const base = async () => {
        throw new Error('nope')
      }
      const handler = build(
        shape,
        base,
        answersWith({ statusCode: 403, body: 'Forbidden' }),
        withPlugin,
      )
      const event = httpApiAuthorizerEvent({ version: '2.0' })
      const settled = await settle(handler as never, event)
      expect(settled).toEqual({ output: { isAuthorized: false } })
    })
  }
})
