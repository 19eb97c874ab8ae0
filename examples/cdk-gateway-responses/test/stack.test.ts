import {
  type GatewayResponsesOptions,
  gatewayResponses,
  toCloudFormation,
} from '@gateproof/gateway-responses'
import { App } from 'aws-cdk-lib'
import { Template } from 'aws-cdk-lib/assertions'
import { describe, expect, it } from 'vitest'
import { OrdersApiStack } from '../src/stack.js'

const EXAMPLE_OPTIONS: GatewayResponsesOptions = {
  cors: { allowOrigin: 'https://app.example.com' },
  responses: { QUOTA_EXCEEDED: { retryAfterSeconds: 3600 } },
}

function synthesise(options?: GatewayResponsesOptions): Template {
  const app = new App()
  return Template.fromStack(
    new OrdersApiStack(app, 'GateproofOrdersApi', { gatewayResponses: options }),
  )
}

function onlyLogicalId(template: Template, type: string): string {
  const ids = Object.keys(template.findResources(type))
  expect(ids).toHaveLength(1)
  return ids[0]!
}

describe('the CDK example stack, synthesised offline', () => {
  const template = synthesise()
  const apiId = onlyLogicalId(template, 'AWS::ApiGateway::RestApi')

  it('holds one gateway response per customisable type, and none for REQUEST_TOO_LARGE', () => {
    template.resourceCountIs('AWS::ApiGateway::GatewayResponse', 20)
    expect(
      template.findResources('AWS::ApiGateway::GatewayResponse', {
        Properties: { ResponseType: 'REQUEST_TOO_LARGE' },
      }),
    ).toEqual({})
  })

  it('synthesises exactly the resources toCloudFormation describes for the same definition', () => {
    const synthesised = Object.values(template.findResources('AWS::ApiGateway::GatewayResponse'))
      .map((resource) => resource.Properties)
      .sort((a, b) => a.ResponseType.localeCompare(b.ResponseType))
    const expected = Object.values(
      toCloudFormation(gatewayResponses(EXAMPLE_OPTIONS), { restApiId: { Ref: apiId } }),
    )
      .map((resource) => resource.Properties)
      .sort((a, b) => a.ResponseType.localeCompare(b.ResponseType))

    expect(synthesised).toEqual(expected)
  })

  it('answers a Lambda throttle (INTEGRATION_FAILURE, F-throttle) with 503, Retry-After and CORS', () => {
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'INTEGRATION_FAILURE',
      RestApiId: { Ref: apiId },
      StatusCode: '503',
      ResponseParameters: {
        'gatewayresponse.header.Access-Control-Allow-Origin': "'https://app.example.com'",
        'gatewayresponse.header.Access-Control-Expose-Headers':
          "'Retry-After, x-amzn-ErrorType, x-amzn-RequestId'",
        'gatewayresponse.header.Content-Type': "'application/problem+json'",
        'gatewayresponse.header.x-amzn-ErrorType': "'ServiceUnavailableException'",
        'gatewayresponse.header.Retry-After': "'1'",
      },
    })
  })

  it('tells a client over its usage-plan quota to come back in an hour', () => {
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'QUOTA_EXCEEDED',
      StatusCode: '429',
      ResponseParameters: { 'gatewayresponse.header.Retry-After': "'3600'" },
    })
  })

  it('makes the stage deployment wait for the gateway responses', () => {
    const deployment = template.findResources('AWS::ApiGateway::Deployment')
    const [only] = Object.values(deployment)
    const responseIds = Object.keys(template.findResources('AWS::ApiGateway::GatewayResponse'))

    expect(only?.DependsOn).toEqual(expect.arrayContaining(responseIds))
  })

  it('makes a new deployment when a gateway response changes, so the change goes live', () => {
    const changed = synthesise({
      ...EXAMPLE_OPTIONS,
      responses: { INTEGRATION_FAILURE: { statusCode: 429 } },
    })

    expect(onlyLogicalId(changed, 'AWS::ApiGateway::Deployment')).not.toBe(
      onlyLogicalId(template, 'AWS::ApiGateway::Deployment'),
    )
    expect(onlyLogicalId(synthesise(EXAMPLE_OPTIONS), 'AWS::ApiGateway::Deployment')).toBe(
      onlyLogicalId(template, 'AWS::ApiGateway::Deployment'),
    )
  }, 60_000)
})
