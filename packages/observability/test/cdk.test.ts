import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { App, Stack } from 'aws-cdk-lib'
import { Match, Template } from 'aws-cdk-lib/assertions'
import { LambdaIntegration, RestApi } from 'aws-cdk-lib/aws-apigateway'
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda'
import { Topic } from 'aws-cdk-lib/aws-sns'
import { describe, expect, it } from 'vitest'
import { GateproofDashboard } from '../src/cdk.js'
import { doctor, loadTemplates } from '../src/index.js'
import { cfnLint, cfnLintAvailable } from './cfn-lint.js'

function stack(outdir?: string) {
  const app = new App(outdir === undefined ? {} : { outdir })
  const s = new Stack(app, 'Orders')
  const fn = new LambdaFunction(s, 'Handler', {
    runtime: Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "[]" })'),
    reservedConcurrentExecutions: 20,
  })
  const api = new RestApi(s, 'Api')
  api.root.addMethod('GET', new LambdaIntegration(fn))
  const dashboard = new GateproofDashboard(s, 'Gateproof', {
    namespace: 'orders',
    service: 'orders-api',
    functions: [fn],
    restApi: api,
    alarmActions: [new Topic(s, 'Alerts').topicArn],
  })
  return { app, stack: s, fn, dashboard }
}

describe('GateproofDashboard (the @gateproof/observability/cdk construct), synthesised with aws-cdk-lib', () => {
  it('synthesises one dashboard and the four alarms, wired to the function, API and topic tokens', () => {
    const { stack: s } = stack()
    const template = Template.fromStack(s)
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1)
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4)
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Throttles',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^Handler') } }],
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alerts') }],
    })
    const body = JSON.stringify(
      Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0]?.Properties
        .DashboardBody,
    )
    expect(body).toContain('SELECT SUM(LoadShed) FROM')
    expect(body).toContain('AWS::Region')
  })

  it('its synthesised stack passes doctor reserved-concurrency-unwatched through a cloud assembly read by loadTemplates', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'gateproof-cdk-'))
    stack(outdir).app.synth()
    const [template, ...others] = await loadTemplates(outdir)
    expect(others).toEqual([])
    expect(template?.source).toMatch(/#Orders$/)
    const rules = doctor(template!).map((f) => f.rule)
    expect(rules).not.toContain('reserved-concurrency-unwatched')
    // The bare RestApi has no gateway responses (§3.2): doctor says so.
    expect(rules).toContain('rest-default-responses')
  })

  it('refuses two APIs on one dashboard', () => {
    const s = new Stack(new App(), 'S')
    const api = new RestApi(s, 'Api')
    api.root.addMethod('GET')
    expect(
      () =>
        new GateproofDashboard(s, 'D', { namespace: 'n', restApi: api, httpApi: { apiId: 'x' } }),
    ).toThrow(/one dashboard per API/)
  })

  it.skipIf(!cfnLintAvailable)(
    'the synthesised template passes cfn-lint (skipped, with a warning, where it is absent)',
    () => {
      // W3005 is CDK's own DependsOn on the function's role, not something this construct made.
      expect(cfnLint(Template.fromStack(stack().stack).toJSON(), ['W3005'])).toBe('')
    },
  )
})
