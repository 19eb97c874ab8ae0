import { describe, expect, it } from 'vitest'
import {
  httpApiAuthorizerEvent,
  requestAuthorizerEvent,
  simulateAuthorizer,
  tokenAuthorizerEvent,
} from '../src/index.js'

const ARN = tokenAuthorizerEvent().methodArn
const policy = (Effect: string, Resource: unknown = ARN, extra: object = {}) => ({
  principalId: 'user-1',
  policyDocument: {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect, Resource }],
  },
  ...extra,
})
const rest = { type: 'token' as const, arn: ARN }

describe('simulateAuthorizer: REST (gateway-facts §10.2)', () => {
  it('AZ6: an Allow for the method lets the request through; context arrives stringified (AZ17)', () => {
    const view = simulateAuthorizer(
      { output: policy('Allow', ARN, { context: { n: 1, ok: true, s: 'x' } }) },
      rest,
    )
    expect(view).toMatchObject({ allowed: true, status: 200, confirmed: true })
    expect(view.authorizer).toEqual({ principalId: 'user-1', n: '1', ok: 'true', s: 'x' })
  })
  it('AZ7: an explicit Deny is 403 with the capital-M Message and AccessDeniedException', () => {
    const view = simulateAuthorizer({ output: policy('Deny') }, rest)
    expect(view.status).toBe(403)
    expect(view.body).toBe(
      '{"Message":"User is not authorized to access this resource with an explicit deny"}',
    )
    expect(view.headers['x-amzn-ErrorType']).toBe('AccessDeniedException')
  })
  it('AZ8: an Allow for another method is 403 "not authorized to access this resource"', () => {
    const view = simulateAuthorizer({ output: policy('Allow', ARN.replace('GET', 'POST')) }, rest)
    expect(view.status).toBe(403)
    expect(view.body).toBe('{"Message":"User is not authorized to access this resource"}')
  })
  it('AZ9: exactly "Unauthorized" thrown (or passed to the callback) is 401 UnauthorizedException', () => {
    for (const error of [new Error('Unauthorized'), 'Unauthorized']) {
      const view = simulateAuthorizer({ error }, rest)
      expect(view).toMatchObject({
        status: 401,
        body: '{"message":"Unauthorized"}',
        confirmed: true,
      })
      expect(view.headers['x-amzn-ErrorType']).toBe('UnauthorizedException')
    }
  })
  it('AZ9: another case of "unauthorized" is the 500 — expected, not verified (case sensitivity UNCONFIRMED)', () => {
    const view = simulateAuthorizer({ error: new Error('unauthorized') }, rest)
    expect(view).toMatchObject({ status: 500, confirmed: false })
  })
  it('AZ10: any other error is 500 {"message": null} AuthorizerConfigurationException', () => {
    const view = simulateAuthorizer({ error: new Error('Error: Invalid token') }, rest)
    expect(view).toMatchObject({ status: 500, body: '{"message": null}' })
    expect(view.headers['x-amzn-ErrorType']).toBe('AuthorizerConfigurationException')
  })
  it('AZ11: { allow: true }, null and a proxy-style response are the configuration-error 500', () => {
    for (const output of [{ allow: true }, null, { statusCode: 401, body: 'no' }]) {
      expect(simulateAuthorizer({ output }, rest).status).toBe(500)
    }
  })
  it('AZ12: a missing principalId is the 500 — expected, not verified (sources conflict)', () => {
    const { principalId: _, ...output } = policy('Allow')
    expect(simulateAuthorizer({ output }, rest)).toMatchObject({ status: 500, confirmed: false })
  })
  it('AZ14: a Statement object is the 500 — expected, not verified', () => {
    const output = { principalId: 'u', policyDocument: { Version: '2012-10-17', Statement: {} } }
    expect(simulateAuthorizer({ output }, rest)).toMatchObject({ status: 500, confirmed: false })
  })
  it('AZ15: Effect "allow" grants nothing: 403 — expected, not verified', () => {
    expect(simulateAuthorizer({ output: policy('allow') }, rest)).toMatchObject({
      status: 403,
      confirmed: false,
    })
  })
  it('AZ16: an object context value is the 500', () => {
    const view = simulateAuthorizer(
      { output: policy('Allow', ARN, { context: { a: { b: 1 } } }) },
      rest,
    )
    expect(view).toMatchObject({ status: 500, confirmed: true })
  })
  it('AZ18: a null context value is dropped — expected, not verified', () => {
    const view = simulateAuthorizer(
      { output: policy('Allow', ARN, { context: { a: null } }) },
      rest,
    )
    expect(view).toMatchObject({ allowed: true, confirmed: false })
    expect(view.authorizer).toEqual({ principalId: 'user-1' })
  })
  it('AZ19: a method ARN over 1 600 bytes is 414 "Request URI too long", whatever the authorizer would do', () => {
    const longArn = `${ARN}/${'é'.repeat(800)}`
    expect(Buffer.byteLength(longArn)).toBeGreaterThan(1600)
    for (const outcome of [{ notInvoked: true as const }, { output: policy('Allow', '*') }]) {
      const view = simulateAuthorizer(outcome, { type: 'request', arn: longArn })
      expect(view).toMatchObject({ status: 414, allowed: false, confirmed: true, rows: ['AZ19'] })
      expect(view.body).toBe('Request URI too long')
    }
    // 800 two-byte characters: over 1 600 bytes, not over 1 600 characters.
    expect(longArn.length).toBeLessThan(1600 + ARN.length)
  })
  it('AZ19: a Resource over 512 characters is the 500 — expected, not verified', () => {
    const view = simulateAuthorizer({ output: policy('Allow', `${ARN}/${'a'.repeat(512)}`) }, rest)
    expect(view).toMatchObject({ status: 500, allowed: false, confirmed: false })
    expect(view.rows).toContain('AZ19')
  })
  it('AZ19: { notInvoked: true } with a method ARN the gateway would pass is a mistake in the test', () => {
    expect(() => simulateAuthorizer({ notInvoked: true }, rest)).toThrow(/1 600 bytes/)
  })
  it('AZ20: a request without the identity source is 401 without invoking', () => {
    expect(simulateAuthorizer({ missingIdentity: true }, rest).status).toBe(401)
  })
  it('AZ27: an authorizer timeout is 500', () => {
    expect(simulateAuthorizer({ timeout: true }, rest).status).toBe(500)
  })
  it('AZ10: an output the runtime cannot serialise is the 500', () => {
    expect(simulateAuthorizer({ output: { n: 1n } }, rest).status).toBe(500)
  })
  it('AZ2: the REQUEST authorizer follows the same contract', () => {
    const e = requestAuthorizerEvent()
    expect(
      simulateAuthorizer(
        { output: policy('Allow', e.methodArn) },
        { type: 'request', arn: e.methodArn },
      ).allowed,
    ).toBe(true)
  })
})

describe('simulateAuthorizer: HTTP API (gateway-facts §10.4)', () => {
  const v2 = httpApiAuthorizerEvent()
  const simple = { type: 'http-v2' as const, responseFormat: 'simple' as const, arn: v2.routeArn }
  it('AZ29: { isAuthorized: true } lets the request through; context arrives under lambda (AZ30)', () => {
    const view = simulateAuthorizer({ output: { isAuthorized: true, context: { a: [1] } } }, simple)
    expect(view).toMatchObject({ allowed: true, authorizer: { lambda: { a: [1] } } })
  })
  it('AZ31: { isAuthorized: false } is 403 — expected, not verified', () => {
    expect(simulateAuthorizer({ output: { isAuthorized: false } }, simple)).toMatchObject({
      status: 403,
      confirmed: false,
    })
  })
  it('AZ32: a non-boolean isAuthorized, an IAM policy without enableSimpleResponses mismatch, or an error is 500', () => {
    expect(simulateAuthorizer({ output: { isAuthorized: 'true' } }, simple).status).toBe(500)
    expect(simulateAuthorizer({ output: policy('Allow', v2.routeArn) }, simple).status).toBe(500)
    expect(
      simulateAuthorizer({ output: { isAuthorized: true } }, { type: 'http-v2', arn: v2.routeArn })
        .status,
    ).toBe(500)
    expect(simulateAuthorizer({ error: new Error('x') }, simple)).toMatchObject({
      status: 500,
      body: '{"message":"Internal Server Error"}',
    })
  })
  it('AZ33: a thrown Unauthorized on HTTP API is the documented 500 — expected, not verified', () => {
    expect(simulateAuthorizer({ error: new Error('Unauthorized') }, simple)).toMatchObject({
      status: 500,
      confirmed: false,
    })
  })
  it('AZ34: missing identity sources: 401 without invoking', () => {
    expect(simulateAuthorizer({ missingIdentity: true }, simple)).toMatchObject({
      status: 401,
      confirmed: true,
    })
  })
  it('AZ28: an HTTP API 1.0 authorizer answers an IAM policy', () => {
    const v1 = httpApiAuthorizerEvent({ version: '1.0' })
    const view = simulateAuthorizer(
      { output: policy('Allow', v1.methodArn) },
      { type: 'http-v1', arn: v1.methodArn },
    )
    expect(view.allowed).toBe(true)
    expect(view.rows).toContain('AZ28')
  })
})

describe('simulateAuthorizer defaults', () => {
  it('AZ6: without arn, the policy is checked against the default event’s ARN of the type', () => {
    const output = policy('Allow', tokenAuthorizerEvent().methodArn)
    expect(simulateAuthorizer({ output }, { type: 'token' }).allowed).toBe(true)
    const v2 = httpApiAuthorizerEvent()
    expect(
      simulateAuthorizer({ output: policy('Allow', v2.routeArn) }, { type: 'http-v2' }).allowed,
    ).toBe(true)
  })
})
