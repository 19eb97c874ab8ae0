// The README's samples (docs/snippets/authorizer/*) do what the README says they do.
import {
  captureOutput,
  httpApiAuthorizerEvent,
  lambdaContext,
  requestAuthorizerEvent,
  simulateAuthorizer,
  tokenAuthorizerEvent,
} from '@gateproof/testing'
import { describe, expect, it } from 'vitest'
import { authorizer as httpApi } from '../../../docs/snippets/authorizer/http-api.js'
import { authorizer as middleware } from '../../../docs/snippets/authorizer/middleware.js'
import { authorizer as token } from '../../../docs/snippets/authorizer/token.js'

const settle = async (run: () => Promise<unknown>) => {
  try {
    return { output: await run() }
  } catch (error) {
    return { error }
  }
}

describe('README samples (docs/snippets/authorizer)', () => {
  it('token.ts — AZ9 unknown token 401, AZ7 suspended 403, AZ25 a cached Allow covers other routes', async () => {
    const arn = tokenAuthorizerEvent().methodArn
    const view = async (authorizationToken: string, at = arn) =>
      simulateAuthorizer(
        await settle(() => token(tokenAuthorizerEvent({ authorizationToken }), lambdaContext())),
        { type: 'token', arn: at },
      )
    const capture = captureOutput()
    try {
      expect((await view('Bearer nobody')).status).toBe(401)
      expect((await view('Bearer mallory-token')).status).toBe(403)
      const other = arn.replace('GET/orders/42', 'PUT/orders/7')
      expect((await view('Bearer alice-token', other)).allowed).toBe(true)
    } finally {
      capture.stop()
    }
  })

  it('http-api.ts — AZ29 a known key is allowed with its context, an unknown one 403 (AZ31)', async () => {
    const event = (key: string) => httpApiAuthorizerEvent({ headers: { 'x-api-key': key } })
    const options = {
      type: 'http-v2' as const,
      responseFormat: 'simple' as const,
      arn: event('').routeArn,
    }
    const capture = captureOutput()
    try {
      const ok = simulateAuthorizer(
        await settle(() => httpApi(event('k-123'), lambdaContext())),
        options,
      )
      expect(ok.authorizer).toEqual({ lambda: { plan: 'pro', features: ['export', 'bulk'] } })
      const no = simulateAuthorizer(
        await settle(() => httpApi(event('nope'), lambdaContext())),
        options,
      )
      expect(no.status).toBe(403)
    } finally {
      capture.stop()
    }
  })

  it('middleware.ts — AZ14/AZ16 the Statement object and the nested context are repaired: allowed, not 500', async () => {
    const event = requestAuthorizerEvent({ headers: { 'x-tenant': 'acme' } })
    const capture = captureOutput()
    try {
      const output = await middleware(event, lambdaContext())
      expect(
        simulateAuthorizer({ output }, { type: 'request', arn: event.methodArn }).authorizer,
      ).toEqual({
        principalId: 'service-account',
        tenant: '{"id":"acme"}',
      })
      // One repair: one WARN line and one metric.
      expect(capture.logs().filter((log) => log.level === 'WARN')).toHaveLength(1)
      expect(capture.metrics().map((m) => m.dimensions.action)).toEqual(['repaired'])
    } finally {
      capture.stop()
    }
  })
})
