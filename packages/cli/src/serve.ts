import { type AuthorizerType, describeThrown, type Integration } from '@gateproof/core'
import {
  type AnyHandler,
  type Exchange,
  HANDLER_STREAMING,
  type LocalGatewayOptions,
  startLocalGateway,
} from '@gateproof/testing'
import {
  type CommandHelp,
  type FlagValue,
  helpText,
  parseCommandArgs,
  type SettingOption,
  TIMEOUT_MS_RANGE,
  templateOption,
  wholeNumber,
} from './args.js'
import { type Command, type CommandIo, EXIT_OK, UsageError } from './command.js'
import { FRONT_DOOR, INTEGRATION_NAMES, parseIntegration } from './integrations.js'
import { loadHandler } from './load-handler.js'
import { templateHandlers } from './template-handlers.js'
import { loadTemplate } from './template-source.js'
import { judge, printable } from './verdict.js'

/** What the flags of `serve` configure: the local gateway's options plus where the handler comes from. */
export interface ServeSettings {
  integration?: Integration
  /** `METHOD /path/{param}` entries from `--route`. */
  routes: string[]
  /** SAM/CloudFormation template or CDK app whose routes and functions are served. */
  template?: string
  /** The local gateway's options that flags set directly. */
  gateway: Partial<Omit<LocalGatewayOptions, 'handler' | 'integration' | 'routes'>>
  /** A Lambda authorizer in front of every route (issue 16): `--authorizer` and its flags. */
  authorizer?: { target?: string; type?: string; identitySource: string[] }
}

const AUTHORIZER_TYPES = ['token', 'request', 'http-v1', 'http-v2', 'http-v2-simple']
const authorizerSettings = (s: ServeSettings) => {
  s.authorizer ??= { identitySource: [] }
  return s.authorizer
}

/** A flag of `serve`: its parsing, its `--help` line and what it sets, in one table entry. */
export type ServeOption = SettingOption<ServeSettings>

const text = (value: FlagValue): string => String(value)

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY']

/** `'GET /orders/{id}'` (or `/orders/{id}` for any method) → `GET /orders/{id}`. */
export function parseRoute(route: string): string {
  const match = /^(?:([A-Za-z]+)\s+)?(\/\S*)$/.exec(route.trim())
  const method = (match?.[1] ?? 'ANY').toUpperCase()
  if (!match || !METHODS.includes(method)) {
    throw new UsageError(
      `--route "${route}" is not '<METHOD> /path' (METHOD one of ${METHODS.join(', ')})`,
    )
  }
  return `${method} ${match[2]}`
}

type WholeNumberSetting =
  | 'port'
  | 'integrationTimeoutMs'
  | 'functionTimeoutMs'
  | 'reservedConcurrency'

/** A `--<flag> <n>` that sets one whole-number option of the local gateway, so each such flag is one line. */
function gatewayWholeNumber(
  name: string,
  key: WholeNumberSetting,
  help: string,
  range: { min?: number; max?: number } = {},
): ServeOption {
  return {
    name,
    type: 'string',
    value: '<n>',
    help,
    apply: (value, s) => {
      s.gateway[key] = wholeNumber(name, text(value), range)
    },
  }
}

// Adding a flag to serve is adding one entry here.
export const SERVE_OPTIONS: ServeOption[] = [
  {
    name: 'route',
    type: 'string',
    multiple: true,
    value: "'<METHOD> <path>'",
    help: "a route of the API, e.g. 'GET /orders/{id}' or 'ANY /files/{path+}': fills pathParameters",
    apply: (value, s) => s.routes.push(...(value as string[]).map(parseRoute)),
  },
  templateOption<ServeSettings>(
    'serve the routes and functions of a SAM/CloudFormation template, cdk.out, or CDK app (cdk.json)',
  ),
  {
    name: 'integration',
    type: 'string',
    value: '<name>',
    help: `front door: ${INTEGRATION_NAMES} (default rest)`,
    apply: (value, s) => {
      s.integration = parseIntegration(text(value))
    },
  },
  gatewayWholeNumber('port', 'port', 'port to listen on (default 3000; 0 picks a free one)', {
    max: 65_535,
  }),
  {
    name: 'host',
    type: 'string',
    value: '<address>',
    help: 'address to listen on (default 127.0.0.1, loopback only)',
    apply: (value, s) => {
      s.gateway.host = text(value)
    },
  },
  gatewayWholeNumber(
    'integration-timeout-ms',
    'integrationTimeoutMs',
    "the gateway's timeout (default: a template route's TimeoutInMillis, else REST 29000, HTTP API 30000, none for ALB/Function URL)",
    TIMEOUT_MS_RANGE,
  ),
  gatewayWholeNumber(
    'function-timeout-ms',
    'functionTimeoutMs',
    "the function's configured timeout (default: each template function's Timeout, else 30000)",
    TIMEOUT_MS_RANGE,
  ),
  gatewayWholeNumber(
    'reserved-concurrency',
    'reservedConcurrency',
    "invocations beyond n at once are Lambda throttles (default: each template function's ReservedConcurrentExecutions)",
  ),
  {
    name: 'binary-media-type',
    type: 'string',
    multiple: true,
    value: '<type>',
    help: "REST binaryMediaTypes entry, e.g. 'image/png'",
    apply: (value, s) => {
      s.gateway.binaryMediaTypes = [...(s.gateway.binaryMediaTypes ?? []), ...(value as string[])]
    },
  },
  {
    name: 'authorizer',
    type: 'string',
    value: '<module>#<export>',
    help: 'a Lambda authorizer in front of every route (REST TOKEN/REQUEST, HTTP API)',
    apply: (value, s) => {
      authorizerSettings(s).target = text(value)
    },
  },
  {
    name: 'authorizer-type',
    type: 'string',
    value: '<type>',
    help: `${AUTHORIZER_TYPES.join(', ')} (default token for REST, http-v2-simple for HTTP API)`,
    apply: (value, s) => {
      if (!AUTHORIZER_TYPES.includes(text(value))) {
        throw new UsageError(`--authorizer-type must be one of ${AUTHORIZER_TYPES.join(', ')}`)
      }
      authorizerSettings(s).type = text(value)
    },
  },
  {
    name: 'identity-source',
    type: 'string',
    multiple: true,
    value: '<source>',
    help: "the authorizer's identity source, e.g. Authorization or '$request.querystring.key' (default Authorization)",
    apply: (value, s) => {
      authorizerSettings(s).identitySource.push(...(value as string[]))
    },
  },
  {
    name: 'alb-multi-value-headers',
    type: 'boolean',
    help: 'ALB target group with multi-value headers on',
    apply: (value, s) => {
      s.gateway.albMultiValueHeaders = value === true
    },
  },
]

export const SERVE_HELP: CommandHelp = {
  name: 'serve',
  synopsis: '[<module>#<export>] [--template <file>] [options]',
  description: [
    'Serves a Lambda handler on loopback as its front door would: events of that front door, a',
    'counting-down context, the integration timeout, and the client’s view of every outcome',
    "(a malformed response is the gateway's 502, as deployed). With routes, a request no route",
    'matches gets the gateway’s own answer (REST 403, HTTP API 404). Ctrl-C or SIGTERM stops it.',
    '<export> defaults to "handler"; modules may be .mjs, .js, .cjs or .ts. With --template the',
    'routes and the function behind each come from the template; a <module>#<export> given too',
    'serves every route.',
  ].join('\n'),
  options: SERVE_OPTIONS,
  examples: [
    "gateproof serve ./dist/handler.js#handler --route 'GET /orders/{id}' --port 3000",
    'gateproof serve src/handler.ts --integration http-api --reserved-concurrency 5',
    'gateproof serve --template examples/rest-api/template.yaml',
    'gateproof serve --template cdk.json --port 0',
    'gateproof serve src/orders.ts#restOrders --authorizer src/token-authorizer.ts#handler',
  ],
}

/** Parses serve's argv into settings and the handler target. */
export function parseServeArgs(argv: string[]): {
  help: boolean
  target: string | undefined
  settings: ServeSettings
} {
  const { values, positionals } = parseCommandArgs(SERVE_HELP, argv)
  const settings: ServeSettings = { routes: [], gateway: { port: 3000 } }
  for (const option of SERVE_OPTIONS) {
    const value = values[option.name]
    if (value !== undefined) option.apply(value, settings)
  }
  if (positionals.length > 1) {
    throw new UsageError(`serve takes one <module>#<export>, got ${positionals.join(' ')}`)
  }
  return { help: values.help === true, target: positionals[0], settings }
}

/**
 * Resolves when SIGINT/SIGTERM arrives, `io.signal` aborts, or — when a package runner started
 * the CLI — that runner exits: `npm exec` does not pass SIGTERM on, and its child would be left
 * listening (issue 13).
 */
function stopRequested(io: CommandIo): Promise<string> {
  return new Promise((resolve) => {
    const parent = process.ppid
    const watch =
      process.env.npm_execpath === undefined
        ? undefined
        : setInterval(() => {
            if (process.ppid !== parent) stop('package runner exited')
          }, 250).unref()
    const stop = (reason: string) => {
      process.off('SIGINT', onInt)
      process.off('SIGTERM', onTerm)
      io.signal?.removeEventListener('abort', onAbort)
      clearInterval(watch)
      resolve(reason)
    }
    const onInt = () => stop('SIGINT')
    const onTerm = () => stop('SIGTERM')
    const onAbort = () => stop('abort')
    process.once('SIGINT', onInt)
    process.once('SIGTERM', onTerm)
    if (io.signal?.aborted) stop('abort')
    else io.signal?.addEventListener('abort', onAbort, { once: true })
  })
}

const logExchange =
  (io: CommandIo, integration: Integration, albMultiValueHeaders: boolean) =>
  (exchange: Exchange) => {
    io.stdout.write(
      `${exchange.method} ${exchange.path} → ${exchange.outcome} → ${exchange.response.status} (${exchange.durationMs} ms)\n`,
    )
    const why = whyGatewayAnswered(exchange, integration, albMultiValueHeaders)
    if (why) io.stdout.write(`  ↳ ${why}\n`)
  }

/**
 * Why the client got the front door's own error instead of the function's answer — what a
 * deployed API shows nobody (execution logs are off): the rule the result broke, or what was
 * thrown, and what to do about it.
 */
export function whyGatewayAnswered(
  exchange: Exchange,
  integration: Integration,
  albMultiValueHeaders: boolean,
): string | undefined {
  const fn = exchange.function
  if (!fn || !exchange.response.gatewayError) return undefined
  if (fn.kind === 'threw') {
    const thrown = describeThrown(fn.error)
    return `the handler threw ${printable(thrown.name)}: ${printable(thrown.message)} — Lambda reports a function error; gateproof() would answer it as problem+json`
  }
  if (fn.kind === 'returned') {
    const verdict = judge(integration, { name: '', request: '' }, fn, {
      waitMs: 0,
      albMultiValueHeaders,
    })
    const first = verdict.findings.find((finding) => finding.severity === 'error')
    if (!first) return undefined
    const fix =
      first.rule === 'body-type'
        ? '; JSON.stringify the body, or wrap the handler in gateproof() (proxy-shape repairs it)'
        : '; wrap the handler in gateproof(), or run gateproof check on it'
    return `because ${printable(first.message)}${first.row ? ` (${first.row})` : ''}${fix}`
  }
  return undefined
}

export async function runServe(argv: string[], io: CommandIo): Promise<number> {
  const { help, target, settings } = parseServeArgs(argv)
  if (help) {
    io.stdout.write(helpText(SERVE_HELP))
    return EXIT_OK
  }
  if (!target && !settings.template) {
    throw new UsageError('serve needs <module>#<export> or --template <file>')
  }
  const served = settings.template
    ? await fromTemplate(settings, target, io)
    : await fromTarget(settings, target as string, io)
  try {
    const integration = served.integration
    if (served.routeAuthorizers && settings.authorizer) {
      throw new UsageError(
        'the template puts its own Lambda authorizers in front of its routes: drop --authorizer',
      )
    }
    const gateway = await startLocalGateway({
      ...settings.gateway,
      ...(await authorizerOption(settings, integration, io)),
      ...(served.routeAuthorizers ? { routeAuthorizers: served.routeAuthorizers } : {}),
      ...functionTimeouts(settings, served),
      // Each function's ReservedConcurrentExecutions, unless --reserved-concurrency sets one for all.
      ...(settings.gateway.reservedConcurrency === undefined && served.routeReservedConcurrency
        ? { routeReservedConcurrency: served.routeReservedConcurrency }
        : {}),
      ...(settings.gateway.integrationTimeoutMs === undefined && served.routeIntegrationTimeoutMs
        ? { routeIntegrationTimeoutMs: served.routeIntegrationTimeoutMs }
        : {}),
      handler: served.handler,
      integration,
      routes: served.routes,
      onlyRoutes: served.routes.length > 0,
      onExchange: logExchange(io, integration, settings.gateway.albMultiValueHeaders ?? false),
    }).catch((error: unknown) => {
      if ((error as { code?: unknown }).code !== 'EADDRINUSE') throw error
      throw new Error(
        `port ${settings.gateway.port} is in use: pick another with --port (0 picks a free one)`,
      )
    })
    io.stdout.write(
      `gateproof: ${FRONT_DOOR[integration]} front door for ${served.what} on ${gateway.url}\n`,
    )
    for (const line of served.describe) io.stdout.write(`  ${line}\n`)
    const note = streamingNote(served.handler, integration)
    if (note) io.stdout.write(`  ${note}\n`)
    const reason = await stopRequested(io)
    await gateway.close()
    io.stdout.write(`gateproof: stopped (${reason})\n`)
    return EXIT_OK
  } finally {
    served.dispose()
  }
}

/** Says how a streaming handler is served: chunk by chunk (REST STREAM, Function URL RESPONSE_STREAM) or whole. */
function streamingNote(handler: AnyHandler, integration: Integration): string | undefined {
  if ((handler as unknown as Record<symbol, unknown>)[HANDLER_STREAMING] !== 'response') return
  return integration === 'rest' || integration === 'function-url'
    ? 'streaming handler: status and headers when the prelude is written, then each write as a chunk (ST2, ST3)'
    : `streaming handler: ${FRONT_DOOR[integration]} does not stream, the response arrives whole (${integration === 'alb' ? 'ST32' : 'ST31'})`
}

interface Served {
  what: string
  integration: Integration
  handler: AnyHandler
  routes: string[]
  describe: string[]
  routeAuthorizers?: LocalGatewayOptions['routeAuthorizers']
  /** Each route's function timeout from the template (its function's `Timeout`). */
  routeFunctionTimeoutMs?: Record<string, number>
  /** The routes whose API sets its own integration timeout (`TimeoutInMillis`). */
  routeIntegrationTimeoutMs?: Record<string, number>
  /** The routes whose function the template reserves concurrency for. */
  routeReservedConcurrency?: LocalGatewayOptions['routeReservedConcurrency']
  dispose(): void
}

async function fromTarget(settings: ServeSettings, target: string, io: CommandIo): Promise<Served> {
  return {
    what: target,
    integration: settings.integration ?? 'rest',
    handler: await loadHandler(target, io.cwd),
    routes: settings.routes,
    describe: settings.routes,
    dispose: () => undefined,
  }
}

async function fromTemplate(
  settings: ServeSettings,
  target: string | undefined,
  io: CommandIo,
): Promise<Served> {
  if (settings.routes.length > 0) {
    throw new UsageError('--route does not apply with --template: the template’s routes are served')
  }
  const template = await loadTemplate(settings.template as string, io.cwd)
  try {
    const app = await templateHandlers(template.app, {
      ...(settings.integration ? { integration: settings.integration } : {}),
      ...(target ? { target } : {}),
      cwd: io.cwd,
    })
    return {
      what: template.source,
      integration: app.integration,
      handler: app.handler,
      routes: app.routes.map((route) => `${route.method} ${route.path}`),
      describe: app.describe,
      ...(app.routeAuthorizers ? { routeAuthorizers: app.routeAuthorizers } : {}),
      routeFunctionTimeoutMs: Object.fromEntries(
        app.routes.flatMap((route) => {
          const fn =
            route.functionId === undefined ? undefined : template.app.functions[route.functionId]
          return fn?.timeoutMs === undefined
            ? []
            : [[`${route.method} ${route.path}`, fn.timeoutMs]]
        }),
      ),
      routeReservedConcurrency: Object.fromEntries(
        app.routes.flatMap((route) => {
          const fn =
            route.functionId === undefined ? undefined : template.app.functions[route.functionId]
          return fn?.reservedConcurrency === undefined
            ? []
            : [
                [
                  `${route.method} ${route.path}`,
                  { functionId: fn.id, limit: fn.reservedConcurrency },
                ],
              ]
        }),
      ),
      routeIntegrationTimeoutMs: Object.fromEntries(
        app.routes.flatMap((route) => {
          const ms =
            template.app.integrationTimeoutsMs?.[
              `${route.integration} ${route.method} ${route.path}`
            ]
          return ms === undefined ? [] : [[`${route.method} ${route.path}`, ms]]
        }),
      ),
      dispose: () => {
        app.dispose()
        template.dispose()
      },
    }
  } catch (error) {
    template.dispose()
    throw error
  }
}

/**
 * The function timeouts of a template's routes, as deployed: each function's own `Timeout`
 * (Lambda's default 3 s when unset), unless `--function-timeout-ms` sets one for all.
 */
function functionTimeouts(
  settings: ServeSettings,
  served: Served,
): Pick<LocalGatewayOptions, 'functionTimeoutMs' | 'routeFunctionTimeoutMs'> {
  const byRoute = served.routeFunctionTimeoutMs ?? {}
  const timeouts = Object.values(byRoute)
  if (settings.gateway.functionTimeoutMs !== undefined || timeouts.length === 0) return {}
  // The longest as the default: a route without its own never ends sooner than one with it.
  return { functionTimeoutMs: Math.max(...timeouts), routeFunctionTimeoutMs: byRoute }
}

/** The local gateway's `authorizer` option from `--authorizer`, `--authorizer-type`, `--identity-source`. */
async function authorizerOption(
  settings: ServeSettings,
  integration: Integration,
  io: CommandIo,
): Promise<Pick<LocalGatewayOptions, 'authorizer'>> {
  const wanted = settings.authorizer
  if (wanted === undefined) return {}
  if (wanted.target === undefined) {
    throw new UsageError(
      '--authorizer-type and --identity-source need --authorizer <module>#<export>',
    )
  }
  const type = wanted.type ?? (integration === 'rest' ? 'token' : 'http-v2-simple')
  const simple = type === 'http-v2-simple'
  return {
    authorizer: {
      handler: await loadHandler(wanted.target, io.cwd),
      type: simple ? 'http-v2' : (type as AuthorizerType),
      ...(simple ? { responseFormat: 'simple' as const } : {}),
      ...(wanted.identitySource.length > 0 ? { identitySource: wanted.identitySource } : {}),
    },
  }
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve a handler behind a local API Gateway / ALB / Function URL front door',
  run: runServe,
}
