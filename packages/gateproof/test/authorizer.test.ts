import {
  httpApiAuthorizerEvent,
  lambdaContext,
  simulateAuthorizer,
  tokenAuthorizerEvent,
} from '@gateproof/testing'
import createError from 'http-errors'
import { describe, expect, it } from 'vitest'
import { allow, gateproof, gateproofAuthorizer } from '../src/index.js'

const context = () => lambdaContext({ remainingMs: 3_000 })

describe('gateproofAuthorizer (issue 16)', () => {
  it('AZ9: a TOKEN authorizer that throws a 401 answers the client 401', async () => {
    const handler = gateproofAuthorizer(
      async () => {
        throw createError(401)
      },
      { type: 'token', logger: false },
    )
    const event = tokenAuthorizerEvent()
    const error = await handler(event, context()).catch((e: unknown) => e)
    expect(simulateAuthorizer({ error }, { type: 'token', arn: event.methodArn }).status).toBe(401)
  })

  it('AZ25: a cached TOKEN authorizer built with allow() allows every route of the stage', async () => {
    const handler = gateproofAuthorizer(
      async (event) => allow('user-1', { methodArn: event.methodArn, cacheTtlSeconds: 300 }),
      { type: 'token', cacheTtlSeconds: 300, logger: false },
    )
    const event = tokenAuthorizerEvent()
    const output = await handler(event, context())
    const otherRoute = event.methodArn.replace('GET/orders/42', 'DELETE/orders/7')
    expect(simulateAuthorizer({ output }, { type: 'token', arn: otherRoute }).allowed).toBe(true)
  })

  it('AZ29: an HTTP API simple authorizer; the user’s own middlewares run inside and are checked too', async () => {
    const order: string[] = []
    const handler = gateproofAuthorizer(async () => ({ isAuthorized: true }), {
      type: 'http-v2',
      responseFormat: 'simple',
      logger: false,
      middlewares: [
        {
          before: () => {
            order.push('before')
          },
          after: (request) => {
            order.push('after')
            request.response = { isAuthorized: 'yes' } as never
          },
        },
      ],
    })
    const output = await handler(httpApiAuthorizerEvent(), context())
    expect(order).toEqual(['before', 'after'])
    expect(output).toEqual({ isAuthorized: false })
  })

  it('AZ27: a handler still running at Lambda’s timeout ends as onError says (Middy early timeout)', async () => {
    const handler = gateproofAuthorizer(() => new Promise<never>(() => undefined), {
      type: 'token',
      onError: 'deny',
      logger: false,
    })
    const output = await handler(tokenAuthorizerEvent(), lambdaContext({ remainingMs: 50 }))
    expect(output).toMatchObject({ policyDocument: { Statement: [{ Effect: 'Deny' }] } })
  })
})

describe('the HTTP preset and authorizer events (AZ5)', () => {
  it('AZ5: gateproof() returns an authorizer’s policy untouched — authorizer events are no front door’s', async () => {
    const event = httpApiAuthorizerEvent({ version: '1.0' })
    const policy = allow('u', { methodArn: event.methodArn })
    const handler = gateproof(async () => policy as never, { logger: false })
    expect(await handler(event as never, context())).toEqual(policy)
  })

  it('AZ9: gateproof() rethrows an authorizer’s Unauthorized untouched, so the client still gets 401', async () => {
    const handler = gateproof(
      async () => {
        throw new Error('Unauthorized')
      },
      { logger: false },
    )
    const event = tokenAuthorizerEvent()
    const error = await handler(event as never, context()).catch((e: unknown) => e)
    expect(simulateAuthorizer({ error }, { type: 'token', arn: event.methodArn }).status).toBe(401)
  })
})

describe('outputs that skip authorizerShape’s after (issue 16: requestEnd)', () => {
  const early = (output: unknown) => ({
    before: () => output,
  })

  it('AZ16: an early output from your own middleware is repaired in place', async () => {
    const event = tokenAuthorizerEvent()
    const output = { ...allow('u', { methodArn: event.methodArn }), context: { user: { id: 1 } } }
    const handler = gateproofAuthorizer(async () => allow('x', { methodArn: 'arn:x' }), {
      type: 'token',
      logger: false,
      middlewares: [early(output)],
    })
    const result = await handler(event, context())
    expect(
      simulateAuthorizer({ output: result }, { type: 'token', arn: event.methodArn }).allowed,
    ).toBe(true)
    expect(result).toMatchObject({ context: { user: '{"id":1}' } })
  })

  it('AZ11: an early proxy-style 401 becomes exactly Unauthorized (client 401)', async () => {
    const event = tokenAuthorizerEvent()
    const handler = gateproofAuthorizer(async () => allow('x', { methodArn: 'arn:x' }), {
      type: 'token',
      logger: false,
      middlewares: [early({ statusCode: 401, body: 'no' })],
    })
    const error = await handler(event, context()).catch((e: unknown) => e)
    expect(simulateAuthorizer({ error }, { type: 'token', arn: event.methodArn }).status).toBe(401)
  })

  it('AZ11: an early output that cannot be replaced in place (a string) is a 401 on REST, not the 500', async () => {
    const event = tokenAuthorizerEvent()
    const handler = gateproofAuthorizer(async () => allow('x', { methodArn: 'arn:x' }), {
      type: 'token',
      logger: false,
      middlewares: [early('Allow')],
    })
    const error = await handler(event, context()).catch((e: unknown) => e)
    expect(simulateAuthorizer({ error }, { type: 'token', arn: event.methodArn }).status).toBe(401)
  })

  it('AZ7: an inner after that returns a value (Middy stops there) is still judged: a bad output becomes a Deny', async () => {
    const event = tokenAuthorizerEvent()
    const handler = gateproofAuthorizer(async () => allow('u', { methodArn: event.methodArn }), {
      type: 'token',
      logger: false,
      middlewares: [{ after: () => ({ allow: true }) }],
    })
    const output = await handler(event, context())
    expect(simulateAuthorizer({ output }, { type: 'token', arn: event.methodArn }).status).toBe(403)
  })
})
