import { describe, expect, it } from 'vitest'
import { doctor, doctorRules } from '../src/index.js'
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
    expect(doctor(template, { sheddingLimits: { Orders: 40 } })).toEqual([])
    expect(rulesOnly(doctor(template, { sheddingLimits: { Orders: 50 } }))).toEqual([
      'reserved-concurrency-unwatched',
    ])
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
