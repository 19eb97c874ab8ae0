import { readFileSync } from 'node:fs'
import { gatewayResponses, toSam } from '@gateproof/gateway-responses'
import {
  type DashboardOptions,
  doctor,
  parseTemplate,
  toCloudFormationDashboard,
} from '@gateproof/observability'
import { describe, expect, it } from 'vitest'
import {
  cfnLint,
  cfnLintAvailable,
  samTranslate,
} from '../../../packages/observability/test/cfn-lint.js'

const path = new URL('../template.yaml', import.meta.url)
const template = parseTemplate(readFileSync(path, 'utf8'), 'examples/rest-api/template.yaml')

/** What the template's dashboard and alarms were generated from. */
const DASHBOARD: DashboardOptions = {
  namespace: 'orders',
  service: 'orders-api',
  api: { type: 'rest', name: { 'Fn::Sub': `\${AWS::StackName}-orders` }, stage: 'prod' },
  functions: [{ Ref: 'GetOrderFunction' }],
}

describe('examples/rest-api/template.yaml (issue 17: doctor finds nothing, dashboard and alarms in)', () => {
  it('gateproof doctor reports no finding at all', () => {
    expect(doctor(template)).toEqual([])
  })

  it('its gateway responses are exactly toSam(gatewayResponses()) (rest-default-responses, rest-throttle-hidden)', () => {
    const api = template.resources.OrdersApi?.Properties
    expect({ GatewayResponses: api?.GatewayResponses }).toEqual(toSam(gatewayResponses()))
  })

  it('its dashboard and alarms are exactly toCloudFormationDashboard() for the function and API', () => {
    for (const [id, resource] of Object.entries(toCloudFormationDashboard(DASHBOARD))) {
      expect(template.resources[id], id).toEqual(resource)
    }
  })

  it.skipIf(!cfnLintAvailable)(
    'SAM translates it, and the CloudFormation SAM makes passes cfn-lint',
    () => {
      // As `sam build && sam package` leave it: the function's code uploaded to S3.
      const resources = structuredClone(template.resources)
      resources.GetOrderFunction!.Properties!.CodeUri = 's3://gateproof-example/get-order.zip'
      const document = {
        AWSTemplateFormatVersion: '2010-09-09',
        Transform: 'AWS::Serverless-2016-10-31',
        Globals: template.globals,
        Resources: resources,
      }
      const translated = samTranslate(document)
      expect(cfnLint(translated)).toBe('')
      // doctor reads SAM's output the same way: nothing to report either.
      expect(doctor(parseTemplate(JSON.stringify(translated)))).toEqual([])
    },
  )
})
