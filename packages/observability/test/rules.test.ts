import { describe, expect, it } from 'vitest'
import { doctor, doctorRules, parseTemplate } from '../src/index.js'
import { cleanTemplate, findingsOf, props } from './helpers.js'

describe('the clean CloudFormation fixture', () => {
  it('has no finding: every rule below starts from it and breaks one thing', () => {
    expect(doctor(cleanTemplate())).toEqual([])
  })

  it('every rule has a stable kebab-case id, a summary and the facts rows it rests on', () => {
    for (const rule of doctorRules()) {
      expect(rule.id).toMatch(/^[a-z]+(-[a-z0-9]+)+$/)
      expect(rule.summary.length).toBeGreaterThan(20)
      expect(rule.facts.length).toBeGreaterThan(0)
    }
    expect(new Set(doctorRules().map((r) => r.id)).size).toBe(doctorRules().length)
  })
})

describe('rest-default-responses (§3.1, §3.2, §2.1 unhandled/REST)', () => {
  it('fires, as an error naming the API, when DEFAULT_5XX is missing', () => {
    const template = cleanTemplate()
    delete template.resources.GatewayResponseDefault5xx
    const [finding, ...rest] = findingsOf(template, 'rest-default-responses')
    expect(rest).toEqual([])
    expect(finding).toMatchObject({
      severity: 'error',
      resource: 'Api',
      facts: ['§2.1 unhandled/REST', '§3.1', '§3.2'],
    })
    expect(finding?.message).toContain('DEFAULT_5XX')
    expect(finding?.fix).toContain('@gateproof/gateway-responses')
  })

  it('does not fire when both come from an OpenAPI body (x-amazon-apigateway-gateway-responses)', () => {
    const template = cleanTemplate()
    const four = props(template, 'GatewayResponseDefault4xx')
    const five = props(template, 'GatewayResponseDefault5xx')
    delete template.resources.GatewayResponseDefault4xx
    delete template.resources.GatewayResponseDefault5xx
    const asOpenApi = (p: Record<string, unknown>) => ({
      statusCode: p.StatusCode,
      responseParameters: p.ResponseParameters,
      responseTemplates: p.ResponseTemplates,
    })
    props(template, 'Api').Body = {
      openapi: '3.0.1',
      'x-amazon-apigateway-gateway-responses': {
        DEFAULT_4XX: asOpenApi(four),
        DEFAULT_5XX: asOpenApi(five),
      },
    }
    expect(doctor(template)).toEqual([])
  })
})

describe('rest-throttle-hidden (§2.1 throttled/REST, §3.1 INTEGRATION_FAILURE/THROTTLED)', () => {
  it('warns when INTEGRATION_FAILURE is not customised: a Lambda throttle reaches the client as DEFAULT_5XX', () => {
    const template = cleanTemplate()
    delete template.resources.GatewayResponseIntegrationFailure
    const findings = findingsOf(template, 'rest-throttle-hidden')
    expect(findings).toMatchObject([{ severity: 'warning', resource: 'Api' }])
    expect(findings[0]?.message).toContain('502')
  })

  it.each(['500', '504', undefined])('errs when INTEGRATION_FAILURE answers %s', (status) => {
    const template = cleanTemplate()
    props(template, 'GatewayResponseIntegrationFailure').StatusCode = status
    if (status === undefined) delete props(template, 'GatewayResponseIntegrationFailure').StatusCode
    expect(findingsOf(template, 'rest-throttle-hidden')).toMatchObject([
      { severity: 'error', resource: 'GatewayResponseIntegrationFailure' },
    ])
  })

  it('errs when THROTTLED is not a 429, warns when INTEGRATION_TIMEOUT is not a 504', () => {
    const template = cleanTemplate()
    props(template, 'GatewayResponseThrottled').StatusCode = '503'
    props(template, 'GatewayResponseIntegrationTimeout').StatusCode = '500'
    expect(findingsOf(template, 'rest-throttle-hidden')).toMatchObject([
      { severity: 'error', resource: 'GatewayResponseThrottled' },
      { severity: 'warning', resource: 'GatewayResponseIntegrationTimeout' },
    ])
  })
})

describe('rest-response-contract (§3.3, §3.4, §6.1 x-amzn-ErrorType)', () => {
  it('fires for API Gateway\'s own {"message"} template without x-amzn-ErrorType', () => {
    const template = cleanTemplate()
    const p = props(template, 'GatewayResponseDefault4xx')
    p.ResponseTemplates = { 'application/json': '{"message":$context.error.messageString}' }
    p.ResponseParameters = {}
    const [finding] = findingsOf(template, 'rest-response-contract')
    expect(finding).toMatchObject({ severity: 'warning', resource: 'GatewayResponseDefault4xx' })
    expect(finding?.message).toMatch(
      /lacks status, errorType, requestId; it sets no x-amzn-ErrorType/,
    )
  })

  it('fires for a 503 without Retry-After, and not for the generated responses', () => {
    const template = cleanTemplate()
    expect(findingsOf(template, 'rest-response-contract')).toEqual([])
    const p = props(template, 'GatewayResponseIntegrationFailure')
    delete (p.ResponseParameters as Record<string, unknown>)['gatewayresponse.header.Retry-After']
    expect(findingsOf(template, 'rest-response-contract')[0]?.message).toContain(
      '503 without Retry-After',
    )
  })
})

describe('stage-logging (§2.1 malformed/REST, AZ32, ST11)', () => {
  it('fires for a REST stage with neither execution nor access logs, not for one with either', () => {
    const template = cleanTemplate()
    const stage = props(template, 'Stage')
    delete stage.AccessLogSetting
    expect(findingsOf(template, 'stage-logging')).toEqual([])
    delete stage.MethodSettings
    expect(findingsOf(template, 'stage-logging')).toMatchObject([
      { resource: 'Stage', severity: 'warning' },
    ])
  })

  it('fires for an HTTP API stage without access logs (HTTP APIs have no execution logs)', () => {
    const template = cleanTemplate()
    delete props(template, 'HttpStage').AccessLogSettings
    expect(findingsOf(template, 'stage-logging')).toMatchObject([{ resource: 'HttpStage' }])
  })

  it('reads a Deployment StageDescription as a stage', () => {
    const template = cleanTemplate()
    delete template.resources.Stage
    props(template, 'Deployment').StageName = 'prod'
    expect(findingsOf(template, 'stage-logging')).toMatchObject([{ resource: 'Deployment' }])
    props(template, 'Deployment').StageDescription = { LoggingLevel: 'INFO' }
    expect(findingsOf(template, 'stage-logging')).toEqual([])
  })
})

describe('access-log-format (§3.3 $context.error.responseType, AZ32)', () => {
  it('fires when the format lacks $context.integrationErrorMessage, naming what to add', () => {
    const template = cleanTemplate()
    const access = props(template, 'Stage').AccessLogSetting as Record<string, unknown>
    access.Format =
      '{"requestId":"$context.requestId","responseType":"$context.error.responseType"}'
    const [finding] = findingsOf(template, 'access-log-format')
    expect(finding).toMatchObject({ resource: 'Stage', severity: 'warning' })
    expect(finding?.fix).toContain('"integrationErrorMessage":"$context.integrationErrorMessage"')
  })

  it('reads formats written with !Sub', () => {
    const template = cleanTemplate()
    const access = props(template, 'HttpStage').AccessLogSettings as Record<string, unknown>
    access.Format = {
      'Fn::Sub': `{"a":"$context.integrationErrorMessage","b":"$context.error.responseType","s":"\${AWS::StackName}"}`,
    }
    expect(findingsOf(template, 'access-log-format')).toEqual([])
  })
})

describe('integration timeouts (IT1, IT2, §2.2, ST5)', () => {
  const integration = (template: ReturnType<typeof cleanTemplate>) =>
    props(template, 'OrdersGet').Integration as Record<string, unknown>

  it('integration-timeout-above-function: a raised REST timeout above the function timeout is an error', () => {
    const template = cleanTemplate()
    integration(template).TimeoutInMillis = 60_000
    expect(findingsOf(template, 'integration-timeout-above-function')).toMatchObject([
      { severity: 'error', resource: 'OrdersGet' },
    ])
    template.parameters.FunctionTimeout = { Type: 'Number', Default: 61 }
    expect(findingsOf(template, 'integration-timeout-above-function')).toEqual([])
    // A timeout doctor cannot resolve is not guessed at.
    props(template, 'Orders').Timeout = { 'Fn::If': ['Long', 900, 10] }
    template.parameters.FunctionTimeout = { Type: 'Number', Default: 1 }
    expect(findingsOf(template, 'integration-timeout-above-function')).toEqual([])
  })

  it('integration-timeout-edge: a raise on an edge-optimized API (the default endpoint type) is an error', () => {
    const template = cleanTemplate()
    delete props(template, 'Api').EndpointConfiguration
    expect(findingsOf(template, 'integration-timeout-edge')).toMatchObject([
      { resource: 'OrdersGet', severity: 'error' },
    ])
    integration(template).TimeoutInMillis = 29_000
    expect(findingsOf(template, 'integration-timeout-edge')).toEqual([])
  })

  it('integration-timeout-limit: HTTP API above 30 s, REST stream above 15 min, REST buffered above 300 s', () => {
    const template = cleanTemplate()
    props(template, 'HttpIntegration').TimeoutInMillis = 30_001
    Object.assign(integration(template), {
      TimeoutInMillis: 900_001,
      ResponseTransferMode: 'STREAM',
    })
    template.parameters.FunctionTimeout = { Type: 'Number', Default: 900 }
    expect(findingsOf(template, 'integration-timeout-limit')).toMatchObject([
      { resource: 'HttpIntegration', severity: 'error' },
      { resource: 'OrdersGet', severity: 'error' },
    ])
    Object.assign(integration(template), {
      TimeoutInMillis: 300_001,
      ResponseTransferMode: 'BUFFERED',
    })
    expect(findingsOf(template, 'integration-timeout-limit')).toMatchObject([
      { resource: 'HttpIntegration', severity: 'error' },
      { resource: 'OrdersGet', severity: 'warning' },
    ])
  })
})

describe('reserved-concurrency-unwatched (§2.1 throttled, §5 reserved concurrency)', () => {
  it('fires when nothing watches Throttles, and not when an alarm or a shedding limit below it does', () => {
    const template = cleanTemplate()
    delete template.resources.OrdersThrottles
    expect(findingsOf(template, 'reserved-concurrency-unwatched')).toMatchObject([
      { resource: 'Orders', severity: 'warning' },
    ])
    const rule = (limit: number) =>
      rulesOnly(doctor(template, { sheddingLimits: { Orders: limit } })).filter(
        (id) => id === 'reserved-concurrency-unwatched',
      )
    expect(rule(40)).toEqual([])
    expect(rule(50)).toEqual(['reserved-concurrency-unwatched'])
  })

  it('is an error at 0: Lambda throttles every invoke', () => {
    const template = cleanTemplate()
    props(template, 'Orders').ReservedConcurrentExecutions = 0
    expect(findingsOf(template, 'reserved-concurrency-unwatched')).toMatchObject([
      { severity: 'error' },
    ])
  })
})

const rulesOnly = (findings: { rule: string }[]) => findings.map((f) => f.rule)

describe('doctor options', () => {
  it('rejects unknown options and unknown rule ids up front', () => {
    expect(() => doctor(cleanTemplate(), { disabled: [] } as never)).toThrow(
      /unknown option "disabled"/,
    )
    expect(() => doctor(cleanTemplate(), { disable: ['nope'] })).toThrow(/unknown rule "nope"/)
    expect(() => doctor(cleanTemplate(), { sheddingLimits: { Orders: -1 } })).toThrow(
      /non-negative/,
    )
  })

  it('skips disabled rules', () => {
    const template = cleanTemplate()
    delete template.resources.GatewayResponseDefault5xx
    expect(doctor(template, { disable: ['rest-default-responses'] })).toEqual([])
  })
})

describe('authorizer-cache (AZ23, AZ24, AZ25, AZ35)', () => {
  it("notes a REST TOKEN authorizer left at API Gateway's default 300 s cache, pointing at the cache-safe allow()", () => {
    const template = cleanTemplate()
    template.resources.Auth = {
      Type: 'AWS::ApiGateway::Authorizer',
      Properties: {
        RestApiId: { Ref: 'Api' },
        Type: 'TOKEN',
        IdentitySource: 'method.request.header.Authorization',
        AuthorizerUri: 'arn:aws:apigateway:eu-west-1:lambda:path/x',
      },
    }
    const [finding] = findingsOf(template, 'authorizer-cache')
    expect(finding).toMatchObject({ severity: 'info', resource: 'Auth' })
    expect(finding?.message).toContain("300 s, API Gateway's default when no TTL is set")
    expect(finding?.fix).toContain('cacheTtlSeconds: 300')
    props(template, 'Auth').AuthorizerResultTtlInSeconds = 0
    expect(findingsOf(template, 'authorizer-cache')).toEqual([])
  })

  it('does not note a Cognito authorizer, and reads SAM Auth.Authorizers with ReauthorizeEvery', () => {
    const template = cleanTemplate()
    template.resources.Cognito = {
      Type: 'AWS::ApiGateway::Authorizer',
      Properties: { RestApiId: { Ref: 'Api' }, Type: 'COGNITO_USER_POOLS', ProviderARNs: ['x'] },
    }
    expect(findingsOf(template, 'authorizer-cache')).toEqual([])
    template.resources.SamApi = {
      Type: 'AWS::Serverless::Api',
      Properties: {
        StageName: 'prod',
        Auth: {
          Authorizers: { Token: { FunctionArn: 'arn', Identity: { ReauthorizeEvery: 60 } } },
        },
      },
    }
    expect(findingsOf(template, 'authorizer-cache')).toMatchObject([{ resource: 'SamApi.Token' }])
  })
})

describe('authorizer-identity-source (AZ24, AZ35)', () => {
  const httpAuthorizer = (identitySource: string[]) => ({
    Type: 'AWS::ApiGatewayV2::Authorizer',
    Properties: {
      ApiId: { Ref: 'HttpApi' },
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      AuthorizerResultTtlInSeconds: 300,
      IdentitySource: identitySource,
      Name: 'auth',
    },
  })

  it('warns when a cached HTTP API authorizer is keyed without $context.routeKey, and not with it', () => {
    const template = cleanTemplate()
    template.resources.HttpAuth = httpAuthorizer(['$request.header.Authorization'])
    expect(findingsOf(template, 'authorizer-identity-source')).toMatchObject([
      { severity: 'warning', resource: 'HttpAuth' },
    ])
    template.resources.HttpAuth = httpAuthorizer([
      '$request.header.Authorization',
      '$context.routeKey',
    ])
    expect(findingsOf(template, 'authorizer-identity-source')).toEqual([])
  })

  it('errs for a cached REST REQUEST authorizer without any identity source', () => {
    const template = cleanTemplate()
    template.resources.Auth = {
      Type: 'AWS::ApiGateway::Authorizer',
      Properties: { RestApiId: { Ref: 'Api' }, Type: 'REQUEST', AuthorizerResultTtlInSeconds: 60 },
    }
    expect(findingsOf(template, 'authorizer-identity-source')).toMatchObject([
      { severity: 'error', resource: 'Auth' },
    ])
  })
})

describe('streaming-transfer-mode (ST2, ST12)', () => {
  it('errs for STREAM on the buffered invocations URI, and for the streaming URI without STREAM', () => {
    const template = cleanTemplate()
    const integration = props(template, 'OrdersGet').Integration as Record<string, unknown>
    integration.ResponseTransferMode = 'STREAM'
    expect(findingsOf(template, 'streaming-transfer-mode')).toMatchObject([
      { resource: 'OrdersGet' },
    ])
    integration.Uri = {
      'Fn::Sub': `arn:\${AWS::Partition}:apigateway:\${AWS::Region}:lambda:path/2021-11-15/functions/\${Orders.Arn}/response-streaming-invocations`,
    }
    expect(findingsOf(template, 'streaming-transfer-mode')).toEqual([])
    delete integration.ResponseTransferMode
    expect(findingsOf(template, 'streaming-transfer-mode')[0]?.message).toContain(
      'without ResponseTransferMode: STREAM',
    )
  })
})

describe('function-url-auth (§2.1 missing permission/FURL: 403)', () => {
  it('errs for a public URL without lambda:InvokeFunctionUrl and lambda:InvokeFunction for "*"', () => {
    const template = cleanTemplate()
    props(template, 'OrdersUrl').AuthType = 'NONE'
    const [finding] = findingsOf(template, 'function-url-auth')
    expect(finding?.message).toContain('lambda:InvokeFunctionUrl and lambda:InvokeFunction')
    template.resources.UrlPermission = {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunctionUrl',
        FunctionName: { Ref: 'Orders' },
        Principal: '*',
        FunctionUrlAuthType: 'NONE',
      },
    }
    expect(findingsOf(template, 'function-url-auth')[0]?.message).toMatch(
      /grants lambda:InvokeFunction to/,
    )
    template.resources.InvokePermission = {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: { Ref: 'Orders' },
        Principal: '*',
      },
    }
    expect(findingsOf(template, 'function-url-auth')).toEqual([])
  })
})

describe('alb-multi-value-headers (A2)', () => {
  it('notes a Lambda target group with multi-value headers on, and not one with them off', () => {
    const template = cleanTemplate()
    const attributes = [{ Key: 'lambda.multi_value_headers.enabled', Value: 'true' }]
    template.resources.Targets = {
      Type: 'AWS::ElasticLoadBalancingV2::TargetGroup',
      Properties: {
        TargetType: 'lambda',
        Targets: [{ Id: { 'Fn::GetAtt': ['Orders', 'Arn'] } }],
        TargetGroupAttributes: attributes,
      },
    }
    expect(findingsOf(template, 'alb-multi-value-headers')).toMatchObject([
      { severity: 'info', resource: 'Targets' },
    ])
    attributes[0]!.Value = 'false'
    expect(findingsOf(template, 'alb-multi-value-headers')).toEqual([])
  })
})

describe('log-retention (functions behind a front door)', () => {
  it(`warns when the function has no log group with a retention, and accepts /aws/lambda/\${Fn} by name`, () => {
    const template = cleanTemplate()
    delete props(template, 'Orders').LoggingConfig
    expect(findingsOf(template, 'log-retention')).toMatchObject([
      { resource: 'Orders', severity: 'warning' },
    ])
    props(template, 'OrdersLogs').LogGroupName = { 'Fn::Sub': `/aws/lambda/\${Orders}` }
    expect(findingsOf(template, 'log-retention')).toEqual([])
  })

  it("accepts CDK's logRetention custom resource for /aws/lambda/<function>", () => {
    const template = cleanTemplate()
    delete props(template, 'Orders').LoggingConfig
    template.resources.OrdersLogRetention = {
      Type: 'Custom::LogRetention',
      Properties: {
        ServiceToken: 'arn',
        LogGroupName: { 'Fn::Join': ['', ['/aws/lambda/', { Ref: 'Orders' }]] },
        RetentionInDays: 30,
      },
    }
    expect(findingsOf(template, 'log-retention')).toEqual([])
  })

  it('ignores functions no front door invokes (e.g. CDK custom-resource handlers)', () => {
    const template = cleanTemplate()
    template.resources.Helper = {
      Type: 'AWS::Lambda::Function',
      Properties: { Runtime: 'nodejs22.x', Handler: 'i.h', Role: 'r', Code: { ZipFile: 'x' } },
    }
    expect(findingsOf(template, 'log-retention')).toEqual([])
  })
})

describe('alarms-missing (§2.1, §7.1)', () => {
  it('notes a template with front-door functions and no ProxyShapeViolation alarm', () => {
    const template = cleanTemplate()
    delete template.resources.OrdersProxyShapeViolations
    const [finding] = findingsOf(template, 'alarms-missing')
    expect(finding).toMatchObject({ severity: 'info', resource: 'Orders' })
    expect(finding?.message).toContain('ProxyShapeViolation')
    expect(finding?.fix).toContain('toCloudFormationDashboard')
  })
})

describe('real-shaped fixtures: SAM and synthesized CDK, as they were before issue 17', () => {
  it('the SAM REST API as most start (sam-bare.yaml): what it lacks, by rule', () => {
    expect(rulesOnly(doctor(cleanTemplate('sam-bare.yaml')))).toEqual([
      'rest-default-responses',
      'log-retention',
      'reserved-concurrency-unwatched',
      'rest-throttle-hidden',
      'stage-logging',
      'stage-logging',
      'alarms-missing',
    ])
  })

  it('the CDK example synthesized before its fix: gateway responses fine, logs and alarms missing', () => {
    const findings = doctor(cleanTemplate('cdk-orders-api.template.json'))
    expect(findings.map((f) => [f.rule, f.resource])).toEqual([
      ['log-retention', 'OrdersA9B65338'],
      ['stage-logging', 'OrdersApiDeploymentStageprod80C33D00'],
      ['alarms-missing', 'OrdersA9B65338'],
    ])
  })
})

describe('SAM as SAM deploys it: implicit APIs and Globals', () => {
  const implicit = (globals: string) =>
    parseTemplate(`
Transform: AWS::Serverless-2016-10-31
Globals:
${globals}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs22.x
      Events:
        Rest: { Type: Api, Properties: { Path: /a, Method: get } }
        Http: { Type: HttpApi, Properties: { Path: /b, Method: get, TimeoutInMillis: 31000 } }
`)

  it('checks the implicit ServerlessRestApi (Prod and the extra Stage stage) and ServerlessHttpApi', () => {
    const findings = doctor(implicit('  Function: { Timeout: 10 }'))
    const on = (rule: string) => findings.filter((f) => f.rule === rule).map((f) => f.resource)
    expect(on('rest-default-responses')).toEqual(['ServerlessRestApi'])
    expect(on('stage-logging').sort()).toEqual([
      'ServerlessHttpApi',
      'ServerlessRestApi',
      'ServerlessRestApi',
    ])
    expect(on('integration-timeout-limit')).toEqual(['Fn'])
  })

  it('applies Globals.Api and Globals.HttpApi to the implicit APIs', () => {
    const access = `{ DestinationArn: arn:aws:logs:eu-west-1:1:log-group:x, Format: '{"a":"$context.integrationErrorMessage","b":"$context.error.responseType"}' }`
    const findings = doctor(
      implicit(`  Api:
    OpenApiVersion: "3.0"
    AccessLogSetting: ${access}
  HttpApi:
    AccessLogSettings: ${access}`),
    )
    expect(findings.filter((f) => f.rule === 'stage-logging')).toEqual([])
  })
})
