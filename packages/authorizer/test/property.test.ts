import {
  captureOutput,
  httpApiAuthorizerEvent,
  requestAuthorizerEvent,
  tokenAuthorizerEvent,
} from '@gateproof/testing'
import fc from 'fast-check'
import createError from 'http-errors'
import { describe, expect, it } from 'vitest'
import { allow } from '../src/index.js'
import { powertools, run } from './support.js'

const RUNS = process.env.CI ? 2_000 : 200

const REASONS = new Set([
  'policy',
  'thrown-401',
  'thrown-403',
  'thrown-error',
  'cache-narrow-resource',
  'unreadable',
  'not-an-object',
  'proxy-response',
  'wrong-format',
  'principal-id',
  'policy-document',
  'policy-version',
  'statement-not-array',
  'statement-empty',
  'statement-invalid',
  'effect',
  'action',
  'resource',
  'context-not-object',
  'context-nested',
  'context-null',
  'context-value',
  'usage-identifier-key',
  'is-authorized',
])

// A credential: long enough to be recognisable, made of token characters.
const secret = fc.stringMatching(/^[A-Za-z0-9._~+/-]{8,40}$/)

/** Events of every authorizer kind carrying `token` where that kind carries credentials. */
const eventsWith = (token: string) => [
  tokenAuthorizerEvent({ authorizationToken: `Bearer ${token}` }),
  requestAuthorizerEvent({ headers: { Authorization: `Bearer ${token}` } }),
  httpApiAuthorizerEvent({ version: '1.0', identitySource: `${token},tenant-1` }),
  httpApiAuthorizerEvent({ identitySource: [token], headers: { cookie: `session=${token}` } }),
]

describe('authorizerShape telemetry (property)', () => {
  it('never writes the token, identity sources or Authorization/Cookie values, whatever the thrown message or output holds', async () => {
    await fc.assert(
      fc.asyncProperty(
        secret,
        fc.nat(3),
        fc.oneof(
          fc.constant('throw-401'),
          fc.constant('throw-500'),
          fc.constant('throw-403'),
          fc.constant('nested-context'),
          fc.constant('garbage'),
        ),
        fc.string(),
        async (token, which, act, noise) => {
          const event = eventsWith(token)[which] as { type: string }
          const { metrics, logger } = powertools()
          const capture = captureOutput()
          try {
            await run(
              () => {
                const message = `${noise} failed for ${token} ${noise}`
                if (act === 'throw-401') throw createError(401, message)
                if (act === 'throw-403') throw createError(403, message)
                if (act === 'throw-500') throw new Error(message)
                if (act === 'nested-context') {
                  return { ...allow('u', { methodArn: 'arn:x' }), context: { t: { token } } }
                }
                return { token }
              },
              event,
              { metrics, logger, responseFormat: 'iam' },
            )
            expect(capture.lines.join('\n')).not.toContain(token)
            for (const metric of capture.metrics()) {
              expect(REASONS.has(metric.dimensions.reason ?? '')).toBe(true)
            }
          } finally {
            capture.stop()
          }
        },
      ),
      { numRuns: RUNS },
    )
  })
})
