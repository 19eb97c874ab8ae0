import type { Severity } from './findings.js'
import type { DeploymentModel, GatewayResponseModel, HttpApiModel, RestApiModel } from './model.js'
import { referencedId, referencedIds, stringsIn } from './values.js'

export interface DoctorOptions {
  /**
   * Fleet-wide shedding limits (e.g. a `@gateproof/redis-limiter` concurrency limit) by
   * function logical id. A limit below the function's reserved concurrency means clients get
   * gateproof's 429 before Lambda throttles (`reserved-concurrency-unwatched`).
   */
  sheddingLimits?: Record<string, number>
  /** Rule ids to skip. */
  disable?: readonly string[]
}

/** What a rule reports before doctor adds its id, facts and template. */
export interface RuleResult {
  resource: string
  message: string
  fix: string
  /** Overrides the rule's severity for this finding. */
  severity?: Severity
}

export interface Rule {
  id: string
  severity: Severity
  /** One line for `--list` and the README. */
  summary: string
  facts: readonly string[]
  check(model: DeploymentModel, options: DoctorOptions): RuleResult[]
}

const GATEWAY_RESPONSES_FIX =
  "Deploy @gateproof/gateway-responses: `toSam(gatewayResponses())` as the Api's GatewayResponses, `toCloudFormation(gatewayResponses(), { restApiId })` as resources, or `addGatewayResponses(api, gatewayResponses(), { ResponseType })` in CDK."

/** REST integration timeout limits (gateway-facts §2.2, §12.1, ST5). */
const REST_DEFAULT_TIMEOUT_MS = 29_000
const REST_RAISED_MAX_MS = 300_000
const STREAM_MAX_MS = 900_000
const HTTP_MAX_TIMEOUT_MS = 30_000

/**
 * The stages (or authorizers) of every REST API, then every HTTP API, each with its API's id and
 * whether that API is an HTTP API: rules that hold for both front doors read one list and only
 * word their finding by front door.
 */
function ofEveryApi<T>(
  model: DeploymentModel,
  pick: (api: RestApiModel | HttpApiModel) => readonly T[],
): Array<{ api: string; item: T; http: boolean }> {
  return [
    ...model.restApis.flatMap((api) =>
      pick(api).map((item) => ({ api: api.id, item, http: false })),
    ),
    ...model.httpApis.flatMap((api) =>
      pick(api).map((item) => ({ api: api.id, item, http: true })),
    ),
  ]
}

const restDefaultResponses: Rule = {
  id: 'rest-default-responses',
  severity: 'error',
  summary:
    'A REST API without DEFAULT_4XX and DEFAULT_5XX gateway responses answers its own errors (502s, 403 for an unknown route, authorizer 500s) as {"message": …}, outside the error contract.',
  facts: ['§2.1 unhandled/REST', '§3.1', '§3.2'],
  check: (model) =>
    model.restApis.flatMap((api) => {
      const missing = ['DEFAULT_4XX', 'DEFAULT_5XX'].filter((t) => !api.gatewayResponses.has(t))
      if (missing.length === 0) return []
      return [
        {
          resource: api.id,
          message: `REST API ${api.id} has no ${missing.join(' or ')} gateway response: every gateway-made error without its own response answers API Gateway's {"message": …} body, without CORS headers or a request id.`,
          fix: GATEWAY_RESPONSES_FIX,
        },
      ]
    }),
}

const statusOf = (response: GatewayResponseModel | undefined): number | undefined =>
  response?.statusCode === undefined ? undefined : Number(response.statusCode)

const restThrottleHidden: Rule = {
  id: 'rest-throttle-hidden',
  severity: 'error',
  summary:
    'Throttles a REST client cannot recognise: a Lambda throttle goes through INTEGRATION_FAILURE (500 uncustomised, 504 when customised without a status), a stage throttle through THROTTLED.',
  facts: ['§2.1 throttled/REST', '§3.1 INTEGRATION_FAILURE', '§3.1 THROTTLED', '§7.4'],
  check: (model) =>
    model.restApis.flatMap((api) => {
      const results: RuleResult[] = []
      const failure = api.gatewayResponses.get('INTEGRATION_FAILURE')
      // Customised without a status it answers its own default, 504 (COMM, §2.1); not
      // customised, a throttle takes DEFAULT_5XX's status, or 500 (§3.2 cascade).
      const failureStatus =
        failure === undefined
          ? (statusOf(api.gatewayResponses.get('DEFAULT_5XX')) ?? 500)
          : (statusOf(failure) ?? 504)
      if (failure === undefined) {
        results.push({
          resource: api.id,
          severity: 'warning',
          message: `REST API ${api.id} does not customise INTEGRATION_FAILURE: when Lambda throttles the function, clients get ${failureStatus} without Retry-After, indistinguishable from a bug.`,
          fix: `Add an INTEGRATION_FAILURE gateway response with status 503 and Retry-After (@gateproof/gateway-responses' default). ${GATEWAY_RESPONSES_FIX}`,
        })
      } else if (failureStatus === 500 || failureStatus === 504) {
        results.push({
          resource: failure.resource,
          message: `INTEGRATION_FAILURE of ${api.id} answers ${failureStatus}: a Lambda throttle looks like a server bug or a timeout, and clients do not back off.`,
          fix: 'Give INTEGRATION_FAILURE status 503 with a Retry-After header, as @gateproof/gateway-responses does.',
        })
      }
      const throttled = api.gatewayResponses.get('THROTTLED')
      const throttledStatus = statusOf(throttled)
      if (throttled !== undefined && throttledStatus !== undefined && throttledStatus !== 429) {
        results.push({
          resource: throttled.resource,
          message: `THROTTLED of ${api.id} answers ${throttledStatus}: stage and usage-plan throttles stop looking like 429s.`,
          fix: 'Keep THROTTLED at 429 with Retry-After.',
        })
      }
      const timeout = api.gatewayResponses.get('INTEGRATION_TIMEOUT')
      const timeoutStatus = statusOf(timeout)
      if (timeout !== undefined && timeoutStatus !== undefined && timeoutStatus !== 504) {
        results.push({
          resource: timeout.resource,
          severity: 'warning',
          message: `INTEGRATION_TIMEOUT of ${api.id} answers ${timeoutStatus}, while gateproof's timeout guard answers 504 for the same deadline: one timeout, two statuses.`,
          fix: 'Keep INTEGRATION_TIMEOUT at 504.',
        })
      }
      return results
    }),
}

/** The members every gateproof error body carries (DESIGN, the error contract). */
const CONTRACT_MEMBERS = ['status', 'errorType', 'requestId']

const restResponseContract: Rule = {
  id: 'rest-response-contract',
  severity: 'warning',
  summary:
    "A customised gateway response whose body or headers are not gateproof's error contract (status, errorType, requestId; x-amzn-ErrorType; Retry-After on 429/503): clients need two parsers.",
  facts: ['§3.3', '§3.4', '§6.1 x-amzn-ErrorType'],
  check: (model) =>
    model.restApis.flatMap((api) =>
      [...api.gatewayResponses].flatMap(([type, response]) => {
        const problems: string[] = []
        const templates = Object.values(response.templates)
        if (templates.length === 0) problems.push('it has no response template')
        for (const template of templates) {
          const missing = CONTRACT_MEMBERS.filter((m) => !template.includes(`"${m}"`))
          if (missing.length > 0) problems.push(`its body lacks ${missing.join(', ')}`)
        }
        const headers = Object.keys(response.headers).map((h) => h.toLowerCase())
        if (!headers.includes('x-amzn-errortype')) problems.push('it sets no x-amzn-ErrorType')
        const status = statusOf(response)
        if ((status === 429 || status === 503) && !headers.includes('retry-after')) {
          problems.push(`it answers ${status} without Retry-After`)
        }
        if (problems.length === 0) return []
        return [
          {
            resource: response.resource,
            message: `${type} of ${api.id} is not in the gateproof error contract: ${[...new Set(problems)].join('; ')}.`,
            fix: `Generate it instead of writing it: ${GATEWAY_RESPONSES_FIX}`,
          },
        ]
      }),
    ),
}

const ACCESS_LOG_FIX =
  'Set the stage\'s AccessLogSetting (REST) / AccessLogSettings (HTTP API) with a JSON format that includes "$context.integrationErrorMessage", "$context.error.responseType" and "$context.requestId", and (REST) MethodSettings with LoggingLevel ERROR for "/*" "*".'

const stageLogging: Rule = {
  id: 'stage-logging',
  severity: 'warning',
  summary:
    'A stage with neither execution logs nor access logs: the gateway\'s own 5xx ("Malformed Lambda proxy response", throttles, authorizer errors) leave no trace.',
  facts: ['§2.1 malformed/REST', 'AZ32', 'ST11'],
  check: (model) => {
    return ofEveryApi(model, (api) => api.stages)
      .filter(({ item: stage }) => !stage.executionLogging && !stage.accessLogging)
      .map(({ api, item: stage, http }) => ({
        resource: stage.resource,
        message: `Stage ${stage.name} of ${http ? 'HTTP API' : 'REST API'} ${api} has no ${http ? 'access logging' : 'execution logging and no access logging'}: when the gateway answers 5xx itself, nothing records why.${stage.note === undefined ? '' : ` ${stage.note}.`}`,
        fix:
          stage.note === undefined ? ACCESS_LOG_FIX : 'Set OpenApiVersion: "3.0" on the SAM Api.',
      }))
  },
}

const accessLogFormat: Rule = {
  id: 'access-log-format',
  severity: 'warning',
  summary:
    'An access log format without $context.integrationErrorMessage and $context.error.responseType: the cheapest record of what the gateway saw is left out.',
  facts: ['§3.3 $context.error.responseType', 'AZ32', 'ST11'],
  check: (model) =>
    ofEveryApi(model, (api) => api.stages).flatMap(({ item: stage }) => {
      if (!stage.accessLogging) return []
      const format = stage.accessLogFormat ?? ''
      const missing = ['$context.integrationErrorMessage', '$context.error.responseType'].filter(
        (variable) => !format.includes(variable),
      )
      if (missing.length === 0) return []
      return [
        {
          resource: stage.resource,
          message: `The access log format of stage ${stage.name} lacks ${missing.join(' and ')}: a gateway-made 5xx is logged without its cause.`,
          fix: `Add ${missing.map((m) => `"${m.slice('$context.'.length)}":"${m}"`).join(', ')} to the format.`,
        },
      ]
    }),
}

const integrationTimeoutAboveFunction: Rule = {
  id: 'integration-timeout-above-function',
  severity: 'error',
  summary:
    "A REST integration timeout raised above 29 s while the function's own timeout is lower: the function always dies first, and the raise buys nothing but a 502.",
  facts: ['IT1', 'IT2', '§2.1 function timeout/REST', '§2.2'],
  check: (model) =>
    model.restApis.flatMap((api) =>
      api.integrations.flatMap((integration) => {
        const fn =
          integration.functionId === undefined
            ? undefined
            : model.functions.get(integration.functionId)
        if (fn?.timeout === undefined || integration.timeoutMs === undefined) return []
        if (integration.timeoutMs <= REST_DEFAULT_TIMEOUT_MS) return []
        if (fn.timeout * 1000 >= integration.timeoutMs) return []
        return [
          {
            resource: integration.resource,
            message: `The integration of ${fn.id} on ${api.id} waits ${integration.timeoutMs} ms, but ${fn.id} times out after ${fn.timeout} s: Lambda ends it first and the client gets a 502, not the raised wait.`,
            fix: `Raise ${fn.id}'s Timeout to at least ${Math.ceil(integration.timeoutMs / 1000)} s (gateproof's timeout guard still answers before the gateway), or lower TimeoutInMillis.`,
          },
        ]
      }),
    ),
}

const integrationTimeoutEdge: Rule = {
  id: 'integration-timeout-edge',
  severity: 'error',
  summary:
    'A REST integration timeout above 29 s on an edge-optimized API: only Regional and private APIs can raise it.',
  facts: ['IT1', '§2.2 REST edge-optimized'],
  check: (model) =>
    model.restApis.flatMap((api) => {
      if (api.endpointType !== 'EDGE') return []
      return api.integrations
        .filter(
          (i) =>
            i.timeoutMs !== undefined &&
            i.timeoutMs > REST_DEFAULT_TIMEOUT_MS &&
            i.transferMode !== 'STREAM',
        )
        .map((integration) => ({
          resource: integration.resource,
          message: `${api.id} is edge-optimized (the default when EndpointConfiguration is absent), so its ${integration.timeoutMs} ms integration timeout cannot take effect above 29 000 ms.`,
          fix: `Make ${api.id} REGIONAL (EndpointConfiguration: REGIONAL, CloudFront in front if needed), or keep TimeoutInMillis ≤ 29000.`,
        }))
    }),
}

const integrationTimeoutLimit: Rule = {
  id: 'integration-timeout-limit',
  severity: 'error',
  summary:
    'An integration timeout above what the front door allows: HTTP API 30 s, REST streaming 15 min, REST buffered 300 s after a quota raise (UNCONFIRMED, a warning).',
  facts: ['§2.2 HTTP API', 'ST5', 'ST12', 'IT3'],
  check: (model) => [
    ...model.httpApis.flatMap((api) =>
      api.integrations
        .filter((i) => i.timeoutMs !== undefined && i.timeoutMs > HTTP_MAX_TIMEOUT_MS)
        .map((i) => ({
          resource: i.resource,
          message: `HTTP API ${api.id} integration timeout ${i.timeoutMs} ms is above the 30 000 ms an HTTP API allows (not adjustable); the gateway answers 503 at 30 s.`,
          fix: 'Set TimeoutInMillis ≤ 30000, or move long work to a REST API (raisable) or a Function URL.',
        })),
    ),
    ...model.restApis.flatMap((api) =>
      api.integrations.flatMap((i) => {
        if (i.timeoutMs === undefined) return []
        if (i.transferMode === 'STREAM') {
          return i.timeoutMs > STREAM_MAX_MS
            ? [
                {
                  resource: i.resource,
                  message: `Streaming integration timeout ${i.timeoutMs} ms on ${api.id} is above the 15 minutes REST streaming allows.`,
                  fix: 'Set TimeoutInMillis ≤ 900000.',
                },
              ]
            : []
        }
        return i.timeoutMs > REST_RAISED_MAX_MS
          ? [
              {
                resource: i.resource,
                severity: 'warning' as const,
                message: `Buffered integration timeout ${i.timeoutMs} ms on ${api.id} is above the 300 000 ms reported as the raised maximum.`,
                fix: 'Keep buffered REST integrations ≤ 300000 ms, or stream the response (responseTransferMode STREAM, up to 15 min).',
              },
            ]
          : []
      }),
    ),
  ],
}

const THROTTLES_ALARM_FIX =
  'Add a CloudWatch alarm on AWS/Lambda Throttles > 0 for the function (toCloudFormationDashboard() / GateproofDashboard from @gateproof/observability create one), and shed below the limit with a fleet-wide limiter (@gateproof/redis-limiter) so clients get 429 + Retry-After.'

const reservedConcurrencyUnwatched: Rule = {
  id: 'reserved-concurrency-unwatched',
  severity: 'warning',
  summary:
    'Reserved concurrency with no alarm on Throttles and no shedding limit below it: Lambda throttles become REST 500s / ALB 502s that nobody sees.',
  facts: ['§2.1 throttled', '§5 reserved concurrency', 'MI3'],
  check: (model, options) =>
    [...model.functions.values()].flatMap((fn) => {
      if (fn.reservedConcurrency === undefined) return []
      if (fn.reservedConcurrency === 0) {
        return [
          {
            resource: fn.id,
            severity: 'error' as const,
            message: `${fn.id} has ReservedConcurrentExecutions 0: Lambda throttles every invoke.`,
            fix: 'Remove ReservedConcurrentExecutions or set it above 0.',
          },
        ]
      }
      const watched = model.alarms.some(
        (alarm) => alarm.metricNames.includes('Throttles') && alarm.targets.includes(fn.id),
      )
      const limit = options.sheddingLimits?.[fn.id]
      const shedsBelow = limit !== undefined && limit < fn.reservedConcurrency
      if (watched || shedsBelow) return []
      return [
        {
          resource: fn.id,
          message: `${fn.id} reserves ${fn.reservedConcurrency} concurrent executions, with no alarm on its Throttles and no known shedding limit below ${fn.reservedConcurrency}: past it, Lambda throttles and clients see 500 (REST), 502 (ALB) or 429 (Function URL), invisible in the function's own logs.`,
          fix: THROTTLES_ALARM_FIX,
        },
      ]
    }),
}

const authorizerCache: Rule = {
  id: 'authorizer-cache',
  severity: 'info',
  summary:
    'A Lambda authorizer with caching on: its cached result answers every route for the same identity, so an Allow for one methodArn becomes 403 elsewhere within the TTL (REST caches by default, 300 s).',
  facts: ['AZ23', 'AZ24', 'AZ25', 'AZ35'],
  check: (model) =>
    ofEveryApi(model, (api) => api.authorizers)
      .filter(({ item: a }) => a.lambda && a.ttlSeconds > 0)
      .map(({ api, item: a, http }) => ({
        resource: a.resource,
        message: `Authorizer ${a.resource} of ${api} caches results for ${a.ttlSeconds} s${a.ttlDefaulted ? ", API Gateway's default when no TTL is set" : ''}: a cached policy whose Resource is the first request's ${http ? 'routeArn' : 'methodArn'} turns every other route into a 403 for that identity until it expires.`,
        fix: `Build policies with @gateproof/authorizer's allow(principalId, { methodArn, cacheTtlSeconds: ${a.ttlSeconds} }), which widens Resource to the stage, or set the TTL to 0.`,
      })),
}

const authorizerIdentitySource: Rule = {
  id: 'authorizer-identity-source',
  severity: 'error',
  summary:
    "A cached Lambda authorizer without identity sources (no cache key), or an HTTP API one whose cache key lacks $context.routeKey (one route's decision answers all routes).",
  facts: ['AZ20', 'AZ24', 'AZ34', 'AZ35'],
  check: (model) => [
    ...model.restApis.flatMap((api) =>
      api.authorizers
        .filter(
          (a) =>
            a.lambda && a.type === 'REQUEST' && a.ttlSeconds > 0 && a.identitySources.length === 0,
        )
        .map((a) => ({
          resource: a.resource,
          message: `REQUEST authorizer ${a.resource} of ${api.id} caches for ${a.ttlSeconds} s without an identity source: there is nothing to key the cache on, and CloudFormation rejects it.`,
          fix: 'Set IdentitySource (e.g. method.request.header.Authorization), or AuthorizerResultTtlInSeconds: 0.',
        })),
    ),
    ...model.httpApis.flatMap((api) =>
      api.authorizers
        .filter((a) => a.lambda && a.ttlSeconds > 0)
        .flatMap((a): RuleResult[] => {
          if (a.identitySources.length === 0) {
            return [
              {
                resource: a.resource,
                message: `HTTP API authorizer ${a.resource} of ${api.id} caches for ${a.ttlSeconds} s without an identity source, which caching requires.`,
                fix: 'Add an identity source ($request.header.Authorization), or set the TTL to 0.',
              },
            ]
          }
          if (a.identitySources.some((source) => source.includes('$context.routeKey'))) return []
          return [
            {
              resource: a.resource,
              severity: 'warning',
              message: `HTTP API authorizer ${a.resource} of ${api.id} caches for ${a.ttlSeconds} s keyed on ${a.identitySources.join(', ')} only: the first route's ${a.simpleResponses ? 'isAuthorized' : 'policy'} answers every route for that identity.`,
              fix: 'Add $context.routeKey to the identity sources when authorization depends on the route, or set the TTL to 0.',
            },
          ]
        }),
    ),
  ],
}

const STREAMING_URI = 'response-streaming-invocations'

const streamingTransferMode: Rule = {
  id: 'streaming-transfer-mode',
  severity: 'error',
  summary:
    'A REST integration whose ResponseTransferMode and Lambda URI disagree: STREAM needs the …/2021-11-15/functions/…/response-streaming-invocations URI, and that URI needs STREAM.',
  facts: ['ST1', 'ST2', 'ST12', 'ST15'],
  check: (model) =>
    model.restApis.flatMap((api) =>
      api.integrations.flatMap((i): RuleResult[] => {
        if (!i.uri) return []
        const streamingUri = i.uri.includes(STREAMING_URI)
        const streaming = i.transferMode === 'STREAM'
        if (streaming === streamingUri) return []
        return [
          {
            resource: i.resource,
            message: streaming
              ? `Integration ${i.resource} of ${api.id} streams (ResponseTransferMode STREAM) but invokes the buffered …/invocations URI: the gateway needs InvokeWithResponseStream for a streamed response.`
              : `Integration ${i.resource} of ${api.id} invokes the response-streaming URI without ResponseTransferMode: STREAM: the gateway waits for a buffered payload it will not get.`,
            fix: streaming
              ? 'Set Uri to the …:lambda:path/2021-11-15/functions/<function ARN>/response-streaming-invocations form, and grant lambda:InvokeWithResponseStream.'
              : 'Set Integration.ResponseTransferMode: STREAM, or use the …/2015-03-31/functions/…/invocations URI.',
          },
        ]
      }),
    ),
}

const functionUrlAuth: Rule = {
  id: 'function-url-auth',
  severity: 'error',
  summary:
    'A public Function URL (AuthType NONE) without the resource-policy statements it needs: lambda:InvokeFunctionUrl and, since 2025, lambda:InvokeFunction for principal "*". Every request answers 403.',
  facts: ['§2.1 missing permission/FURL'],
  check: (model) =>
    model.functionUrls.flatMap((url) => {
      if (url.sam || url.authType !== 'NONE' || url.functionId === undefined) return []
      const granted = (action: string) =>
        model.permissions.some(
          (p) => p.functionId === url.functionId && p.action === action && p.principal === '*',
        )
      const missing = ['lambda:InvokeFunctionUrl', 'lambda:InvokeFunction'].filter(
        (a) => !granted(a),
      )
      if (missing.length === 0) return []
      return [
        {
          resource: url.resource,
          message: `Function URL ${url.resource} of ${url.functionId} is public (AuthType NONE) but nothing grants ${missing.join(' and ')} to "*": every request answers 403 {"Message":"Forbidden…"} before the function runs.`,
          fix: `Add AWS::Lambda::Permission resources for ${missing.join(' and ')} with Principal "*" (FunctionUrlAuthType: NONE on the InvokeFunctionUrl one).`,
        },
      ]
    }),
}

const albMultiValueHeaders: Rule = {
  id: 'alb-multi-value-headers',
  severity: 'info',
  summary:
    'An ALB Lambda target group with multi-value headers on: responses must use multiValueHeaders, and with it off the function sees only the last value of a repeated header or query key.',
  facts: ['A2'],
  check: (model) =>
    model.albTargets
      .filter((target) => target.multiValueHeaders)
      .map((target) => ({
        resource: target.resource,
        message: `Target group ${target.resource} has lambda.multi_value_headers.enabled: responses must carry multiValueHeaders, not headers. gateproof's proxy-shape answers in the form the event arrived in; hand-built responses must too.`,
        fix: 'Nothing to change when every response leaves through gateproof(); otherwise answer with multiValueHeaders for this target.',
      })),
}

/** Functions behind an HTTP front door: the ones gateproof is about. */
function frontDoorFunctions(model: DeploymentModel): Set<string> {
  const ids = new Set<string>()
  for (const api of [...model.restApis, ...model.httpApis]) {
    for (const i of api.integrations) if (i.functionId) ids.add(i.functionId)
  }
  for (const url of model.functionUrls) if (url.functionId) ids.add(url.functionId)
  for (const target of model.albTargets) for (const id of target.functionIds) ids.add(id)
  return ids
}

const logRetention: Rule = {
  id: 'log-retention',
  severity: 'warning',
  summary:
    'A function behind a front door whose log group the template does not declare with a retention: Lambda creates /aws/lambda/<name> itself, kept forever, outside the stack.',
  facts: ['DESIGN Telemetry'],
  check: (model) =>
    [...frontDoorFunctions(model)].flatMap((id) => {
      const fn = model.functions.get(id)
      if (fn === undefined) return []
      const template = model.template
      const ownGroup = referencedId(fn.loggingGroup, template)
      const kept = model.logGroups.some((group) => {
        if (group.retentionDays === undefined) return false
        if (group.resource === ownGroup) return true
        const name = stringsIn(group.name).join('')
        return name.includes('/aws/lambda/') && referencedIds(group.name, template).includes(id)
      })
      if (kept) return []
      return [
        {
          resource: id,
          message: `${id} has no log group with RetentionInDays in the template: its logs (gateproof's error lines included) are kept forever and outlive the stack.`,
          fix: `Declare an AWS::Logs::LogGroup with RetentionInDays and point ${id}'s LoggingConfig.LogGroup at it (CDK: logGroup: new LogGroup(…, { retention })).`,
        },
      ]
    }),
}

const alarmsMissing: Rule = {
  id: 'alarms-missing',
  severity: 'info',
  summary:
    "Functions behind a front door and no alarm on gateproof's ProxyShapeViolation (a bug shipped) or on Lambda Throttles.",
  facts: ['§2.1', '§7.1'],
  check: (model) => {
    const functions = [...frontDoorFunctions(model)]
    if (functions.length === 0) return []
    const watched = (metric: string) => model.alarms.some((a) => a.metricNames.includes(metric))
    const missing = ['ProxyShapeViolation', 'Throttles'].filter((metric) => !watched(metric))
    if (missing.length === 0) return []
    return [
      {
        resource: functions.sort()[0] as string,
        message: `No alarm on ${missing.join(' or ')} for ${functions.join(', ')}: a response the gateway turns into a 502, or a Lambda throttle shown as a 500, goes unnoticed.`,
        fix: 'Add the gateproof dashboard and alarms: toCloudFormationDashboard() or GateproofDashboard from @gateproof/observability/cdk.',
      },
    ]
  },
}

export const RULES: readonly Rule[] = [
  restDefaultResponses,
  restThrottleHidden,
  restResponseContract,
  stageLogging,
  accessLogFormat,
  integrationTimeoutAboveFunction,
  integrationTimeoutEdge,
  integrationTimeoutLimit,
  reservedConcurrencyUnwatched,
  authorizerCache,
  authorizerIdentitySource,
  streamingTransferMode,
  functionUrlAuth,
  albMultiValueHeaders,
  logRetention,
  alarmsMissing,
]
