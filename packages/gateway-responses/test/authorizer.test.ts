import type { CustomisableResponseType } from '@gateproof/gateway-responses'
import { gatewayResponses } from '@gateproof/gateway-responses'
import {
  type AuthorizerOutcome,
  simulateAuthorizer,
  tokenAuthorizerEvent,
} from '@gateproof/testing'
import { describe, expect, it } from 'vitest'
import { gatewayContext, respond } from './helpers/gateway.js'

const ARN = tokenAuthorizerEvent().methodArn
const deny = {
  principalId: 'u',
  policyDocument: {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: ARN }],
  },
}

/**
 * Issue 16: the gateway responses a REST authorizer's outcomes produce keep the status and
 * the `x-amzn-ErrorType` API Gateway itself sends (gateway-facts §10.2), so a client that
 * switches on either sees the same thing with and without gateproof's gateway responses.
 */
const CASES: [string, CustomisableResponseType, AuthorizerOutcome][] = [
  ['AZ9: thrown "Unauthorized"', 'UNAUTHORIZED', { error: new Error('Unauthorized') }],
  ['AZ20: identity source missing', 'UNAUTHORIZED', { missingIdentity: true }],
  ['AZ7: explicit Deny', 'ACCESS_DENIED', { output: deny }],
  ['AZ10: any other error', 'AUTHORIZER_CONFIGURATION_ERROR', { error: new Error('boom') }],
  [
    'AZ11: an output that is not a policy',
    'AUTHORIZER_CONFIGURATION_ERROR',
    { output: { allow: true } },
  ],
]

describe('gateway responses for authorizer outcomes keep AWS’s status and errorType (issue 16)', () => {
  it.each(CASES)('%s → %s', (_, type, outcome) => {
    const aws = simulateAuthorizer(outcome, { type: 'token', arn: ARN })
    const response = gatewayResponses()[type]!
    const ours = respond(
      response,
      gatewayContext({ error: { message: 'msg', responseType: type, validationErrorString: '' } }),
    )
    expect(ours.statusCode).toBe(aws.status)
    expect(ours.headers['x-amzn-ErrorType']).toBe(aws.headers['x-amzn-ErrorType'])
    expect(JSON.parse(ours.body).errorType).toBe(aws.headers['x-amzn-ErrorType'])
  })

  it('AZ21: AUTHORIZER_FAILURE (trigger UNCONFIRMED) answers 500 in the contract', () => {
    const ours = respond(
      gatewayResponses().AUTHORIZER_FAILURE!,
      gatewayContext({
        error: { message: 'x', responseType: 'AUTHORIZER_FAILURE', validationErrorString: '' },
      }),
    )
    expect(ours.statusCode).toBe(500)
    expect(JSON.parse(ours.body).status).toBe(500)
  })
})
