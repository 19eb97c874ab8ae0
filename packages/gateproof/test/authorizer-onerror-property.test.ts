import type { AuthorizerType } from '@gateproof/core'
import {
  httpApiAuthorizerEvent,
  lambdaContext,
  requestAuthorizerEvent,
  simulateAuthorizer,
  tokenAuthorizerEvent,
} from '@gateproof/testing'
import fc from 'fast-check'
import createError from 'http-errors'
import { describe, expect, it } from 'vitest'
import { gateproofAuthorizer } from '../src/index.js'

const RUNS = process.env.CI ? 2_000 : 200

const KINDS: { type: AuthorizerType; format?: 'simple' | 'iam'; event: () => unknown }[] = [
  { type: 'token', event: () => tokenAuthorizerEvent() },
  { type: 'request', event: () => requestAuthorizerEvent() },
  { type: 'http-v1', event: () => httpApiAuthorizerEvent({ version: '1.0' }) },
  { type: 'http-v2', format: 'simple', event: () => httpApiAuthorizerEvent() },
  { type: 'http-v2', format: 'iam', event: () => httpApiAuthorizerEvent() },
]

const arnOf = (event: unknown): string => {
  const { methodArn, routeArn } = event as { methodArn?: string; routeArn?: string }
  return (methodArn ?? routeArn) as string
}

// What an inner onError might answer with: proxy responses (as http-error-handler renders them),
// guessed shapes, near-policies with hostile context values, anything at all.
const hostileOutput = fc.oneof(
  fc.constantFrom<unknown>(
    { statusCode: 401, body: 'Unauthorized' },
    {
      statusCode: 403,
      body: '{"message":"Forbidden"}',
      headers: { 'content-type': 'application/json' },
    },
    { statusCode: 500, body: 'oops' },
    { allow: false },
    { isAuthorized: 'false' },
    'Unauthorized',
    0,
  ),
  fc.record(
    {
      principalId: fc.oneof(
        fc.string(),
        fc.integer(),
        fc.constant(null),
        fc.object({ maxDepth: 1 }),
      ),
      policyDocument: fc.oneof(
        fc.constant({
          Version: '2012-10-17',
          Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: '*' }],
        }),
        fc.constant({
          Statement: { Action: 'execute-api:Invoke', Effect: 'allow', Resource: '*' },
        }),
        fc.anything({ maxDepth: 2 }),
      ),
      context: fc.dictionary(
        fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor')),
        fc.oneof(
          fc.string(),
          fc.integer(),
          fc.constant(null),
          fc.array(fc.string()),
          fc.object({ maxDepth: 1 }),
        ),
        { maxKeys: 4 },
      ),
      isAuthorized: fc.oneof(fc.boolean(), fc.constant('true')),
    },
    { requiredKeys: [] },
  ),
  fc.anything({ maxDepth: 2, withNullPrototype: true }),
)

const thrown = fc.constantFrom<unknown>(
  createError(401),
  createError(403),
  new Error('token store down'),
  'Unauthorized',
  null,
)

describe('an inner onError that answers with an output (property)', () => {
  it('AZ11, AZ16, AZ32: whatever it sets, with onError "deny" the client gets 200, 401 or 403 — never the 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...KINDS),
        thrown,
        hostileOutput,
        async (kind, error, output) => {
          const handler = gateproofAuthorizer(
            async () => {
              throw error
            },
            {
              type: kind.type,
              responseFormat: kind.format,
              onError: 'deny',
              logger: false,
              middlewares: [
                {
                  onError: (request: { response: unknown }) => {
                    request.response = output
                  },
                },
              ],
            } as never,
          )
          const event = kind.event()
          let settled: { output: unknown } | { error: unknown }
          try {
            settled = { output: await handler(event as never, lambdaContext()) }
          } catch (failure) {
            settled = { error: failure }
          }
          const view = simulateAuthorizer(settled, {
            type: kind.type,
            arn: arnOf(event),
            responseFormat: kind.format,
          })
          expect([200, 401, 403]).toContain(view.status)
        },
      ),
      { numRuns: RUNS },
    )
  })
})
