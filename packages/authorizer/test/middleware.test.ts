import type { AuthorizerType } from '@gateproof/core'
import { stageWildcardArn } from '@gateproof/core'
import {
  type AuthorizerClientView,
  captureOutput,
  httpApiAuthorizerEvent,
  requestAuthorizerEvent,
  restEvent,
  simulateAuthorizer,
  tokenAuthorizerEvent,
} from '@gateproof/testing'
import createError from 'http-errors'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { allow, deny } from '../src/index.js'
import { errorMessageOf, run, type Settled } from './support.js'

let capture: ReturnType<typeof captureOutput>
beforeEach(() => {
  capture = captureOutput()
})
afterEach(() => capture.stop())

const tokenEvent = tokenAuthorizerEvent()
const ARN = tokenEvent.methodArn

/** What the client sees for what the function did, per gateway-facts §10. */
function clientView(
  settled: Settled,
  type: AuthorizerType,
  arn: string,
  responseFormat?: 'iam' | 'simple',
): AuthorizerClientView {
  return simulateAuthorizer(
    'threw' in settled ? { error: settled.threw } : { output: settled.returned },
    { type, arn, responseFormat },
  )
}

const EVENTS = [
  {
    type: 'token',
    event: () => tokenAuthorizerEvent(),
    arn: (e: { methodArn: string }) => e.methodArn,
  },
  {
    type: 'request',
    event: () => requestAuthorizerEvent(),
    arn: (e: { methodArn: string }) => e.methodArn,
  },
  {
    type: 'http-v1',
    event: () => httpApiAuthorizerEvent({ version: '1.0' }),
    arn: (e: { methodArn: string }) => e.methodArn,
  },
] as const

describe('thrown errors mean what the author meant (REST)', () => {
  it('AZ9: a thrown http-errors 401 leaves as exactly Error("Unauthorized"): client 401', async () => {
    const settled = await run(() => {
      throw createError(401, 'token expired for user 42')
    }, tokenEvent)
    expect(errorMessageOf(settled)).toBe('Unauthorized')
    const view = clientView(settled, 'token', ARN)
    expect(view.status).toBe(401)
    expect(view.headers['x-amzn-ErrorType']).toBe('UnauthorizedException')
  })

  it('AZ9: "unauthorized" in another case is the same 401, sent in the exact case AWS matches', async () => {
    const settled = await run(() => {
      throw new Error('  UNAUTHORIZED ')
    }, tokenEvent)
    expect(errorMessageOf(settled)).toBe('Unauthorized')
    expect(clientView(settled, 'token', ARN).status).toBe(401)
  })

  it('AZ9: a thrown string "Unauthorized" (callback style) stays a 401', async () => {
    const settled = await run(() => {
      throw 'Unauthorized'
    }, tokenEvent)
    expect(clientView(settled, 'token', ARN).status).toBe(401)
  })

  it('AZ7: a thrown 403 becomes a Deny policy for the method: client 403, explicit deny', async () => {
    const settled = await run(() => {
      throw createError(403, 'not your tenant')
    }, tokenEvent)
    expect(settled).toEqual({
      returned: {
        principalId: 'anonymous',
        policyDocument: {
          Version: '2012-10-17',
          Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: ARN }],
        },
      },
    })
    const view = clientView(settled, 'token', ARN)
    expect(view.status).toBe(403)
    expect(view.rows).toContain('AZ7')
  })

  it('AZ10: any other error is, by default (onError "throw"), the gateway 500 — with no secret in the failure', async () => {
    const token = tokenEvent.authorizationToken
    const settled = await run(() => {
      throw new Error(`database down while checking ${token}`)
    }, tokenEvent)
    expect(errorMessageOf(settled)).toBe('Authorizer failed')
    expect(JSON.stringify((settled as { threw: Error }).threw.cause)).not.toContain(token)
    const view = clientView(settled, 'token', ARN)
    expect(view.status).toBe(500)
    expect(view.headers['x-amzn-ErrorType']).toBe('AuthorizerConfigurationException')
  })

  it('AZ10: with onError "throw" even a custom matcher that rejects 401s cannot leave "Unauthorized" by accident', async () => {
    const settled = await run(
      () => {
        throw new Error('Unauthorized')
      },
      tokenEvent,
      { unauthorizedWhen: () => false },
    )
    expect(errorMessageOf(settled)).toBe('Authorizer failed')
  })

  it('AZ7: onError "deny" turns other errors into a Deny (client 403)', async () => {
    const settled = await run(
      () => {
        throw new TypeError('boom')
      },
      tokenEvent,
      { onError: 'deny' },
    )
    expect(clientView(settled, 'token', ARN).status).toBe(403)
  })

  it('AZ9: onError "unauthorized" turns other errors into exactly Unauthorized (client 401)', async () => {
    const settled = await run(
      () => {
        throw null
      },
      tokenEvent,
      { onError: 'unauthorized' },
    )
    expect(errorMessageOf(settled)).toBe('Unauthorized')
    expect(clientView(settled, 'token', ARN).status).toBe(401)
  })

  it('AZ9: a custom matcher decides which thrown values are 401s', async () => {
    class TokenExpired extends Error {}
    const settled = await run(
      () => {
        throw new TokenExpired('jwt expired')
      },
      tokenEvent,
      { unauthorizedWhen: (thrown) => thrown.name === 'Error' && thrown.message === 'jwt expired' },
    )
    expect(clientView(settled, 'token', ARN).status).toBe(401)
  })

  it('AZ9: a matcher that throws decides nothing (the error goes the onError way)', async () => {
    const settled = await run(
      () => {
        throw new Error('x')
      },
      tokenEvent,
      {
        unauthorizedWhen: () => {
          throw new Error('matcher bug')
        },
        onError: 'deny',
      },
    )
    expect(clientView(settled, 'token', ARN).status).toBe(403)
  })

  it('AZ9: a thrown value whose getters throw is read safely', async () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('trap')
        },
        getPrototypeOf() {
          throw new Error('trap')
        },
      },
    )
    const settled = await run(
      () => {
        throw hostile
      },
      tokenEvent,
      { onError: 'deny' },
    )
    expect(clientView(settled, 'token', ARN).status).toBe(403)
  })
})

describe('outputs API Gateway rejects become a deliberate outcome (repair mode)', () => {
  it.each(EVENTS)(
    'AZ11: { allow: true } from a $type authorizer becomes a Deny (403), not the 500',
    async ({ type, event, arn }) => {
      const e = event()
      const before = simulateAuthorizer({ output: { allow: true } }, { type, arn: arn(e) })
      expect(before.status).toBe(500)
      const settled = await run(() => ({ allow: true }), e)
      expect(clientView(settled, type, arn(e)).status).toBe(403)
    },
  )

  it('AZ11: null becomes a Deny (403)', async () => {
    const settled = await run(() => null, tokenEvent)
    expect(clientView(settled, 'token', ARN).status).toBe(403)
  })

  it('AZ11: a proxy-style { statusCode: 401 } becomes exactly Unauthorized (401): the author meant 401', async () => {
    const settled = await run(() => ({ statusCode: 401, body: 'no' }), tokenEvent)
    expect(errorMessageOf(settled)).toBe('Unauthorized')
    expect(clientView(settled, 'token', ARN).status).toBe(401)
  })

  it('AZ11: a proxy-style { statusCode: 403 } becomes a Deny (403)', async () => {
    const settled = await run(() => ({ statusCode: 403, body: 'no' }), tokenEvent)
    expect(clientView(settled, 'token', ARN).status).toBe(403)
  })

  it('AZ11: invalid "unauthorized" turns an unusable output into exactly Unauthorized (401)', async () => {
    const settled = await run(() => ({ allow: true }), tokenEvent, { invalid: 'unauthorized' })
    expect(clientView(settled, 'token', ARN).status).toBe(401)
  })

  it('AZ12: an Allow without principalId is not guessed: Deny (403)', async () => {
    const { principalId: _, ...policy } = allow('user-1', { methodArn: ARN })
    const settled = await run(() => policy, tokenEvent)
    expect(clientView(settled, 'token', ARN).status).toBe(403)
  })

  it('AZ12: a numeric principalId is sent as its string (one meaning)', async () => {
    const settled = await run(
      () => ({ ...allow('x', { methodArn: ARN }), principalId: 42 }),
      tokenEvent,
    )
    expect((settled as { returned: { principalId: unknown } }).returned.principalId).toBe('42')
    expect(clientView(settled, 'token', ARN).allowed).toBe(true)
  })

  it('AZ13: a missing policyDocument becomes a Deny that keeps the principalId', async () => {
    const settled = await run(() => ({ principalId: 'user-1' }), tokenEvent)
    expect((settled as { returned: { principalId: unknown } }).returned.principalId).toBe('user-1')
    expect(clientView(settled, 'token', ARN).status).toBe(403)
  })

  it('AZ14: a single Statement object is wrapped in an array (expected, not verified: AZ14 is UNCONFIRMED)', async () => {
    const policy = allow('user-1', { methodArn: ARN })
    const single = {
      ...policy,
      policyDocument: { ...policy.policyDocument, Statement: policy.policyDocument.Statement[0] },
    }
    expect(simulateAuthorizer({ output: single }, { type: 'token', arn: ARN }).confirmed).toBe(
      false,
    )
    const settled = await run(() => single, tokenEvent)
    expect(settled).toEqual({ returned: policy })
    expect(clientView(settled, 'token', ARN).allowed).toBe(true)
  })

  it('AZ13: a missing Version is added', async () => {
    const policy = allow('user-1', { methodArn: ARN })
    const { Version: _, ...document } = policy.policyDocument
    const settled = await run(() => ({ ...policy, policyDocument: document }), tokenEvent)
    expect(settled).toEqual({ returned: policy })
  })

  it('AZ15: Effect "allow" (lowercase) is never upgraded to Allow: Deny (403)', async () => {
    const policy = allow('user-1', { methodArn: ARN })
    const lower = {
      ...policy,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'allow', Resource: ARN }],
      },
    }
    const settled = await run(() => lower, tokenEvent)
    expect(clientView(settled, 'token', ARN).status).toBe(403)
  })

  it('AZ16: object and array context values become JSON strings (REST)', async () => {
    const output = {
      ...allow('user-1', { methodArn: ARN }),
      context: { user: { id: 1 }, roles: ['a', 'b'], n: 1 },
    }
    expect(simulateAuthorizer({ output }, { type: 'token', arn: ARN }).status).toBe(500)
    const settled = await run(() => output, tokenEvent)
    expect((settled as { returned: { context: unknown } }).returned.context).toEqual({
      user: '{"id":1}',
      roles: '["a","b"]',
      n: 1,
    })
    const view = clientView(settled, 'token', ARN)
    expect(view.allowed).toBe(true)
    // AZ17: the integration receives every value as a string.
    expect(view.authorizer).toEqual({
      principalId: 'user-1',
      user: '{"id":1}',
      roles: '["a","b"]',
      n: '1',
    })
  })

  it('AZ16: in strict mode a nested context value is a Deny instead', async () => {
    const output = { ...allow('user-1', { methodArn: ARN }), context: { user: { id: 1 } } }
    const settled = await run(() => output, tokenEvent, { mode: 'strict' })
    expect(clientView(settled, 'token', ARN).status).toBe(403)
  })

  it('AZ18: null context values are dropped (expected, not verified)', async () => {
    const output = { ...allow('user-1', { methodArn: ARN }), context: { a: null, b: 'x' } }
    const settled = await run(() => output, tokenEvent)
    expect((settled as { returned: { context: unknown } }).returned.context).toEqual({ b: 'x' })
  })

  it('AZ16: a "__proto__" context key stays a plain key and the output stays valid', async () => {
    const context = JSON.parse('{"__proto__": {"polluted": true}, "ok": "yes"}')
    const output = { ...allow('user-1', { methodArn: ARN }), context }
    const settled = await run(() => output, tokenEvent)
    const returned = (settled as { returned: { context: Record<string, unknown> } }).returned
      .context
    expect(Object.keys(returned).sort()).toEqual(['__proto__', 'ok'])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(clientView(settled, 'token', ARN).allowed).toBe(true)
  })

  // A method ARN between 512 characters and 1 600 bytes reaches the authorizer, but cannot be a policy Resource.
  const LONG_ARN = `${ARN}/${'a'.repeat(600)}`
  const longEvent = { ...tokenEvent, methodArn: LONG_ARN }
  const resources = (returned: unknown): unknown[] =>
    (
      returned as { policyDocument: { Statement: { Resource: unknown }[] } }
    ).policyDocument.Statement.map((s) => s.Resource)

  it('AZ19: an Allow whose Resource is longer than 512 characters is not widened: Deny (403) for the stage', async () => {
    const output = {
      principalId: 'user-1',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: LONG_ARN }],
      },
    }
    expect(simulateAuthorizer({ output }, { type: 'token', arn: LONG_ARN }).status).toBe(500)
    const settled = await run(() => output, longEvent)
    const returned = (settled as { returned: unknown }).returned
    expect(resources(returned)).toEqual([stageWildcardArn(ARN)])
    expect(clientView(settled, 'token', LONG_ARN).status).toBe(403)
  })

  it('AZ19: a Deny whose Resource is longer than 512 characters is widened to the stage (a Deny is never too wide)', async () => {
    const output = {
      principalId: 'user-1',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [ARN, LONG_ARN] }],
      },
    }
    const settled = await run(() => output, longEvent)
    const returned = (settled as { returned: { principalId: string } }).returned
    expect(returned.principalId).toBe('user-1')
    expect(resources(returned)).toEqual([[ARN, stageWildcardArn(ARN)]])
    expect(clientView(settled, 'token', LONG_ARN)).toMatchObject({ status: 403, confirmed: true })
  })

  it('AZ19: allow() refuses a Resource over 512 characters with the fix in the message; deny() widens it', () => {
    expect(() => allow('user-1', { methodArn: LONG_ARN })).toThrow(
      /512 \(AZ19\).*wildcard.*headers/,
    )
    expect(resources(allow('user-1', { methodArn: LONG_ARN, cacheTtlSeconds: 60 }))).toEqual([
      stageWildcardArn(ARN),
    ])
    expect(resources(deny('user-1', { methodArn: LONG_ARN }))).toEqual([stageWildcardArn(ARN)])
    expect(() => deny('user-1', { methodArn: ARN, resource: LONG_ARN })).toThrow(/AZ19/)
  })

  it('AZ10: an output whose getter throws (the runtime could not serialise it) becomes a Deny', async () => {
    const output = {
      principalId: 'u',
      get policyDocument() {
        throw new Error('lazy load failed')
      },
    }
    const settled = await run(() => output, tokenEvent)
    expect(clientView(settled, 'token', ARN).status).toBe(403)
  })

  it('report mode changes nothing', async () => {
    const settled = await run(() => ({ allow: true }), tokenEvent, { mode: 'report' })
    expect(settled).toEqual({ returned: { allow: true } })
  })
})

describe('valid outputs pass as they are', () => {
  it.each(EVENTS)(
    'AZ6: an Allow from a $type authorizer lets the request through',
    async ({ type, event, arn }) => {
      const e = event()
      const policy = allow('user-1', {
        methodArn: arn(e),
        context: { tier: 'gold', n: 2, vip: true },
      })
      const settled = await run(() => policy, e)
      expect(settled).toEqual({ returned: policy })
      expect(clientView(settled, type, arn(e)).allowed).toBe(true)
    },
  )

  it('AZ7: a Deny from the handler stays a Deny (client 403)', async () => {
    const settled = await run(() => deny('user-1', { methodArn: ARN }), tokenEvent)
    expect(clientView(settled, 'token', ARN).status).toBe(403)
  })
})

describe('HTTP API authorizers', () => {
  const v2 = httpApiAuthorizerEvent()
  const ROUTE = v2.routeArn

  it('AZ29: a simple response passes; context may hold any JSON (AZ30)', async () => {
    const output = { isAuthorized: true, context: { user: { id: 1 }, roles: ['a'] } }
    const settled = await run(() => output, v2, { type: 'http-v2', responseFormat: 'simple' })
    expect(settled).toEqual({ returned: output })
    expect(clientView(settled, 'http-v2', ROUTE, 'simple').allowed).toBe(true)
  })

  it('AZ32: a non-boolean isAuthorized is never read as true: { isAuthorized: false } (AZ31 403, expected)', async () => {
    const settled = await run(() => ({ isAuthorized: 'true' }), v2, {
      type: 'http-v2',
      responseFormat: 'simple',
    })
    expect(settled).toEqual({ returned: { isAuthorized: false } })
    const view = clientView(settled, 'http-v2', ROUTE, 'simple')
    expect(view.status).toBe(403)
    expect(view.confirmed).toBe(false)
  })

  it('AZ32: an IAM policy from a simple-response authorizer is a Deny in the simple format', async () => {
    const settled = await run(() => allow('u', { methodArn: ROUTE }), v2, {
      type: 'http-v2',
      responseFormat: 'simple',
    })
    expect(settled).toEqual({ returned: { isAuthorized: false } })
  })

  it('AZ33: a thrown 401 on HTTP API is a Deny (a thrown Unauthorized is UNCONFIRMED there; AZ32 says 500)', async () => {
    const settled = await run(
      () => {
        throw createError(401)
      },
      v2,
      { type: 'http-v2', responseFormat: 'simple' },
    )
    expect(settled).toEqual({ returned: { isAuthorized: false } })
    expect(
      simulateAuthorizer({ error: new Error('Unauthorized') }, { type: 'http-v2', arn: ROUTE })
        .status,
    ).toBe(500)
  })

  it('AZ28: an HTTP API 1.0 authorizer answers an IAM policy; a thrown 403 is a Deny policy', async () => {
    const v1 = httpApiAuthorizerEvent({ version: '1.0' })
    const settled = await run(() => {
      throw createError(403)
    }, v1)
    expect(clientView(settled, 'http-v1', v1.methodArn).status).toBe(403)
  })

  it('AZ5: without a configured format, a 2.0 output is read by its own shape', async () => {
    const settled = await run(() => ({ isAuthorized: false }), v2)
    expect(settled).toEqual({ returned: { isAuthorized: false } })
  })
})

describe('events that are not authorizer events pass untouched (AZ5)', () => {
  it('AZ5: a REST proxy event result is returned as is, even one that is no policy', async () => {
    const settled = await run(() => ({ statusCode: 200, body: 'ok' }), restEvent())
    expect(settled).toEqual({ returned: { statusCode: 200, body: 'ok' } })
  })
  it('AZ5: errors from an SQS batch are rethrown as they are', async () => {
    const error = createError(401)
    const settled = await run(
      () => {
        throw error
      },
      { Records: [] },
    )
    expect(settled).toEqual({ threw: error })
  })
})
