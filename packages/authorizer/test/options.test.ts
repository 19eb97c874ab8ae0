import { GateproofOptionsError } from '@gateproof/core'
import { describe, expect, it } from 'vitest'
import authorizerShapeDefault, { allow, authorizerShape, deny } from '../src/index.js'

describe('options are checked when the middleware is built', () => {
  it('is the Middy idiom: default and named export, after/onError plus plugin hooks', () => {
    expect(authorizerShapeDefault).toBe(authorizerShape)
    const middleware = authorizerShape()
    expect(Object.keys(middleware).sort()).toEqual(['after', 'onError', 'plugin'])
    expect(Object.keys(middleware.plugin).sort()).toEqual(['requestEnd', 'requestStart'])
    expect(middleware.after?.name).toBe('authorizerShapeAfter')
    expect(middleware.onError?.name).toBe('authorizerShapeOnError')
  })

  it.each([
    [{ typo: true }, /unknown option "typo"/],
    [{ type: 'lambda' }, /option "type" must be one of/],
    [{ mode: 'fix' }, /option "mode"/],
    [{ invalid: 'throw' }, /option "invalid"/],
    [{ onError: 'allow' }, /option "onError"/],
    [{ unauthorizedWhen: 'Unauthorized' }, /must be a function/],
    [{ cacheTtlSeconds: 3601 }, /from 0 to 3600/],
    [{ cacheTtlSeconds: 1.5 }, /integer/],
    [{ principalId: '' }, /principalId/],
    [{ logger: 'yes' }, /logger/],
  ])('rejects %j', (options, message) => {
    expect(() => authorizerShape(options as never)).toThrow(GateproofOptionsError)
    expect(() => authorizerShape(options as never)).toThrow(message)
  })

  it('AZ23: cacheTtlSeconds is API Gateway’s range, 0 to 3600 whole seconds', () => {
    expect(() => authorizerShape({ cacheTtlSeconds: 0 })).not.toThrow()
    expect(() => authorizerShape({ cacheTtlSeconds: 3600 })).not.toThrow()
    expect(() => authorizerShape({ cacheTtlSeconds: -1 })).toThrow(/from 0 to 3600/)
  })

  it('AZ5: type "http-v2" needs responseFormat — the event does not say which format is configured', () => {
    expect(() => authorizerShape({ type: 'http-v2' })).toThrow(/responseFormat/)
    expect(() => authorizerShape({ type: 'http-v2', responseFormat: 'simple' })).not.toThrow()
  })

  it('AZ28: responseFormat is refused for REST and HTTP API 1.0 authorizers (always IAM)', () => {
    expect(() => authorizerShape({ type: 'token', responseFormat: 'simple' })).toThrow(
      /only to HTTP API/,
    )
  })
})

describe('allow/deny builders', () => {
  const methodArn = 'arn:aws:execute-api:eu-west-1:123456789012:api1/prod/GET/orders/42'

  it('§10.2: builds the documented policy shape', () => {
    expect(deny('user-1', { methodArn })).toEqual({
      principalId: 'user-1',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: methodArn }],
      },
    })
  })

  it('AZ25: with caching on, an Allow covers the whole stage', () => {
    const policy = allow('user-1', { methodArn, cacheTtlSeconds: 300, context: { tier: 'gold' } })
    expect(policy.policyDocument.Statement[0]).toMatchObject({
      Resource: 'arn:aws:execute-api:eu-west-1:123456789012:api1/prod/*/*',
    })
    expect(policy.context).toEqual({ tier: 'gold' })
  })

  it('AZ25: an explicit resource wins over the stage wildcard', () => {
    const policy = allow('u', { methodArn, cacheTtlSeconds: 300, resource: [methodArn] })
    expect(policy.policyDocument.Statement[0]).toMatchObject({ Resource: [methodArn] })
  })

  it('AZ12: refuses an empty principalId', () => {
    expect(() => allow('', { methodArn })).toThrow(/principalId/)
  })
})
