import { readFileSync } from 'node:fs'
import {
  type DashboardOptions,
  doctor,
  parseTemplate,
  toCloudFormationDashboard,
} from '@gateproof/observability'
import { describe, expect, it } from 'vitest'

const path = new URL('../template.yaml', import.meta.url)
const template = parseTemplate(readFileSync(path, 'utf8'), 'examples/authorizer/template.yaml')

/** What the template's dashboards and alarms were generated from: one dashboard per API. */
const DASHBOARDS: DashboardOptions[] = [
  {
    namespace: 'orders',
    idPrefix: 'GateproofRest',
    authorizer: true,
    api: { type: 'rest', name: { 'Fn::Sub': `\${AWS::StackName}-orders-rest` }, stage: 'prod' },
    functions: [{ Ref: 'RestOrdersFunction' }, { Ref: 'TokenAuthorizerFunction' }],
  },
  {
    namespace: 'orders',
    idPrefix: 'GateproofHttp',
    authorizer: true,
    api: { type: 'http', name: { Ref: 'OrdersHttpApi' }, stage: '$default' },
    functions: [{ Ref: 'HttpOrdersFunction' }, { Ref: 'HttpAuthorizerFunction' }],
    // The namespace-wide alarms live on the REST dashboard.
    alarms: { proxyShapeViolations: false, shedPerMinute: false, timeoutsPerMinute: false },
  },
]

describe('examples/authorizer/template.yaml under gateproof doctor (issue 17)', () => {
  it('reports only the intended authorizer-cache note: the TOKEN authorizer caches, and allow() widens its policy (AZ25)', () => {
    expect(doctor(template).map((f) => [f.severity, f.rule, f.resource])).toEqual([
      ['info', 'authorizer-cache', 'OrdersRestApi.TokenAuthorizer'],
    ])
  })

  it('carries exactly the dashboards and alarms toCloudFormationDashboard() makes for its two APIs', () => {
    for (const options of DASHBOARDS) {
      for (const [id, resource] of Object.entries(toCloudFormationDashboard(options))) {
        expect(template.resources[id], id).toEqual(resource)
      }
    }
  })
})
