import { describe, expect, it } from 'vitest'
import {
  type DashboardOptions,
  doctor,
  parseTemplate,
  toCloudFormationDashboard,
} from '../src/index.js'
import { cfnLint, cfnLintAvailable } from './cfn-lint.js'

const FUNCTION = {
  Type: 'AWS::Lambda::Function',
  Properties: {
    Runtime: 'nodejs22.x',
    Handler: 'index.handler',
    Role: 'arn:aws:iam::123456789012:role/fn',
    Code: { ZipFile: 'exports.handler = async () => ({ statusCode: 200 })' },
  },
}

const OPTIONS: DashboardOptions = {
  namespace: 'orders',
  service: 'orders-api',
  api: { type: 'rest', name: 'orders', stage: 'prod' },
  functions: [{ Ref: 'Orders' }],
  alarms: { actions: [{ Ref: 'Alerts' }] },
}

function templateWith(options: DashboardOptions) {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Resources: {
      Orders: FUNCTION,
      Alerts: { Type: 'AWS::SNS::Topic', Properties: {} },
      ...toCloudFormationDashboard(options),
    },
  }
}

type Body = { widgets: Array<{ type: string; properties: Record<string, unknown> }> }

function bodyOf(resources: ReturnType<typeof toCloudFormationDashboard>): Body {
  const sub = resources.GateproofDashboard?.Properties.DashboardBody as {
    'Fn::Sub': [string, object]
  }
  return JSON.parse(sub['Fn::Sub'][0]) as Body
}

describe('toCloudFormationDashboard (issue 17: dashboard and alarms)', () => {
  it('graphs the gateway, Lambda and every gateproof EMF metric by its bounded dimension', () => {
    const body = bodyOf(toCloudFormationDashboard(OPTIONS))
    const text = JSON.stringify(body)
    for (const metric of [
      '"Count"',
      '"4XXError"',
      '"5XXError"',
      '"Latency"',
      '"IntegrationLatency"',
    ]) {
      expect(text).toContain(metric)
    }
    for (const metric of ['"Throttles"', '"Errors"', '"ConcurrentExecutions"'])
      expect(text).toContain(metric)
    for (const [metric, dimension] of [
      ['Error', 'ErrorType'],
      ['Error', 'StatusCode'],
      ['LoadShed', 'Reason'],
      ['TimeoutGuard', 'Integration'],
      ['ProxyShapeViolation', 'Violation'],
    ]) {
      expect(text).toContain(
        `SELECT SUM(${metric}) FROM \\"orders\\" WHERE service = 'orders-api' GROUP BY ${dimension}`,
      )
    }
    expect(body.widgets.at(-1)).toMatchObject({ type: 'alarm' })
  })

  it('uses the HTTP API metric names (4xx, 5xx) and its ApiId dimension for an HTTP API', () => {
    const text = JSON.stringify(
      bodyOf(
        toCloudFormationDashboard({
          ...OPTIONS,
          api: { type: 'http', name: { Ref: 'Http' }, stage: '$default' },
        }),
      ),
    )
    expect(text).toMatch(/"ApiId","\$\{V\d+\}","Stage","\$default"/)
    expect(text).toContain('"4xx"')
    expect(text).not.toContain('4XXError')
  })

  it('makes the alarms the issue names, with their defaults: Throttles > 0, ProxyShapeViolation > 0, shed and timeout rates', () => {
    const resources = toCloudFormationDashboard(OPTIONS)
    expect(Object.keys(resources)).toEqual([
      'GateproofThrottles',
      'GateproofProxyShapeViolations',
      'GateproofLoadShed',
      'GateproofTimeouts',
      'GateproofDashboard',
    ])
    expect(resources.GateproofThrottles?.Properties).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Throttles',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'Orders' } }],
      Threshold: 0,
      AlarmActions: [{ Ref: 'Alerts' }],
    })
    expect(resources.GateproofLoadShed?.Properties).toMatchObject({
      Threshold: 10,
      DatapointsToAlarm: 5,
    })
    expect(resources.GateproofTimeouts?.Properties).toMatchObject({
      Threshold: 1,
      DatapointsToAlarm: 3,
      EvaluationPeriods: 5,
    })
    const off = toCloudFormationDashboard({
      ...OPTIONS,
      alarms: { shedPerMinute: false, timeoutsPerMinute: false },
    })
    expect(Object.keys(off)).toEqual([
      'GateproofThrottles',
      'GateproofProxyShapeViolations',
      'GateproofDashboard',
    ])
  })

  it('graphs AuthorizerOutcome by outcome and StreamError by Reason when asked, side by side', () => {
    const text = JSON.stringify(
      bodyOf(toCloudFormationDashboard({ ...OPTIONS, authorizer: true, streaming: true })),
    )
    expect(text).toContain('SELECT SUM(AuthorizerOutcome) FROM')
    expect(text).toContain('GROUP BY outcome')
    expect(text).toContain('SELECT SUM(StreamError) FROM')
    expect(JSON.stringify(bodyOf(toCloudFormationDashboard(OPTIONS)))).not.toContain('StreamError')
  })

  it('rejects unknown options and namespaces that would break a query', () => {
    expect(() => toCloudFormationDashboard({ ...OPTIONS, namespce: 'x' } as never)).toThrow(
      /unknown option "namespce"/,
    )
    expect(() => toCloudFormationDashboard({ ...OPTIONS, namespace: `x" OR 1=1` })).toThrow(
      /namespace/,
    )
    expect(() => toCloudFormationDashboard({ ...OPTIONS, alarms: { shedPerMinute: -1 } })).toThrow(
      /shedPerMinute/,
    )
    expect(() => toCloudFormationDashboard({ ...OPTIONS, period: 30 })).toThrow(/period/)
  })

  it(`keeps a literal \${ in a value out of Fn::Sub (escaped as \${!)`, () => {
    const resources = toCloudFormationDashboard({
      ...OPTIONS,
      api: { type: 'rest', name: `a\${b}`, stage: 'prod' },
    })
    expect(JSON.stringify(resources.GateproofDashboard)).toContain(`a\${!b}`)
  })

  it('its Throttles alarm satisfies doctor reserved-concurrency-unwatched (§2.1 throttled)', () => {
    const template = templateWith(OPTIONS)
    template.Resources.Orders = {
      ...FUNCTION,
      Properties: { ...FUNCTION.Properties, ReservedConcurrentExecutions: 10 },
    } as typeof FUNCTION
    const findings = doctor(parseTemplate(JSON.stringify(template)))
    expect(findings.filter((f) => f.rule === 'reserved-concurrency-unwatched')).toEqual([])
  })

  it.skipIf(!cfnLintAvailable)(
    'passes cfn-lint (skipped, with a warning, where cfn-lint is absent), REST and HTTP API variants',
    () => {
      expect(cfnLint(templateWith(OPTIONS))).toBe('')
      expect(
        cfnLint(
          templateWith({
            namespace: 'orders',
            functions: [{ Ref: 'Orders' }],
            api: { type: 'http', name: 'abc123', stage: '$default' },
            authorizer: true,
          }),
        ),
      ).toBe('')
    },
  )
})
