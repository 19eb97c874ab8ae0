/**
 * IT1 (a REST integration timeout above 29 s takes effect on Regional and private APIs only)
 * with SAM's Globals: `Globals.Api` applies to every `AWS::Serverless::Api` of the template,
 * not only to the implicit API. A Regional endpoint set there made an explicit API Regional
 * too, yet serve and check read it as edge-optimized and cut a 60 s raise to 29 s: a handler
 * the deployed API waits for was reported as REST's 504.
 */
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { readTemplateApp } from '../src/template.js'

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url))

const template = (apiType: string, apiProps: Record<string, unknown>) => ({
  Transform: 'AWS::Serverless-2016-10-31',
  Globals: { Api: { EndpointConfiguration: 'REGIONAL' } },
  Resources: {
    MyApi: { Type: apiType, Properties: { StageName: 'prod', ...apiProps } },
    Fn: {
      Type: 'AWS::Serverless::Function',
      Properties: {
        Handler: 'orders-handler.handler',
        Runtime: 'nodejs22.x',
        Events: {
          Slow: {
            Type: 'Api',
            Properties: {
              Path: '/slow',
              Method: 'get',
              RestApiId: { Ref: 'MyApi' },
              TimeoutInMillis: 60000,
            },
          },
        },
      },
    },
  },
})

const timeout = (t: unknown) =>
  readTemplateApp(t, fixtures).integrationTimeoutsMs?.['rest GET /slow']

describe('IT1: Globals.Api.EndpointConfiguration applies to an explicit AWS::Serverless::Api', () => {
  it('an explicit Serverless::Api without its own EndpointConfiguration is Regional by Globals: the 60 s raise holds', () => {
    expect(timeout(template('AWS::Serverless::Api', {}))).toBe(60000)
  })

  it('its own EndpointConfiguration wins over Globals', () => {
    expect(timeout(template('AWS::Serverless::Api', { EndpointConfiguration: 'EDGE' }))).toBe(29000)
  })
})
