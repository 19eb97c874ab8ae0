import type { Template, TemplateResource } from './template.js'
import {
  booleanOf,
  isRecord,
  numberOf,
  recordOf,
  referencedId,
  referencedIds,
  stringOf,
  stringsIn,
} from './values.js'

/**
 * What doctor checks, read once from a template: the front doors, what sits behind them and
 * what watches them. Plain CloudFormation, SAM (with its Globals and implicit APIs) and
 * `cdk synth` output all become this one shape, so each rule is written once.
 */
export interface DeploymentModel {
  template: Template
  functions: Map<string, FunctionModel>
  restApis: RestApiModel[]
  httpApis: HttpApiModel[]
  functionUrls: FunctionUrlModel[]
  albTargets: AlbTargetModel[]
  alarms: AlarmModel[]
  /** Log group names (literal or `/aws/lambda/${Fn}`-style) → retention in days, if set. */
  logGroups: LogGroupModel[]
  permissions: PermissionModel[]
}

export interface FunctionModel {
  id: string
  /** Seconds; Lambda's default is 3. Undefined when written as an intrinsic doctor cannot resolve. */
  timeout: number | undefined
  reservedConcurrency: number | undefined
  environment: Record<string, unknown>
  /** The log group set in `LoggingConfig.LogGroup`, as written. */
  loggingGroup: unknown
}

export interface GatewayResponseModel {
  /** The resource that declares it (a GatewayResponse, or the API for SAM/OpenAPI). */
  resource: string
  statusCode: string | undefined
  headers: Record<string, string>
  templates: Record<string, string>
}

export interface StageModel {
  /** The Stage, Deployment or API resource that configures it. */
  resource: string
  name: string
  executionLogging: boolean
  accessLogFormat: string | undefined
  accessLogging: boolean
  /** Why the stage exists when the template does not name it (SAM's extra `Stage` stage). */
  note?: string
}

export interface IntegrationModel {
  /** The Method / Integration resource, or the function for SAM events. */
  resource: string
  functionId: string | undefined
  timeoutMs: number | undefined
  transferMode: string | undefined
  uri: string | undefined
}

export interface AuthorizerModel {
  resource: string
  /** TOKEN / REQUEST (REST), REQUEST (HTTP API), or COGNITO_USER_POOLS / JWT. */
  type: string
  lambda: boolean
  ttlSeconds: number
  /** True when the TTL is REST's default (300 s), not written in the template. */
  ttlDefaulted?: boolean
  identitySources: string[]
  simpleResponses: boolean
}

export interface RestApiModel {
  id: string
  endpointType: string
  gatewayResponses: Map<string, GatewayResponseModel>
  stages: StageModel[]
  integrations: IntegrationModel[]
  authorizers: AuthorizerModel[]
}

export interface HttpApiModel {
  id: string
  stages: StageModel[]
  integrations: IntegrationModel[]
  authorizers: AuthorizerModel[]
}

export interface FunctionUrlModel {
  resource: string
  functionId: string | undefined
  authType: string | undefined
  invokeMode: string | undefined
  /** SAM's FunctionUrlConfig adds its own permission. */
  sam: boolean
}

export interface AlbTargetModel {
  resource: string
  functionIds: string[]
  multiValueHeaders: boolean
}

export interface AlarmModel {
  resource: string
  metricNames: string[]
  namespaces: string[]
  /** Resources named in the alarm's dimensions. */
  targets: string[]
}

export interface LogGroupModel {
  resource: string
  name: unknown
  retentionDays: number | undefined
}

export interface PermissionModel {
  resource: string
  functionId: string | undefined
  action: string | undefined
  principal: string | undefined
  functionUrlAuthType: string | undefined
}

const REST_DEFAULT_STAGE = 'prod'

export function buildModel(template: Template): DeploymentModel {
  const model: DeploymentModel = {
    template,
    functions: new Map(),
    restApis: [],
    httpApis: [],
    functionUrls: [],
    albTargets: [],
    alarms: [],
    logGroups: [],
    permissions: [],
  }
  const rest = new Map<string, RestApiModel>()
  const http = new Map<string, HttpApiModel>()
  const restApi = (id: string): RestApiModel => {
    let api = rest.get(id)
    if (api === undefined) {
      api = {
        id,
        endpointType: 'EDGE',
        gatewayResponses: new Map(),
        stages: [],
        integrations: [],
        authorizers: [],
      }
      rest.set(id, api)
    }
    return api
  }
  const httpApi = (id: string): HttpApiModel => {
    let api = http.get(id)
    if (api === undefined) {
      api = { id, stages: [], integrations: [], authorizers: [] }
      http.set(id, api)
    }
    return api
  }
  const ref = (value: unknown) => referencedId(value, template)

  for (const [id, resource] of Object.entries(template.resources)) {
    const p = recordOf(resource.Properties)
    switch (resource.Type) {
      case 'AWS::Lambda::Function':
        model.functions.set(id, functionModel(id, p, template))
        break
      case 'AWS::Serverless::Function': {
        const merged = withGlobals(p, template.globals.Function)
        model.functions.set(id, functionModel(id, merged, template))
        readSamEvents(id, merged, template, restApi, httpApi)
        const url = recordOf(merged.FunctionUrlConfig)
        if (merged.FunctionUrlConfig !== undefined) {
          model.functionUrls.push({
            resource: id,
            functionId: id,
            authType: stringOf(url.AuthType, template),
            invokeMode: stringOf(url.InvokeMode, template) ?? 'BUFFERED',
            sam: true,
          })
        }
        break
      }
      case 'AWS::ApiGateway::RestApi': {
        const api = restApi(id)
        api.endpointType = endpointTypeOf(p.EndpointConfiguration, template)
        readOpenApi(api, id, p.Body, template)
        break
      }
      case 'AWS::Serverless::Api': {
        const merged = withGlobals(p, template.globals.Api)
        readSamApi(restApi(id), id, merged, template)
        break
      }
      case 'AWS::ApiGateway::GatewayResponse': {
        const apiId = ref(p.RestApiId)
        const type = stringOf(p.ResponseType, template)
        if (apiId === undefined || type === undefined) break
        restApi(apiId).gatewayResponses.set(type, {
          resource: id,
          statusCode: stringOf(p.StatusCode, template),
          headers: headerParameters(recordOf(p.ResponseParameters)),
          templates: stringMap(p.ResponseTemplates),
        })
        break
      }
      case 'AWS::ApiGateway::Stage': {
        const apiId = ref(p.RestApiId)
        if (apiId === undefined) break
        restApi(apiId).stages.push(
          restStage(id, stringOf(p.StageName, template) ?? id, p, template),
        )
        break
      }
      case 'AWS::ApiGateway::Deployment': {
        const apiId = ref(p.RestApiId)
        const stageName = stringOf(p.StageName, template)
        if (apiId === undefined || stageName === undefined) break
        restApi(apiId).stages.push(restStage(id, stageName, recordOf(p.StageDescription), template))
        break
      }
      case 'AWS::ApiGateway::Method': {
        const apiId = ref(p.RestApiId)
        const integration = recordOf(p.Integration)
        if (apiId === undefined) break
        const type = stringOf(integration.Type, template)
        if (type !== 'AWS_PROXY' && type !== 'AWS') break
        restApi(apiId).integrations.push(integrationModel(id, integration, template))
        break
      }
      case 'AWS::ApiGateway::Authorizer': {
        const apiId = ref(p.RestApiId)
        if (apiId === undefined) break
        const type = stringOf(p.Type, template) ?? 'TOKEN'
        restApi(apiId).authorizers.push({
          resource: id,
          type,
          lambda: type === 'TOKEN' || type === 'REQUEST',
          ttlSeconds: numberOf(p.AuthorizerResultTtlInSeconds, template) ?? 300,
          ttlDefaulted: p.AuthorizerResultTtlInSeconds === undefined,
          identitySources: splitSources(p.IdentitySource, template),
          simpleResponses: false,
        })
        break
      }
      case 'AWS::ApiGatewayV2::Api': {
        if (stringOf(p.ProtocolType, template) === 'HTTP') httpApi(id)
        break
      }
      case 'AWS::Serverless::HttpApi': {
        readSamHttpApi(httpApi(id), id, withGlobals(p, template.globals.HttpApi), template)
        break
      }
      case 'AWS::ApiGatewayV2::Stage': {
        const apiId = ref(p.ApiId)
        if (apiId === undefined || !isHttpApi(apiId, template)) break
        httpApi(apiId).stages.push(
          httpStage(id, stringOf(p.StageName, template) ?? id, p.AccessLogSettings, template),
        )
        break
      }
      case 'AWS::ApiGatewayV2::Integration': {
        const apiId = ref(p.ApiId)
        if (apiId === undefined || !isHttpApi(apiId, template)) break
        httpApi(apiId).integrations.push({
          resource: id,
          functionId: functionIn(p.IntegrationUri, template),
          timeoutMs: numberOf(p.TimeoutInMillis, template),
          transferMode: undefined,
          uri: stringOf(p.IntegrationUri, template),
        })
        break
      }
      case 'AWS::ApiGatewayV2::Authorizer': {
        const apiId = ref(p.ApiId)
        if (apiId === undefined || !isHttpApi(apiId, template)) break
        const type = stringOf(p.AuthorizerType, template) ?? 'REQUEST'
        httpApi(apiId).authorizers.push({
          resource: id,
          type,
          lambda: type === 'REQUEST',
          ttlSeconds: numberOf(p.AuthorizerResultTtlInSeconds, template) ?? 0,
          identitySources: Array.isArray(p.IdentitySource) ? stringsIn(p.IdentitySource) : [],
          simpleResponses: booleanOf(p.EnableSimpleResponses, template) ?? false,
        })
        break
      }
      case 'AWS::Lambda::Url':
        model.functionUrls.push({
          resource: id,
          functionId: ref(p.TargetFunctionArn),
          authType: stringOf(p.AuthType, template),
          invokeMode: stringOf(p.InvokeMode, template) ?? 'BUFFERED',
          sam: false,
        })
        break
      case 'AWS::Lambda::Permission':
        model.permissions.push({
          resource: id,
          functionId: ref(p.FunctionName),
          action: stringOf(p.Action, template),
          principal: stringOf(p.Principal, template),
          functionUrlAuthType: stringOf(p.FunctionUrlAuthType, template),
        })
        break
      case 'AWS::ElasticLoadBalancingV2::TargetGroup': {
        if (stringOf(p.TargetType, template) !== 'lambda') break
        const attributes = Array.isArray(p.TargetGroupAttributes) ? p.TargetGroupAttributes : []
        model.albTargets.push({
          resource: id,
          functionIds: referencedIds(p.Targets, template),
          multiValueHeaders: attributes.some(
            (a) =>
              isRecord(a) &&
              a.Key === 'lambda.multi_value_headers.enabled' &&
              booleanOf(a.Value, template) === true,
          ),
        })
        break
      }
      case 'AWS::CloudWatch::Alarm':
        model.alarms.push(alarmModel(id, p, template))
        break
      case 'Custom::LogRetention': // CDK's `logRetention` prop
      case 'AWS::Logs::LogGroup':
        model.logGroups.push({
          resource: id,
          name: p.LogGroupName,
          retentionDays: numberOf(p.RetentionInDays, template),
        })
        break
    }
  }
  model.restApis = [...rest.values()]
  model.httpApis = [...http.values()]
  return model
}

/** SAM Globals apply to every resource of their kind; the resource's own value wins. */
function withGlobals(
  properties: Record<string, unknown>,
  globals: Record<string, unknown> | undefined,
): Record<string, unknown> {
  if (globals === undefined) return properties
  const merged: Record<string, unknown> = { ...globals, ...properties }
  const globalEnv = recordOf(recordOf(globals.Environment).Variables)
  const ownEnv = recordOf(recordOf(properties.Environment).Variables)
  if (Object.keys(globalEnv).length > 0) {
    merged.Environment = { Variables: { ...globalEnv, ...ownEnv } }
  }
  return merged
}

function functionModel(id: string, p: Record<string, unknown>, template: Template): FunctionModel {
  return {
    id,
    timeout: p.Timeout === undefined ? 3 : numberOf(p.Timeout, template),
    reservedConcurrency: numberOf(p.ReservedConcurrentExecutions, template),
    environment: recordOf(recordOf(p.Environment).Variables),
    loggingGroup: recordOf(p.LoggingConfig).LogGroup,
  }
}

function endpointTypeOf(value: unknown, template: Template): string {
  const literal = stringOf(value, template)
  if (literal !== undefined) return literal.toUpperCase()
  const config = recordOf(value)
  const types = Array.isArray(config.Types) ? config.Types : [config.Type]
  return stringOf(types[0], template)?.toUpperCase() ?? 'EDGE'
}

const isHttpApi = (id: string, template: Template): boolean => {
  const resource = template.resources[id] as TemplateResource
  return (
    resource.Type === 'AWS::Serverless::HttpApi' ||
    stringOf(recordOf(resource.Properties).ProtocolType, template) === 'HTTP'
  )
}

/** The function an integration URI (`arn:…:apigateway:…/functions/${Fn.Arn}/invocations`) names. */
function functionIn(uri: unknown, template: Template): string | undefined {
  return referencedIds(uri, template).find((id) =>
    /^AWS::(Lambda|Serverless)::Function$/.test(template.resources[id]?.Type ?? ''),
  )
}

function integrationModel(
  resource: string,
  integration: Record<string, unknown>,
  template: Template,
): IntegrationModel {
  return {
    resource,
    functionId: functionIn(integration.Uri, template),
    timeoutMs: numberOf(integration.TimeoutInMillis, template),
    transferMode: stringOf(integration.ResponseTransferMode, template),
    uri: stringsIn(integration.Uri).join(''),
  }
}

const stringMap = (value: unknown): Record<string, string> =>
  Object.fromEntries(
    Object.entries(recordOf(value)).filter((entry): entry is [string, string] => {
      return typeof entry[1] === 'string'
    }),
  )

/** `gatewayresponse.header.Name` → `Name`, values as written (static values in quotes). */
function headerParameters(parameters: Record<string, unknown>): Record<string, string> {
  const headers: Record<string, string> = Object.create(null)
  for (const [key, value] of Object.entries(parameters)) {
    if (key.startsWith('gatewayresponse.header.') && typeof value === 'string') {
      headers[key.slice('gatewayresponse.header.'.length)] = value
    }
  }
  return headers
}

function splitSources(value: unknown, template: Template): string[] {
  const text = stringOf(value, template)
  return text === undefined
    ? []
    : text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
}

/** Execution logging is on when a `*` / `*` method setting (or the stage's) logs INFO or ERROR. */
function restStage(
  resource: string,
  name: string,
  p: Record<string, unknown>,
  template: Template,
): StageModel {
  const settings = Array.isArray(p.MethodSettings) ? p.MethodSettings : []
  const levels = [p.LoggingLevel, ...settings.map((s) => recordOf(s).LoggingLevel)]
  const executionLogging = levels.some((level) => {
    const text = stringOf(level, template)?.toUpperCase()
    return text === 'INFO' || text === 'ERROR'
  })
  const access = recordOf(p.AccessLogSetting)
  return {
    resource,
    name,
    executionLogging,
    accessLogging: access.DestinationArn !== undefined,
    accessLogFormat: access.DestinationArn === undefined ? undefined : formatOf(access.Format),
  }
}

function httpStage(
  resource: string,
  name: string,
  accessLogSettings: unknown,
  _template: Template,
): StageModel {
  const access = recordOf(accessLogSettings)
  return {
    resource,
    name,
    executionLogging: false,
    accessLogging: access.DestinationArn !== undefined,
    accessLogFormat: access.DestinationArn === undefined ? undefined : formatOf(access.Format),
  }
}

/** The format's literal text, `Fn::Sub`/`Fn::Join` pieces included; empty when unknown. */
const formatOf = (format: unknown): string => stringsIn(format).join('')

function readOpenApi(api: RestApiModel, resource: string, body: unknown, template: Template) {
  const document = recordOf(body)
  const responses = recordOf(document['x-amazon-apigateway-gateway-responses'])
  for (const [type, value] of Object.entries(responses)) {
    const response = recordOf(value)
    api.gatewayResponses.set(type, {
      resource,
      statusCode: response.statusCode === undefined ? undefined : String(response.statusCode),
      headers: headerParameters(recordOf(response.responseParameters)),
      templates: stringMap(response.responseTemplates),
    })
  }
  for (const path of Object.values(recordOf(document.paths))) {
    for (const operation of Object.values(recordOf(path))) {
      const integration = recordOf(recordOf(operation)['x-amazon-apigateway-integration'])
      if (!/^aws(_proxy)?$/i.test(String(integration.type ?? ''))) continue
      api.integrations.push({
        resource,
        functionId: functionIn(integration.uri, template),
        timeoutMs: numberOf(integration.timeoutInMillis, template),
        transferMode: stringOf(integration.responseTransferMode, template),
        uri: stringsIn(integration.uri).join(''),
      })
    }
  }
}

function readSamApi(
  api: RestApiModel,
  id: string,
  p: Record<string, unknown>,
  template: Template,
): void {
  api.endpointType = endpointTypeOf(p.EndpointConfiguration, template)
  for (const [type, value] of Object.entries(recordOf(p.GatewayResponses))) {
    const response = recordOf(value)
    const parameters = recordOf(response.ResponseParameters)
    api.gatewayResponses.set(type, {
      resource: id,
      statusCode: stringOf(response.StatusCode, template),
      headers: stringMap(parameters.Headers),
      templates: stringMap(response.ResponseTemplates),
    })
  }
  readOpenApi(api, id, p.DefinitionBody, template)
  api.stages.push(restStage(id, stringOf(p.StageName, template) ?? REST_DEFAULT_STAGE, p, template))
  // Without OpenApiVersion, SAM's Deployment also carries `StageName: Stage`: a second, public
  // stage with the same routes and none of the stage settings (SAM translator output).
  if (p.OpenApiVersion === undefined) {
    api.stages.push({
      resource: id,
      name: 'Stage',
      executionLogging: false,
      accessLogging: false,
      accessLogFormat: undefined,
      note: 'SAM creates this extra stage when OpenApiVersion is not set; set OpenApiVersion: "3.0" on the Api (or in Globals.Api) to drop it',
    })
  }
  const auth = recordOf(p.Auth)
  for (const [name, value] of Object.entries(recordOf(auth.Authorizers))) {
    const authorizer = recordOf(value)
    if (authorizer.FunctionArn === undefined) {
      api.authorizers.push(notLambda(`${id}.${name}`, 'COGNITO_USER_POOLS'))
      continue
    }
    const identity = recordOf(authorizer.Identity)
    const type = stringOf(authorizer.FunctionPayloadType, template) ?? 'TOKEN'
    const sources = [
      ...(identity.Header !== undefined || type === 'TOKEN'
        ? [`method.request.header.${stringOf(identity.Header, template) ?? 'Authorization'}`]
        : []),
      ...stringsIn(identity.Headers).map((h) => `method.request.header.${h}`),
      ...stringsIn(identity.QueryStrings).map((q) => `method.request.querystring.${q}`),
      ...stringsIn(identity.StageVariables).map((s) => `stageVariables.${s}`),
      ...stringsIn(identity.Context).map((c) => `context.${c}`),
    ]
    api.authorizers.push({
      resource: `${id}.${name}`,
      type,
      lambda: true,
      ttlSeconds: numberOf(identity.ReauthorizeEvery, template) ?? 300,
      ttlDefaulted: identity.ReauthorizeEvery === undefined,
      identitySources: sources,
      simpleResponses: false,
    })
  }
}

const notLambda = (resource: string, type: string): AuthorizerModel => ({
  resource,
  type,
  lambda: false,
  ttlSeconds: 0,
  identitySources: [],
  simpleResponses: false,
})

function readSamHttpApi(
  api: HttpApiModel,
  id: string,
  p: Record<string, unknown>,
  template: Template,
): void {
  api.stages.push(
    httpStage(id, stringOf(p.StageName, template) ?? '$default', p.AccessLogSettings, template),
  )
  const auth = recordOf(p.Auth)
  for (const [name, value] of Object.entries(recordOf(auth.Authorizers))) {
    const authorizer = recordOf(value)
    if (authorizer.FunctionArn === undefined) {
      api.authorizers.push(notLambda(`${id}.${name}`, 'JWT'))
      continue
    }
    const identity = recordOf(authorizer.Identity)
    api.authorizers.push({
      resource: `${id}.${name}`,
      type: 'REQUEST',
      lambda: true,
      ttlSeconds: numberOf(identity.ReauthorizeEvery, template) ?? 0,
      identitySources: [
        ...stringsIn(identity.Headers).map((h) => `$request.header.${h}`),
        ...stringsIn(identity.QueryStrings).map((q) => `$request.querystring.${q}`),
        ...stringsIn(identity.Context).map((c) => `$context.${c}`),
        ...stringsIn(identity.StageVariables).map((s) => `$stageVariables.${s}`),
      ],
      simpleResponses: booleanOf(authorizer.EnableSimpleResponses, template) ?? false,
    })
  }
}

/** SAM `Api` / `HttpApi` events: the implicit `ServerlessRestApi` / `ServerlessHttpApi` included. */
function readSamEvents(
  functionId: string,
  p: Record<string, unknown>,
  template: Template,
  restApi: (id: string) => RestApiModel,
  httpApi: (id: string) => HttpApiModel,
): void {
  for (const value of Object.values(recordOf(p.Events))) {
    const event = recordOf(value)
    const ep = recordOf(event.Properties)
    if (event.Type === 'Api') {
      const apiId = referencedId(ep.RestApiId, template)
      let api: RestApiModel
      if (apiId === undefined) {
        // SAM makes one implicit API for every Api event without a RestApiId, from Globals.Api.
        const implicit = !template.resources.ServerlessRestApi
        api = restApi('ServerlessRestApi')
        if (implicit && api.stages.length === 0) {
          readSamApi(api, 'ServerlessRestApi', recordOf(template.globals.Api), template)
          api.stages[0] = { ...(api.stages[0] as StageModel), name: 'Prod' }
        }
      } else api = restApi(apiId)
      api.integrations.push({
        resource: functionId,
        functionId,
        timeoutMs: numberOf(ep.TimeoutInMillis, template),
        transferMode: stringOf(ep.ResponseTransferMode, template),
        uri: undefined,
      })
    } else if (event.Type === 'HttpApi') {
      const apiId = referencedId(ep.ApiId, template)
      let api: HttpApiModel
      if (apiId === undefined) {
        const implicit = !template.resources.ServerlessHttpApi
        api = httpApi('ServerlessHttpApi')
        if (implicit && api.stages.length === 0) {
          readSamHttpApi(api, 'ServerlessHttpApi', recordOf(template.globals.HttpApi), template)
        }
      } else api = httpApi(apiId)
      api.integrations.push({
        resource: functionId,
        functionId,
        timeoutMs: numberOf(ep.TimeoutInMillis, template),
        transferMode: undefined,
        uri: undefined,
      })
    }
  }
}

function alarmModel(id: string, p: Record<string, unknown>, template: Template): AlarmModel {
  const stats: Record<string, unknown>[] = [
    p,
    ...(Array.isArray(p.Metrics) ? p.Metrics : []).map((m) => {
      const metric = recordOf(recordOf(recordOf(m).MetricStat).Metric)
      return { ...metric, Expression: recordOf(m).Expression }
    }),
  ]
  const metricNames: string[] = []
  const namespaces: string[] = []
  for (const stat of stats) {
    const name = stringOf(stat.MetricName, template)
    if (name !== undefined) metricNames.push(name)
    const namespace = stringOf(stat.Namespace, template)
    if (namespace !== undefined) namespaces.push(namespace)
    // Metrics Insights / SEARCH expressions name the metric in their text.
    for (const text of stringsIn(stat.Expression)) {
      for (const match of text.matchAll(
        /\b(?:SUM|MAX|AVG|MIN|COUNT)\(\s*"?([A-Za-z0-9_]+)"?\s*\)/g,
      )) {
        metricNames.push(match[1] as string)
      }
      for (const match of text.matchAll(/MetricName="?([A-Za-z0-9_]+)"?/g)) {
        metricNames.push(match[1] as string)
      }
    }
  }
  return {
    resource: id,
    metricNames,
    namespaces,
    targets: referencedIds([p.Dimensions, p.Metrics], template),
  }
}
