import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { doctor, loadTemplates, type Template } from '@gateproof/observability'
import { App } from 'aws-cdk-lib'
import { Template as CdkTemplate } from 'aws-cdk-lib/assertions'
import { beforeAll, describe, expect, it } from 'vitest'
import { cfnLint, cfnLintAvailable } from '../../../packages/observability/test/cfn-lint.js'
import { OrdersApiStack } from '../src/stack.js'

describe('the CDK example, synthesised to a cloud assembly (issue 17: doctor, dashboard, alarms)', () => {
  let stack: OrdersApiStack
  let templates: Template[]
  beforeAll(async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'gateproof-cdk-example-'))
    const app = new App({ outdir })
    stack = new OrdersApiStack(app, 'GateproofOrdersApi')
    app.synth()
    templates = await loadTemplates(outdir)
  })

  it('gateproof doctor cdk.out reports no finding for its one stack', () => {
    expect(templates).toHaveLength(1)
    expect(doctor(templates[0]!)).toEqual([])
  })

  it('carries the gateproof dashboard and its four alarms', () => {
    const template = CdkTemplate.fromStack(stack)
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1)
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4)
  })

  it.skipIf(!cfnLintAvailable)(
    'passes cfn-lint (skipped, with a warning, where it is absent)',
    () => {
      // W3005 is CDK's own DependsOn on the function's role.
      expect(cfnLint(CdkTemplate.fromStack(stack).toJSON(), ['W3005'])).toBe('')
    },
  )
})
