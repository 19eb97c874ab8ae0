import { readFileSync } from 'node:fs'
import { gatewayResponses, toSam } from '@gateproof/gateway-responses'
import { parseTemplate } from '@gateproof/observability'
import { describe, expect, it } from 'vitest'
import {
  cfnLint,
  cfnLintAvailable,
  samTranslate,
} from '../../../packages/observability/test/cfn-lint.js'
import { CACHE_TTL_SECONDS } from '../src/token-authorizer.js'

const path = new URL('../template.yaml', import.meta.url)
const template = parseTemplate(readFileSync(path, 'utf8'), 'examples/authorizer/template.yaml')

type AuthorizerConfig = Record<string, unknown> & { Identity?: Record<string, unknown> }
const authorizerOf = (api: string, name: string): AuthorizerConfig => {
  const auth = template.resources[api]?.Properties?.Auth as
    | { Authorizers: Record<string, AuthorizerConfig> }
    | undefined
  return auth?.Authorizers[name] ?? {}
}

describe('examples/authorizer/template.yaml (issue 16)', () => {
  it('AZ23/AZ25: the TOKEN authorizer caches for exactly the TTL the handler widens its policy for', () => {
    const token = authorizerOf('OrdersRestApi', 'TokenAuthorizer')
    expect(token.FunctionPayloadType).toBe('TOKEN')
    expect(token.Identity?.ReauthorizeEvery).toBe(CACHE_TTL_SECONDS)
  })

  it('AZ5/AZ29: the HTTP API authorizer has simple responses on, as the handler’s responseFormat says', () => {
    const http = authorizerOf('OrdersHttpApi', 'LambdaAuthorizer')
    expect(http.EnableSimpleResponses).toBe(true)
    expect(http.AuthorizerPayloadFormatVersion).toBe('2.0')
  })

  it('AZ9/AZ10: its gateway responses are exactly toSam(gatewayResponses())', () => {
    const api = template.resources.OrdersRestApi?.Properties
    expect({ GatewayResponses: api?.GatewayResponses }).toEqual(toSam(gatewayResponses()))
  })

  it.skipIf(!cfnLintAvailable)(
    'SAM translates it, and the CloudFormation SAM makes passes cfn-lint',
    () => {
      const resources = structuredClone(template.resources)
      for (const resource of Object.values(resources)) {
        if (resource.Type === 'AWS::Serverless::Function') {
          resource.Properties = {
            ...resource.Properties,
            CodeUri: 's3://gateproof-example/code.zip',
          }
        }
      }
      const translated = samTranslate({
        AWSTemplateFormatVersion: '2010-09-09',
        Transform: 'AWS::Serverless-2016-10-31',
        Globals: template.globals,
        Resources: resources,
      })
      expect(cfnLint(translated)).toBe('')
    },
  )
})
