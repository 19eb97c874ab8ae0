/**
 * One CloudWatch dashboard per API and the alarms that matter, from gateproof's EMF metrics
 * (`Error`, `LoadShed`, `TimeoutGuard`, `ProxyShapeViolation`, written by Powertools into the
 * namespace of your `Metrics` instance, dimensions DESIGN.md "Telemetry") plus API Gateway's
 * and Lambda's own metrics.
 *
 * gateproof's metrics carry open-ended dimension sets (Powertools' `service` plus each part's
 * bounded dimensions), so widgets and alarms read them with Metrics Insights queries, which
 * match every dimension combination and group by one.
 */

/** A string, or a CloudFormation intrinsic (`{ Ref }`, `{ 'Fn::GetAtt' }`, `{ 'Fn::Sub' }`…). */
export type CloudFormationValue = string | { [intrinsic: string]: unknown }

export interface DashboardApi {
  /** `rest` (metrics by ApiName and Stage) or `http` (HTTP API, by ApiId and Stage). */
  type: 'rest' | 'http'
  /** REST: the API's name (`ApiName` dimension). HTTP API: its id (`ApiId`). */
  name: CloudFormationValue
  stage: CloudFormationValue
}

export interface DashboardAlarmOptions {
  /** SNS topic ARNs (or other alarm actions) notified on ALARM. Default none. */
  actions?: CloudFormationValue[]
  /** Lambda `Throttles` > 0 in a minute, per function. Default on. */
  throttles?: boolean
  /** `ProxyShapeViolation` > 0 in a minute: a handler shipped a response the gateway rejects. Default on. */
  proxyShapeViolations?: boolean
  /** Sheds per minute above which the shed alarm fires (5 minutes in a row). Default 10; `false` turns it off. */
  shedPerMinute?: number | false
  /** Timeout-guard answers per minute above which the timeout alarm fires (3 of 5 minutes). Default 1; `false` off. */
  timeoutsPerMinute?: number | false
}

export interface DashboardOptions {
  /** The EMF namespace gateproof's metrics go to: your Powertools `Metrics` namespace. */
  namespace: string
  /** Powertools `service` dimension to filter on; all services in the namespace when absent. */
  service?: string
  /** The API this dashboard is for; none for a Function URL or ALB target. */
  api?: DashboardApi
  /** Lambda function names (`{ Ref: Fn }` in CloudFormation). */
  functions?: CloudFormationValue[]
  /** The dashboard's name. Default: CloudFormation names it. */
  dashboardName?: CloudFormationValue
  /** Logical-id prefix of the generated resources. Default `Gateproof`. */
  idPrefix?: string
  /** Seconds per data point. Default 60. */
  period?: number
  /** Also graph `@gateproof/authorizer`'s `AuthorizerOutcome` by outcome. Default false. */
  authorizer?: boolean
  /** Also graph `StreamError` (streams that ended early or were replaced) by reason. Default false. */
  streaming?: boolean
  alarms?: DashboardAlarmOptions | false
}

export interface CloudFormationResource {
  Type: string
  Properties: Record<string, unknown>
}

const KNOWN = new Set([
  'namespace',
  'service',
  'api',
  'functions',
  'dashboardName',
  'idPrefix',
  'period',
  'authorizer',
  'streaming',
  'alarms',
])
const KNOWN_ALARMS = new Set([
  'actions',
  'throttles',
  'proxyShapeViolations',
  'shedPerMinute',
  'timeoutsPerMinute',
])
// Namespaces and services are quoted into Metrics Insights queries: keep them to what EMF allows.
const SAFE_NAME = /^[A-Za-z0-9_./#:-]{1,255}$/
const ID_PREFIX = /^[A-Za-z][A-Za-z0-9]{0,200}$/

function fail(message: string): never {
  throw new TypeError(`@gateproof/observability: ${message}`)
}

export function validateDashboardOptions(options: DashboardOptions): void {
  if (typeof options !== 'object' || options === null) fail('options must be an object')
  for (const key of Object.keys(options)) if (!KNOWN.has(key)) fail(`unknown option "${key}"`)
  if (typeof options.namespace !== 'string' || !SAFE_NAME.test(options.namespace)) {
    fail('option "namespace" must be a metric namespace (letters, digits, _ . / # : -)')
  }
  if (options.service !== undefined && !SAFE_NAME.test(String(options.service))) {
    fail('option "service" must be a plain service name')
  }
  if (options.idPrefix !== undefined && !ID_PREFIX.test(options.idPrefix)) {
    fail('option "idPrefix" must be alphanumeric and start with a letter')
  }
  if (options.period !== undefined && !(options.period >= 60 && options.period % 60 === 0)) {
    fail('option "period" must be a multiple of 60 seconds')
  }
  if (options.api !== undefined && options.api.type !== 'rest' && options.api.type !== 'http') {
    fail('option "api.type" must be "rest" or "http"')
  }
  if (options.alarms) {
    for (const key of Object.keys(options.alarms)) {
      if (!KNOWN_ALARMS.has(key)) fail(`unknown option "alarms.${key}"`)
    }
    for (const key of ['shedPerMinute', 'timeoutsPerMinute'] as const) {
      const value = options.alarms[key]
      if (value !== undefined && value !== false && !(typeof value === 'number' && value >= 0)) {
        fail(`option "alarms.${key}" must be a non-negative number or false`)
      }
    }
  }
}

/** How a value becomes text inside the dashboard body: a placeholder (CloudFormation) or itself (CDK tokens). */
export type Embed = (value: CloudFormationValue) => string

interface AlarmSpec {
  id: string
  title: string
  properties: Record<string, unknown>
}

/** Metrics Insights: `SELECT SUM(metric) FROM "namespace" [WHERE service = '…'] [GROUP BY dim]`. */
function insights(options: DashboardOptions, metric: string, groupBy?: string): string {
  const where = options.service === undefined ? '' : ` WHERE service = '${options.service}'`
  const group = groupBy === undefined ? '' : ` GROUP BY ${groupBy}`
  return `SELECT SUM(${metric}) FROM "${options.namespace}"${where}${group}`
}

/** The alarms, as CloudFormation `AWS::CloudWatch::Alarm` properties. */
export function alarmSpecs(options: DashboardOptions): AlarmSpec[] {
  if (options.alarms === false) return []
  const alarms = options.alarms ?? {}
  const prefix = options.idPrefix ?? 'Gateproof'
  const actions = alarms.actions ?? []
  const common = {
    ...(actions.length > 0 ? { AlarmActions: actions, OKActions: actions } : {}),
    TreatMissingData: 'notBreaching',
    ComparisonOperator: 'GreaterThanThreshold',
  }
  const specs: AlarmSpec[] = []
  const query = (
    metric: string,
    threshold: number,
    evaluation: [number, number],
    what: string,
  ) => ({
    ...common,
    AlarmDescription: what,
    Metrics: [{ Id: 'q1', Expression: insights(options, metric), Period: 60, ReturnData: true }],
    Threshold: threshold,
    EvaluationPeriods: evaluation[1],
    DatapointsToAlarm: evaluation[0],
  })
  if (alarms.throttles !== false) {
    ;(options.functions ?? []).forEach((fn, index) => {
      specs.push({
        id: `${prefix}Throttles${index === 0 ? '' : index + 1}`,
        title: 'Lambda Throttles > 0',
        properties: {
          ...common,
          AlarmDescription:
            'Lambda throttled invokes: REST clients saw 500, ALB 502, Function URL 429 (gateway-facts §2.1). Raise reserved concurrency or shed earlier with a fleet-wide limiter.',
          Namespace: 'AWS/Lambda',
          MetricName: 'Throttles',
          Dimensions: [{ Name: 'FunctionName', Value: fn }],
          Statistic: 'Sum',
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 0,
        },
      })
    })
  }
  if (alarms.proxyShapeViolations !== false) {
    specs.push({
      id: `${prefix}ProxyShapeViolations`,
      title: 'ProxyShapeViolation > 0',
      properties: query(
        'ProxyShapeViolation',
        0,
        [1, 1],
        'A handler returned a response its front door would reject (a bug shipped); proxy-shape repaired or replaced it. Find the Violation dimension and the log line, fix the handler.',
      ),
    })
  }
  if (alarms.shedPerMinute !== false) {
    specs.push({
      id: `${prefix}LoadShed`,
      title: `LoadShed > ${alarms.shedPerMinute ?? 10}/min`,
      properties: query(
        'LoadShed',
        alarms.shedPerMinute ?? 10,
        [5, 5],
        'The load shedder refused requests with 429/503 for 5 minutes: demand is above capacity. Check the Reason dimension; scale or raise the limit.',
      ),
    })
  }
  if (alarms.timeoutsPerMinute !== false) {
    specs.push({
      id: `${prefix}Timeouts`,
      title: `TimeoutGuard > ${alarms.timeoutsPerMinute ?? 1}/min`,
      properties: query(
        'TimeoutGuard',
        alarms.timeoutsPerMinute ?? 1,
        [3, 5],
        'The timeout guard answered 504/503 before the gateway deadline in 3 of 5 minutes: a dependency is slow. Check IntegrationLatency and the handler’s downstream calls.',
      ),
    })
  }
  return specs
}

type Widget = Record<string, unknown>

/**
 * The dashboard body (CloudWatch dashboard body structure). `embed` turns a value that is not
 * a plain string into text; `alarmArns` are already embedded.
 */
export function dashboardBody(
  options: DashboardOptions,
  embed: Embed,
  region: string,
  alarmArns: string[],
): Record<string, unknown> {
  const period = options.period ?? 60
  const widgets: Widget[] = []
  let y = 0
  const row = (
    ...items: Array<{ title: string; metrics: unknown[]; stat?: string; w?: number }>
  ) => {
    let x = 0
    for (const item of items) {
      const width = item.w ?? Math.floor(24 / items.length)
      widgets.push({
        type: 'metric',
        x,
        y,
        width,
        height: 6,
        properties: {
          title: item.title,
          region,
          period,
          stat: item.stat ?? 'Sum',
          view: 'timeSeries',
          stacked: false,
          metrics: item.metrics,
        },
      })
      x += width
    }
    y += 6
  }
  const text = (markdown: string) => {
    widgets.push({ type: 'text', x: 0, y, width: 24, height: 2, properties: { markdown } })
    y += 2
  }
  const query = (metric: string, groupBy: string, label: string) => [
    { expression: insights(options, metric, groupBy), id: 'q1', label },
  ]

  text(
    `# gateproof — ${options.namespace}${options.service ? ` / ${options.service}` : ''}\nGateway responses, function health and what gateproof did about it. Each alarm's description says what to do when it fires.`,
  )
  const { api } = options
  if (api !== undefined) {
    const dims =
      api.type === 'rest'
        ? ['ApiName', embed(api.name), 'Stage', embed(api.stage)]
        : ['ApiId', embed(api.name), 'Stage', embed(api.stage)]
    const [m4, m5] = api.type === 'rest' ? ['4XXError', '5XXError'] : ['4xx', '5xx']
    row(
      {
        title: 'API Gateway: requests, 4XX, 5XX',
        metrics: [
          ['AWS/ApiGateway', 'Count', ...dims],
          ['AWS/ApiGateway', m4, ...dims],
          ['AWS/ApiGateway', m5, ...dims],
        ],
      },
      {
        title: 'API Gateway: Latency and IntegrationLatency (p99)',
        stat: 'p99',
        metrics: [
          ['AWS/ApiGateway', 'Latency', ...dims],
          ['AWS/ApiGateway', 'IntegrationLatency', ...dims],
        ],
      },
    )
  }
  const functions = options.functions ?? []
  if (functions.length > 0) {
    const perFunction = (metric: string) =>
      functions.map((fn) => ['AWS/Lambda', metric, 'FunctionName', embed(fn)])
    row(
      { title: 'Lambda: Throttles', metrics: perFunction('Throttles') },
      { title: 'Lambda: Errors', metrics: perFunction('Errors') },
      {
        title: 'Lambda: ConcurrentExecutions (max)',
        stat: 'Maximum',
        metrics: perFunction('ConcurrentExecutions'),
      },
    )
  }
  row(
    { title: 'gateproof: Error by ErrorType', metrics: query('Error', 'ErrorType', '') },
    { title: 'gateproof: Error by StatusCode', metrics: query('Error', 'StatusCode', '') },
  )
  row(
    { title: 'gateproof: LoadShed by Reason', metrics: query('LoadShed', 'Reason', '') },
    {
      title: 'gateproof: TimeoutGuard by Integration',
      metrics: query('TimeoutGuard', 'Integration', ''),
    },
    {
      title: 'gateproof: ProxyShapeViolation by Violation',
      metrics: query('ProxyShapeViolation', 'Violation', ''),
    },
  )
  const extras = [
    ...(options.authorizer
      ? [
          {
            title: 'gateproof: AuthorizerOutcome by outcome',
            metrics: query('AuthorizerOutcome', 'outcome', ''),
          },
        ]
      : []),
    ...(options.streaming
      ? [{ title: 'gateproof: StreamError by Reason', metrics: query('StreamError', 'Reason', '') }]
      : []),
  ]
  if (extras.length > 0) row(...extras)
  if (alarmArns.length > 0) {
    widgets.push({
      type: 'alarm',
      x: 0,
      y,
      width: 24,
      height: 3,
      properties: { title: 'gateproof alarms', alarms: alarmArns },
    })
  }
  return { widgets }
}

/**
 * CloudFormation resources: one `AWS::CloudWatch::Dashboard` and its alarms, to merge into a
 * template's `Resources`. Values may be intrinsics (`{ Ref: 'OrdersFunction' }`); the
 * dashboard body then becomes an `Fn::Sub`.
 */
export function toCloudFormationDashboard(
  options: DashboardOptions,
): Record<string, CloudFormationResource> {
  validateDashboardOptions(options)
  const prefix = options.idPrefix ?? 'Gateproof'
  const variables: Record<string, unknown> = {}
  const names = new Map<string, string>()
  const embed: Embed = (value) => {
    if (typeof value === 'string') return value.replaceAll(`\${`, `\${!`)
    const key = JSON.stringify(value)
    let name = names.get(key)
    if (name === undefined) {
      name = `V${names.size}`
      names.set(key, name)
      variables[name] = value
    }
    return `\${${name}}`
  }
  const resources: Record<string, CloudFormationResource> = {}
  const alarms = alarmSpecs(options)
  for (const alarm of alarms) {
    resources[alarm.id] = { Type: 'AWS::CloudWatch::Alarm', Properties: alarm.properties }
  }
  const body = JSON.stringify(
    dashboardBody(
      options,
      embed,
      `\${AWS::Region}`,
      alarms.map((alarm) => embed({ 'Fn::GetAtt': [alarm.id, 'Arn'] })),
    ),
  )
  resources[`${prefix}Dashboard`] = {
    Type: 'AWS::CloudWatch::Dashboard',
    Properties: {
      ...(options.dashboardName === undefined ? {} : { DashboardName: options.dashboardName }),
      DashboardBody: { 'Fn::Sub': [body, variables] },
    },
  }
  return resources
}
