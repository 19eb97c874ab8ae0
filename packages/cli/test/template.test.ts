import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { readTemplateApp } from '../src/template.js'
import { loadTemplate } from '../src/template-source.js'

const repo = fileURLToPath(new URL('../../../', import.meta.url))
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url))

describe('--template: routes from SAM, CloudFormation and CDK (issue 13, "routes read from a SAM/CloudFormation template")', () => {
  it('reads examples/rest-api/template.yaml (SAM Api event, !Ref/!Sub) and finds the esbuild entry point', async () => {
    const template = await loadTemplate('examples/rest-api/template.yaml', repo)
    expect(template.app.routes).toEqual([
      { method: 'GET', path: '/orders/{id}', integration: 'rest', functionId: 'GetOrderFunction' },
    ])
    expect(template.app.functions.GetOrderFunction?.target).toBe(
      `${repo}examples/rest-api/src/handler.ts#handler`,
    )
  })

  it('reads plain CloudFormation (!GetAtt, !Sub, !Join): ApiGateway::Method paths through nested Resources, V2 Routes, functions by Uri', async () => {
    const { app } = await loadTemplate('cloudformation.yaml', fixtures)
    expect(app.routes).toEqual([
      { method: 'GET', path: '/orders/{id}', integration: 'rest', functionId: 'OrdersFunction' },
      { method: 'POST', path: '/orders', integration: 'rest', functionId: 'InlineFunction' },
      // OPTIONS with a MOCK integration is not a Lambda route and is left out.
      { method: 'GET', path: '/items/{id}', integration: 'http-v1', functionId: 'InlineFunction' },
    ])
    expect(app.functions.OrdersFunction?.target).toBe(`${fixtures}orders-handler.mjs#handler`)
    expect(app.functions.InlineFunction?.inline?.handler).toBe('index.handler')
  })

  it('reads SAM HttpApi events: payload 2.0, a Path-less event is the $default catch-all, other events are skipped', async () => {
    const { app } = await loadTemplate('sam-http-api.yaml', fixtures)
    expect(app.routes).toEqual([
      { method: 'GET', path: '/orders/{id}', integration: 'http-v2', functionId: 'OrdersFunction' },
      { method: 'ANY', path: '/', integration: 'http-v2', functionId: 'FallbackFunction' },
      { method: 'ANY', path: '/{proxy+}', integration: 'http-v2', functionId: 'FallbackFunction' },
    ])
  })

  it('reads routes from OpenAPI definitions: inline DefinitionBody, AWS::Include, DefinitionUri (payload 1.0 and the $default route); MOCK left out; no duplicates', async () => {
    const { app } = await loadTemplate('sam-openapi.yaml', fixtures)
    expect(app.routes).toEqual([
      { method: 'GET', path: '/orders/{id}', integration: 'rest', functionId: 'OrdersFunction' },
      { method: 'ANY', path: '/orders', integration: 'rest', functionId: 'OrdersFunction' },
      { method: 'GET', path: '/items/{id}', integration: 'rest', functionId: 'ItemsFunction' },
      { method: 'POST', path: '/items', integration: 'http-v1', functionId: 'ItemsFunction' },
      { method: 'ANY', path: '/', integration: 'http-v2', functionId: 'ItemsFunction' },
      { method: 'ANY', path: '/{proxy+}', integration: 'http-v2', functionId: 'ItemsFunction' },
    ])
  })

  it('reads a CloudFormation RestApi Body; a definition in S3 is skipped; a missing local one is a clear error', () => {
    const uri = { 'Fn::GetAtt': ['Fn', 'Arn'] }
    const template = (Body: unknown) => ({
      Resources: {
        Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Body } },
        S3Api: {
          Type: 'AWS::ApiGateway::RestApi',
          Properties: { BodyS3Location: 's3://bucket/openapi.yaml' },
        },
        Fn: { Type: 'AWS::Lambda::Function', Properties: { Handler: 'index.handler' } },
      },
    })
    const body = {
      paths: {
        '/a': { delete: { 'x-amazon-apigateway-integration': { type: 'aws_proxy', uri } } },
      },
    }
    expect(readTemplateApp(template(body), fixtures).routes).toEqual([
      { method: 'DELETE', path: '/a', integration: 'rest', functionId: 'Fn' },
    ])
    expect(() =>
      readTemplateApp(
        template({
          'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: 'nope.yaml' } },
        }),
        fixtures,
      ),
    ).toThrow(/Api: cannot find its OpenAPI definition nope.yaml/)
  })

  it("reads SAM Auth: DefaultAuthorizer, an event's Authorizer NONE, TOKEN identity and TTL, HTTP API simple responses; a JWT authorizer is not a Lambda one", async () => {
    const { app } = await loadTemplate('sam-authorizers.yaml', fixtures)
    const token = {
      name: 'TokenAuth',
      functionId: 'AuthFunction',
      type: 'token',
      identitySource: ['method.request.header.Authorization'],
      resultTtlSeconds: 0,
    }
    const key = {
      name: 'KeyAuth',
      functionId: 'SimpleAuthFunction',
      type: 'http-v2',
      responseFormat: 'simple',
      identitySource: ['$request.header.x-api-key'],
    }
    const route = (method: string, path: string, integration: string, authorizer?: object) => ({
      method,
      path,
      integration,
      functionId: 'OrdersFunction',
      ...(authorizer ? { authorizer } : {}),
    })
    expect(app.routes).toStrictEqual([
      route('GET', '/orders/{id}', 'rest', token),
      route('GET', '/health', 'rest'),
      route('GET', '/items', 'http-v2', key),
      route('GET', '/me', 'http-v2'),
    ])
  })

  it('reads CloudFormation authorizers: ApiGateway::Authorizer (REQUEST, comma-separated sources) and ApiGatewayV2::Authorizer on CUSTOM routes', () => {
    const fn = { 'Fn::GetAtt': ['Fn', 'Arn'] }
    const auth = { 'Fn::GetAtt': ['AuthFn', 'Arn'] }
    const { routes } = readTemplateApp(
      {
        Resources: {
          Fn: { Type: 'AWS::Lambda::Function', Properties: {} },
          AuthFn: { Type: 'AWS::Lambda::Function', Properties: {} },
          RestAuth: {
            Type: 'AWS::ApiGateway::Authorizer',
            Properties: {
              Type: 'REQUEST',
              AuthorizerUri: {
                // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
                'Fn::Sub': 'arn:${AWS::Partition}:apigateway:…/functions/${AuthFn.Arn}/invocations',
              },
              IdentitySource: 'method.request.header.X-Key, method.request.querystring.tenant',
              AuthorizerResultTtlInSeconds: 60,
            },
          },
          Method: {
            Type: 'AWS::ApiGateway::Method',
            Properties: {
              HttpMethod: 'GET',
              AuthorizationType: 'CUSTOM',
              AuthorizerId: { Ref: 'RestAuth' },
              Integration: { Type: 'AWS_PROXY', Uri: fn },
            },
          },
          HttpAuth: {
            Type: 'AWS::ApiGatewayV2::Authorizer',
            Properties: {
              AuthorizerType: 'REQUEST',
              AuthorizerUri: auth,
              AuthorizerPayloadFormatVersion: '1.0',
              IdentitySource: ['$request.header.Authorization'],
            },
          },
          Integration: {
            Type: 'AWS::ApiGatewayV2::Integration',
            Properties: { IntegrationUri: fn, PayloadFormatVersion: '2.0' },
          },
          Route: {
            Type: 'AWS::ApiGatewayV2::Route',
            Properties: {
              RouteKey: 'GET /items',
              AuthorizationType: 'CUSTOM',
              AuthorizerId: { Ref: 'HttpAuth' },
              Target: { 'Fn::Join': ['/', ['integrations', { Ref: 'Integration' }]] },
            },
          },
        },
      },
      fixtures,
    )
    expect(routes.map((route) => route.authorizer)).toStrictEqual([
      {
        name: 'RestAuth',
        functionId: 'AuthFn',
        type: 'request',
        identitySource: ['method.request.header.X-Key', 'method.request.querystring.tenant'],
        resultTtlSeconds: 60,
      },
      {
        name: 'HttpAuth',
        functionId: 'AuthFn',
        type: 'http-v1',
        identitySource: ['$request.header.Authorization'],
      },
    ])
  })

  it('synthesizes the CDK app of examples/cdk-gateway-responses (TypeScript) and reads its REST routes', async () => {
    const template = await loadTemplate('examples/cdk-gateway-responses', repo)
    try {
      expect(template.app.routes).toEqual([
        {
          method: 'GET',
          path: '/orders',
          integration: 'rest',
          functionId: expect.stringMatching(/^Orders/),
        },
      ])
      const fn = Object.values(template.app.functions)[0]
      expect(fn?.inline?.code).toContain('exports.handler')
    } finally {
      template.dispose()
    }
  }, 60_000)

  it('a template without Resources, or malformed YAML, is a clear error', async () => {
    expect(() => readTemplateApp({ AWSTemplateFormatVersion: '2010-09-09' }, fixtures)).toThrow(
      'not a SAM/CloudFormation template: no Resources section',
    )
    expect(() =>
      readTemplateApp(readFileSync(`${fixtures}orders-handler.mjs`, 'utf8'), fixtures),
    ).toThrow(/no Resources/)
    await expect(loadTemplate('missing.yaml', fixtures)).rejects.toThrow(
      /cannot find the template missing.yaml/,
    )
  })
})

describe('--template: integration timeouts as they take effect (§2.2, IT1)', () => {
  const samApi = (endpoint: unknown, timeoutMs: unknown) => ({
    Resources: {
      Api: {
        Type: 'AWS::Serverless::Api',
        Properties: { StageName: 'prod', ...(endpoint ? { EndpointConfiguration: endpoint } : {}) },
      },
      Fn: {
        Type: 'AWS::Serverless::Function',
        Properties: {
          Handler: 'orders-handler.handler',
          CodeUri: './',
          Events: {
            Get: {
              Type: 'Api',
              Properties: {
                RestApiId: { Ref: 'Api' },
                Path: '/orders',
                Method: 'get',
                TimeoutInMillis: timeoutMs,
              },
            },
            Http: {
              Type: 'HttpApi',
              Properties: { Path: '/h', Method: 'get', TimeoutInMillis: timeoutMs },
            },
          },
        },
      },
    },
  })
  const timeouts = (template: unknown) => readTemplateApp(template, fixtures).integrationTimeoutsMs

  it('a lowered TimeoutInMillis is the wait on REST and HTTP API alike', () => {
    expect(timeouts(samApi(undefined, 5000))).toEqual({
      'rest GET /orders': 5000,
      'http-v2 GET /h': 5000,
    })
  })

  it('a raise above 29 s takes effect on a Regional REST API, not on an edge-optimized one (the default); HTTP API stops at 30 s', () => {
    expect(timeouts(samApi('REGIONAL', 60000))).toEqual({
      'rest GET /orders': 60000,
      'http-v2 GET /h': 30000,
    })
    expect(timeouts(samApi(undefined, 60000))?.['rest GET /orders']).toBe(29000)
    expect(timeouts(samApi({ Type: 'EDGE' }, '60000'))?.['rest GET /orders']).toBe(29000)
  })
})
