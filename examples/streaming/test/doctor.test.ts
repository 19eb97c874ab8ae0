import { readFileSync } from 'node:fs'
import { gatewayResponses, toCloudFormation } from '@gateproof/gateway-responses'
import { doctor, parseTemplate, toCloudFormationDashboard } from '@gateproof/observability'
import { App } from 'aws-cdk-lib'
import { Template } from 'aws-cdk-lib/assertions'
import { describe, expect, it } from 'vitest'
import { StreamingStack } from '../src/stack.js'

const template = parseTemplate(
  readFileSync(new URL('../template.yaml', import.meta.url), 'utf8'),
  'examples/streaming/template.yaml',
)

describe('examples/streaming/template.yaml under gateproof doctor (issue 17)', () => {
  it('reports no finding: the STREAM integration, its URI and its 15-minute timeout agree (ST2, ST5, ST12)', () => {
    expect(doctor(template)).toEqual([])
  })

  it('carries exactly the generated gateway responses, dashboard and alarms', () => {
    const generated = {
      ...toCloudFormation(gatewayResponses(), { restApiId: { Ref: 'OrdersApi' } }),
      ...toCloudFormationDashboard({
        namespace: 'orders',
        service: 'orders-export',
        streaming: true,
        api: {
          type: 'rest',
          name: { 'Fn::Sub': `\${AWS::StackName}-orders-export` },
          stage: 'prod',
        },
        functions: [{ Ref: 'OrdersExportFunction' }],
      }),
    }
    for (const [id, resource] of Object.entries(generated)) {
      expect(template.resources[id], id).toEqual(resource)
    }
  })

  it('the CDK stack synthesises to a template doctor has nothing to report on either', () => {
    const synthesised = Template.fromStack(
      new StreamingStack(new App(), 'GateproofStreaming'),
    ).toJSON()
    expect(doctor(parseTemplate(JSON.stringify(synthesised), 'cdk'))).toEqual([])
  })
})
