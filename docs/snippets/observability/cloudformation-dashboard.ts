import { toCloudFormationDashboard } from '@gateproof/observability'

// Resources to merge into a template's Resources: the dashboard and its alarms.
export const resources = toCloudFormationDashboard({
  namespace: 'orders', // your Powertools Metrics namespace
  service: 'orders-api', // its service name (optional filter)
  api: { type: 'rest', name: 'orders-api', stage: 'prod' },
  functions: [{ Ref: 'OrdersFunction' }],
  alarms: { actions: [{ Ref: 'AlertsTopic' }] },
})
