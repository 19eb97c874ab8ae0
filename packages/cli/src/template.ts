import { existsSync, readFileSync } from 'node:fs'
import { basename, extname, join, resolve } from 'node:path'
import type { AuthorizerType, Integration } from '@gateproof/core'
import { parseDocumentText } from '@gateproof/observability'

/** One route of an API in a template, and the function behind it. */
export interface TemplateRoute {
  /** Upper-case method, `ANY` for any. */
  method: string
  /** Resource template: `/orders/{id}`. */
  path: string
  integration: Integration
  /** Logical id of the function behind the route, when the template says which. */
  functionId: string | undefined
  /** The Lambda authorizer in front of the route, when the template puts one there. */
  authorizer?: TemplateAuthorizer
}

/** A Lambda authorizer as the template configures it (SAM `Auth.Authorizers`, `AWS::ApiGateway*::Authorizer`). */
export interface TemplateAuthorizer {
  /** Its name in SAM's `Auth.Authorizers`, or its logical id. */
  name: string
  /** Logical id of the authorizer function, when the template says which. */
  functionId: string | undefined
  type: AuthorizerType
  responseFormat?: 'iam' | 'simple'
  /** `method.request.header.Authorization`, `$request.querystring.key`, … */
  identitySource: string[]
  resultTtlSeconds?: number
}

/** Where a function's code is, as far as the template tells. */
export interface TemplateFunction {
  id: string
  /** `file#export` of code on disk, when found. */
  target?: string
  /** Inline code (`InlineCode`, `Code.ZipFile`) and its handler (`index.handler`). */
  inline?: { code: string; handler: string }
  /** Where the code was looked for, to say so when it was not found. */
  searched: string[]
  /**
   * The function's `Timeout` in ms (SAM `Globals` included; Lambda's default, 3 s, when unset);
   * undefined when it is an intrinsic the template alone cannot resolve.
   */
  timeoutMs?: number
  /** `ReservedConcurrentExecutions`, when the template sets it. */
  reservedConcurrency?: number
}

export interface TemplateApp {
  routes: TemplateRoute[]
  functions: Record<string, TemplateFunction>
  /**
   * The gateway's wait per route where the template sets `TimeoutInMillis`, as it takes effect
   * (a REST raise above 29 s only on a Regional or private API, IT1; HTTP API at most 30 s):
   * keys `<integration> <METHOD> <path>`.
   */
  integrationTimeoutsMs?: Record<string, number>
}

type Json = Record<string, unknown>
interface Resource {
  Type?: unknown
  Properties?: Json
  Metadata?: Json
}

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

const FUNCTION_TYPES = ['AWS::Serverless::Function', 'AWS::Lambda::Function']

/** Logical ids an intrinsic refers to: `Ref`, `Fn::GetAtt`, and `${Id}`/`${Id.Arn}` in `Fn::Sub`. */
function references(value: unknown): string[] {
  if (typeof value === 'string') {
    return [...value.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z]+)?\}/g)].map((m) => m[1] as string)
  }
  if (Array.isArray(value)) return value.flatMap(references)
  if (!isObject(value)) return []
  const ids: string[] = []
  if (typeof value.Ref === 'string') ids.push(value.Ref)
  const getAtt = value['Fn::GetAtt']
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') ids.push(getAtt[0])
  for (const [key, inner] of Object.entries(value))
    if (key !== 'Ref') ids.push(...references(inner))
  return ids
}

/**
 * Reads the routes and functions of the APIs in a SAM or CloudFormation template (a CDK app's
 * synthesized template is CloudFormation): SAM `Api`/`HttpApi` events of `AWS::Serverless::Function`,
 * `AWS::ApiGateway::Method` on `AWS::ApiGateway::Resource` paths, `AWS::ApiGatewayV2::Route`, and the
 * OpenAPI definitions of APIs (`DefinitionBody`/`DefinitionUri` of SAM APIs, `Body`/`BodyS3Location`
 * of CloudFormation ones, inline, in a local file, or through `AWS::Include`).
 * `baseDir` is where the template's relative code and definition paths start.
 */
export function readTemplateApp(template: unknown, baseDir: string): TemplateApp {
  if (!isObject(template) || !isObject(template.Resources)) {
    throw new Error('not a SAM/CloudFormation template: no Resources section')
  }
  const resources = template.Resources as Record<string, Resource>
  const globalsOf = (section: string): Json =>
    isObject(template.Globals) && isObject(template.Globals[section])
      ? template.Globals[section]
      : {}
  const globals = globalsOf('Function')
  const typeOf = (id: string) => str(resources[id]?.Type)
  const functionIn = (value: unknown) =>
    references(value).find((id) => FUNCTION_TYPES.includes(typeOf(id) ?? ''))

  const routes: TemplateRoute[] = []
  const functions: Record<string, TemplateFunction> = {}
  const integrationTimeoutsMs: Record<string, number> = {}
  const timeoutOf = (route: TemplateRoute, value: unknown, endpoint: unknown) => {
    const ms = effectiveIntegrationTimeout(route.integration, value, endpoint)
    if (ms !== undefined) {
      integrationTimeoutsMs[`${route.integration} ${route.method} ${route.path}`] = ms
    }
  }
  for (const [id, resource] of Object.entries(resources)) {
    if (!isObject(resource)) continue
    const props = isObject(resource.Properties) ? resource.Properties : {}
    switch (resource.Type) {
      case 'AWS::Serverless::Function':
        functions[id] = samFunction(
          id,
          { ...globals, ...props },
          isObject(resource.Metadata) ? resource.Metadata : undefined,
          baseDir,
        )
        routes.push(
          ...samEvents(
            id,
            props,
            resources,
            functionIn,
            { Api: globalsOf('Api'), HttpApi: globalsOf('HttpApi') },
            timeoutOf,
          ),
        )
        break
      case 'AWS::Lambda::Function':
        functions[id] = lambdaFunction(
          id,
          props,
          isObject(resource.Metadata) ? resource.Metadata : undefined,
          baseDir,
        )
        break
      case 'AWS::ApiGateway::Method': {
        const integration = isObject(props.Integration) ? props.Integration : {}
        if (integration.Type !== 'AWS_PROXY') break
        const route = withAuthorizer(
          {
            method: (str(props.HttpMethod) ?? 'ANY').toUpperCase(),
            path: restPath(props.ResourceId, resources),
            integration: 'rest',
            functionId: functionIn(integration.Uri),
          },
          props.AuthorizationType === 'CUSTOM'
            ? cloudFormationAuthorizer(props.AuthorizerId, resources, functionIn)
            : undefined,
        )
        routes.push(route)
        const api = references(props.RestApiId)[0]
        timeoutOf(
          route,
          integration.TimeoutInMillis,
          api === undefined ? undefined : resources[api]?.Properties?.EndpointConfiguration,
        )
        break
      }
      case 'AWS::Serverless::Api':
      case 'AWS::ApiGateway::RestApi':
      case 'AWS::Serverless::HttpApi':
      case 'AWS::ApiGatewayV2::Api': {
        const sam = String(resource.Type).startsWith('AWS::Serverless::')
        const definition = openApiDefinition(
          sam
            ? (props.DefinitionBody ?? props.DefinitionUri)
            : (props.Body ?? props.BodyS3Location),
          baseDir,
          id,
        )
        const http =
          resource.Type === 'AWS::Serverless::HttpApi' || resource.Type === 'AWS::ApiGatewayV2::Api'
        if (definition !== undefined) routes.push(...openApiRoutes(definition, http, functionIn))
        break
      }
      case 'AWS::ApiGatewayV2::Route': {
        const target = references(props.Target).find(
          (ref) => typeOf(ref) === 'AWS::ApiGatewayV2::Integration',
        )
        const integration = target ? (resources[target]?.Properties ?? {}) : {}
        const authorizer =
          props.AuthorizationType === 'CUSTOM'
            ? cloudFormationAuthorizer(props.AuthorizerId, resources, functionIn)
            : undefined
        const found = routeKeyRoutes(
          str(props.RouteKey) ?? '$default',
          integration.PayloadFormatVersion === '1.0' ? 'http-v1' : 'http-v2',
          functionIn(integration.IntegrationUri),
        ).map((route) => withAuthorizer(route, authorizer))
        routes.push(...found)
        for (const route of found) timeoutOf(route, integration.TimeoutInMillis, undefined)
        break
      }
    }
  }
  return { routes: distinctRoutes(routes), functions, integrationTimeoutsMs }
}

/** REST and HTTP API integration timeouts as they take effect (§2.2, IT1). */
function effectiveIntegrationTimeout(
  integration: Integration,
  value: unknown,
  endpoint: unknown,
): number | undefined {
  const ms = seconds(value)
  if (ms === undefined || !Number.isFinite(ms) || ms < 50) return undefined
  if (integration !== 'rest') return Math.min(ms, 30_000)
  // Only Regional and private APIs can raise it above 29 s; edge-optimized is the default.
  const type = isObject(endpoint)
    ? (str(endpoint.Type) ?? strings(endpoint.Types)[0])
    : str(endpoint)
  return ms > 29_000 && (type ?? 'EDGE').toUpperCase() === 'EDGE' ? 29_000 : ms
}

/**
 * SAM adds an `Api` event's route to an API's OpenAPI definition too: keep one of each, the one
 * that knows the route's authorizer (the event's `Auth`) when only one does.
 */
function distinctRoutes(routes: TemplateRoute[]): TemplateRoute[] {
  const kept = new Map<string, TemplateRoute>()
  for (const route of routes) {
    const key = `${route.integration} ${route.method} ${route.path} ${route.functionId}`
    const seen = kept.get(key)
    if (seen === undefined || (seen.authorizer === undefined && route.authorizer !== undefined)) {
      kept.set(key, route)
    }
  }
  return [...kept.values()]
}

/**
 * An API's OpenAPI document: inline, `Fn::Transform` `AWS::Include` of a local file, or a local
 * `DefinitionUri`/`BodyS3Location` path. Definitions in S3 are not read (`undefined`).
 */
function openApiDefinition(value: unknown, baseDir: string, apiId: string): Json | undefined {
  if (typeof value === 'string') return readDefinition(value, baseDir, apiId)
  if (!isObject(value)) return undefined
  const transform = value['Fn::Transform']
  if (isObject(transform)) {
    const parameters = isObject(transform.Parameters) ? transform.Parameters : {}
    return transform.Name === 'AWS::Include'
      ? readDefinition(parameters.Location, baseDir, apiId)
      : undefined
  }
  return isObject(value.paths) ? value : undefined
}

function readDefinition(location: unknown, baseDir: string, apiId: string): Json | undefined {
  if (typeof location !== 'string' || /^s3:\/\//i.test(location)) return undefined
  const file = resolve(baseDir, location)
  if (!existsSync(file)) {
    throw new Error(`${apiId}: cannot find its OpenAPI definition ${location} (${file})`)
  }
  const document = parseDocumentText(readFileSync(file, 'utf8'), location)
  return isObject(document) ? document : undefined
}

const OPENAPI_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch']

/**
 * Routes of an OpenAPI definition whose `x-amazon-apigateway-integration` is a Lambda proxy
 * (`aws_proxy`). On an HTTP API, `payloadFormatVersion: '1.0'` is payload 1.0, else 2.0, and the
 * `$default` path is the catch-all route.
 */
function openApiRoutes(
  definition: Json,
  http: boolean,
  functionIn: (value: unknown) => string | undefined,
): TemplateRoute[] {
  const paths = isObject(definition.paths) ? definition.paths : {}
  const routes: TemplateRoute[] = []
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) continue
    for (const [key, operation] of Object.entries(item)) {
      const method = key === 'x-amazon-apigateway-any-method' ? 'ANY' : key.toUpperCase()
      if (method !== 'ANY' && !OPENAPI_METHODS.includes(key)) continue
      const integration = isObject(operation)
        ? operation['x-amazon-apigateway-integration']
        : undefined
      if (!isObject(integration) || str(integration.type)?.toLowerCase() !== 'aws_proxy') continue
      const kind: Integration = !http
        ? 'rest'
        : String(integration.payloadFormatVersion) === '1.0'
          ? 'http-v1'
          : 'http-v2'
      const functionId = functionIn(integration.uri)
      if (http && path === '$default') routes.push(...routeKeyRoutes('$default', kind, functionId))
      else routes.push({ method, path, integration: kind, functionId })
    }
  }
  return routes
}

/** `GET /orders/{id}` or `$default` (every request) as routes. */
function routeKeyRoutes(
  routeKey: string,
  integration: Integration,
  functionId: string | undefined,
): TemplateRoute[] {
  if (routeKey === '$default') {
    return ['/', '/{proxy+}'].map((path) => ({ method: 'ANY', path, integration, functionId }))
  }
  const [method = 'ANY', path = '/'] = routeKey.split(/\s+/)
  return [{ method: method.toUpperCase(), path, integration, functionId }]
}

/** The path of an `AWS::ApiGateway::Resource`, walking `ParentId` up to the API's root. */
function restPath(resourceId: unknown, resources: Record<string, Resource>, depth = 0): string {
  const id = references(resourceId)[0]
  const resource = id === undefined ? undefined : resources[id]
  if (resource?.Type !== 'AWS::ApiGateway::Resource' || depth > 50) return '/'
  const parent = restPath(resource.Properties?.ParentId, resources, depth + 1)
  return `${parent === '/' ? '' : parent}/${str(resource.Properties?.PathPart) ?? ''}`
}

function samEvents(
  id: string,
  props: Json,
  resources: Record<string, Resource>,
  functionIn: (value: unknown) => string | undefined,
  globals: { Api: Json; HttpApi: Json },
  timeoutOf: (route: TemplateRoute, value: unknown, endpoint: unknown) => void,
): TemplateRoute[] {
  const events = isObject(props.Events) ? props.Events : {}
  return Object.values(events).flatMap((event): TemplateRoute[] => {
    if (!isObject(event)) return []
    const eventProps = isObject(event.Properties) ? event.Properties : {}
    const method = (str(eventProps.Method) ?? 'ANY').toUpperCase()
    if (event.Type !== 'Api' && event.Type !== 'HttpApi') return []
    const rest = event.Type === 'Api'
    // An event without RestApiId/ApiId belongs to SAM's implicit API, configured by Globals.
    const apiId = references(rest ? eventProps.RestApiId : eventProps.ApiId)[0]
    const apiProps: Json =
      (apiId && resources[apiId]?.Properties) || (rest ? globals.Api : globals.HttpApi)
    const authorizer = samAuthorizer(apiProps, eventProps, rest, functionIn)
    if (rest) {
      const route = withAuthorizer(
        { method, path: str(eventProps.Path) ?? '/', integration: 'rest', functionId: id },
        authorizer,
      )
      // SAM's Globals.Api applies to every AWS::Serverless::Api, an explicit one too (IT1).
      const endpoint =
        apiProps.EndpointConfiguration ??
        (apiId !== undefined && resources[apiId]?.Type === 'AWS::Serverless::Api'
          ? globals.Api.EndpointConfiguration
          : undefined)
      timeoutOf(route, eventProps.TimeoutInMillis, endpoint)
      return [route]
    }
    const version = eventProps.PayloadFormatVersion ?? apiProps.PayloadFormatVersion
    const integration: Integration = version === '1.0' ? 'http-v1' : 'http-v2'
    // An HttpApi event without Path and Method is the API's `$default` route.
    const found =
      eventProps.Path === undefined && eventProps.Method === undefined
        ? routeKeyRoutes('$default', integration, id).map((r) => withAuthorizer(r, authorizer))
        : [
            withAuthorizer(
              {
                method: method === 'X-AMAZON-APIGATEWAY-ANY-METHOD' ? 'ANY' : method,
                path: str(eventProps.Path) ?? '/',
                integration,
                functionId: id,
              },
              authorizer,
            ),
          ]
    for (const route of found) timeoutOf(route, eventProps.TimeoutInMillis, undefined)
    return found
  })
}

const withAuthorizer = (
  route: TemplateRoute,
  authorizer: TemplateAuthorizer | undefined,
): TemplateRoute => (authorizer ? { ...route, authorizer } : route)

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []

const seconds = (value: unknown): number | undefined =>
  typeof value === 'number'
    ? value
    : typeof value === 'string' && value !== ''
      ? Number(value)
      : undefined

/**
 * The Lambda authorizer SAM puts in front of an `Api`/`HttpApi` event: the event's `Auth.Authorizer`,
 * else the API's `Auth.DefaultAuthorizer`; `NONE`, IAM, Cognito and JWT authorizers are not Lambda ones.
 */
function samAuthorizer(
  apiProps: Json,
  eventProps: Json,
  rest: boolean,
  functionIn: (value: unknown) => string | undefined,
): TemplateAuthorizer | undefined {
  const auth = isObject(apiProps.Auth) ? apiProps.Auth : {}
  const eventAuth = isObject(eventProps.Auth) ? eventProps.Auth : {}
  const name = str(eventAuth.Authorizer) ?? str(auth.DefaultAuthorizer)
  const authorizers = isObject(auth.Authorizers) ? auth.Authorizers : {}
  const definition = name === undefined ? undefined : authorizers[name]
  if (name === undefined || !isObject(definition) || definition.FunctionArn === undefined) return
  const identity = isObject(definition.Identity) ? definition.Identity : {}
  const ttl = seconds(identity.ReauthorizeEvery)
  const functionId = functionIn(definition.FunctionArn)
  if (rest) {
    const request = definition.FunctionPayloadType === 'REQUEST'
    return {
      name,
      functionId,
      type: request ? 'request' : 'token',
      identitySource: request
        ? [
            ...strings(identity.Headers).map((h) => `method.request.header.${h}`),
            ...strings(identity.QueryStrings).map((q) => `method.request.querystring.${q}`),
          ]
        : [`method.request.header.${str(identity.Header) ?? 'Authorization'}`],
      ...(ttl === undefined ? {} : { resultTtlSeconds: ttl }),
    }
  }
  return {
    name,
    functionId,
    type: String(definition.AuthorizerPayloadFormatVersion) === '1.0' ? 'http-v1' : 'http-v2',
    ...(definition.EnableSimpleResponses === true ? { responseFormat: 'simple' as const } : {}),
    identitySource: [
      ...strings(identity.Headers).map((h) => `$request.header.${h}`),
      ...strings(identity.QueryStrings).map((q) => `$request.querystring.${q}`),
    ],
    ...(ttl === undefined ? {} : { resultTtlSeconds: ttl }),
  }
}

/** `AWS::ApiGateway::Authorizer` (REST) or `AWS::ApiGatewayV2::Authorizer` (HTTP API) of type Lambda. */
function cloudFormationAuthorizer(
  authorizerId: unknown,
  resources: Record<string, Resource>,
  functionIn: (value: unknown) => string | undefined,
): TemplateAuthorizer | undefined {
  const id = references(authorizerId)[0]
  const resource = id === undefined ? undefined : resources[id]
  const props = isObject(resource?.Properties) ? resource.Properties : {}
  const ttl = seconds(props.AuthorizerResultTtlInSeconds)
  const ttlPart = ttl === undefined ? {} : { resultTtlSeconds: ttl }
  if (id === undefined) return
  if (resource?.Type === 'AWS::ApiGateway::Authorizer') {
    if (props.Type !== 'TOKEN' && props.Type !== 'REQUEST') return
    return {
      name: id,
      functionId: functionIn(props.AuthorizerUri),
      type: props.Type === 'REQUEST' ? 'request' : 'token',
      identitySource: (str(props.IdentitySource) ?? 'method.request.header.Authorization')
        .split(',')
        .map((source) => source.trim())
        .filter((source) => source !== ''),
      ...ttlPart,
    }
  }
  if (resource?.Type === 'AWS::ApiGatewayV2::Authorizer' && props.AuthorizerType === 'REQUEST') {
    return {
      name: id,
      functionId: functionIn(props.AuthorizerUri),
      type: String(props.AuthorizerPayloadFormatVersion) === '1.0' ? 'http-v1' : 'http-v2',
      ...(props.EnableSimpleResponses === true ? { responseFormat: 'simple' as const } : {}),
      identitySource: strings(props.IdentitySource),
      ...ttlPart,
    }
  }
  return undefined
}

const CODE_EXTENSIONS = ['.mjs', '.js', '.cjs', '.ts', '.mts', '.cts']

/** `handler.handler` → file `handler`, export `handler`; `src/app.lambdaHandler` too. */
function splitHandler(handler: string): { file: string; exportName: string } {
  const dot = handler.lastIndexOf('.')
  return dot < 0
    ? { file: handler, exportName: 'handler' }
    : { file: handler.slice(0, dot), exportName: handler.slice(dot + 1) }
}

/** `dir/file.mjs`, `dir/file.js`, …: where a build may have put the handler's module. */
function sourceFiles(codeDir: string, file: string): string[] {
  return CODE_EXTENSIONS.map((extension) => join(codeDir, `${file}${extension}`))
}

/**
 * The function's code is the first candidate that exists; all candidates are kept as `searched`
 * so that a function whose code is missing can say where it was looked for.
 */
function located(id: string, exportName: string, candidates: string[]): TemplateFunction {
  const found = candidates.find((file) => existsSync(file))
  return { id, ...(found ? { target: `${found}#${exportName}` } : {}), searched: candidates }
}

function samFunction(
  id: string,
  props: Json,
  metadata: Json | undefined,
  baseDir: string,
): TemplateFunction {
  const handler = str(props.Handler) ?? 'index.handler'
  const inlineCode = str(props.InlineCode)
  if (inlineCode !== undefined) return { id, inline: { code: inlineCode, handler }, searched: [] }
  const { file, exportName } = splitHandler(handler)
  const codeDir = resolve(baseDir, str(props.CodeUri) ?? '.')
  const candidates: string[] = []
  // `sam build` with esbuild bundles these sources: serve them as they are.
  const build =
    isObject(metadata) && isObject(metadata.BuildProperties) ? metadata.BuildProperties : {}
  const entryPoints = Array.isArray(build.EntryPoints)
    ? build.EntryPoints.filter((e) => typeof e === 'string')
    : []
  const named = entryPoints.filter((entry) => basename(entry, extname(entry)) === basename(file))
  for (const entry of [...named, ...entryPoints]) candidates.push(resolve(codeDir, entry))
  candidates.push(...sourceFiles(codeDir, file))
  return located(id, exportName, candidates)
}

function lambdaFunction(
  id: string,
  props: Json,
  metadata: Json | undefined,
  baseDir: string,
): TemplateFunction {
  const handler = str(props.Handler) ?? 'index.handler'
  const code = isObject(props.Code) ? props.Code : {}
  const zipFile = str(code.ZipFile)
  if (zipFile !== undefined) return { id, inline: { code: zipFile, handler }, searched: [] }
  // A CDK asset (`aws:asset:path`, relative to the cloud assembly) holds the bundled code; code in
  // S3 is looked for beside the template, where a local build would put it.
  const assetPath = isObject(metadata) ? str(metadata['aws:asset:path']) : undefined
  const { file, exportName } = splitHandler(handler)
  const codeDir = resolve(baseDir, assetPath ?? '.')
  return located(id, exportName, sourceFiles(codeDir, file))
}
