import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import {
  DEFAULT_INTEGRATION_TIMEOUT_MS,
  detectIntegration,
  INTEGRATIONS,
  type Integration,
} from '@gateproof/core'
import { type AnyHandler, HANDLER_STREAMING } from '@gateproof/testing'
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
import { type Command, type CommandIo, EXIT_FINDINGS, EXIT_OK, UsageError } from './command.js'
import { FRONT_DOOR, INTEGRATION_NAMES, parseIntegration } from './integrations.js'
import { invokeOnce } from './invoke.js'
import { loadHandler } from './load-handler.js'
import { type ProbeRoute, probesFor } from './probes.js'
import { formatJson, formatText } from './report.js'
import { parseRoute } from './serve.js'
import { invokeStreamingOnce, judgeStreamed } from './stream-verdict.js'
import { NO_API_ROUTES, templateHandlers } from './template-handlers.js'
import { loadTemplate } from './template-source.js'
import { type CheckResult, judge, type Severity } from './verdict.js'

/** What the flags of `check` configure. */
export interface CheckSettings {
  integrations: Integration[]
  events: string[]
  routes: ProbeRoute[]
  template?: string
  json: boolean
  /** The lowest severity that fails the run (exit 1). */
  failOn: Severity
  timeoutMs?: number
  /** `--function-timeout-ms`; without it, each template function's `Timeout`, else 30 000. */
  functionTimeoutMs?: number
  albMultiValueHeaders: boolean
}

/** The function timeout `check` assumes without `--function-timeout-ms` or a template's `Timeout`. */
const DEFAULT_FUNCTION_TIMEOUT_MS = 30_000

export type CheckOption = SettingOption<CheckSettings>

const list = (value: FlagValue) => value as string[]

// Adding a flag to check is adding one entry here.
export const CHECK_OPTIONS: CheckOption[] = [
  {
    name: 'integration',
    type: 'string',
    multiple: true,
    value: '<name>',
    help: `front door to check: ${INTEGRATION_NAMES} (default: all five, or the template's)`,
    apply: (value, s) => s.integrations.push(...list(value).map(parseIntegration)),
  },
  {
    name: 'event',
    type: 'string',
    multiple: true,
    value: '<file.json>',
    help: 'send this event instead of the generated ones; its front door is detected from it',
    apply: (value, s) => s.events.push(...list(value)),
  },
  {
    name: 'route',
    type: 'string',
    multiple: true,
    value: "'<METHOD> <path>'",
    help: "route the generated events take, e.g. 'GET /orders/{id}' (default: ANY /orders/{id})",
    apply: (value, s) => {
      for (const route of list(value)) {
        const [method = 'ANY', path = '/'] = parseRoute(route).split(' ')
        s.routes.push({ method, path })
      }
    },
  },
  templateOption<CheckSettings>(
    'check the routes and functions of a SAM/CloudFormation template, cdk.out, or CDK app',
  ),
  {
    name: 'json',
    type: 'boolean',
    help: 'print the results as JSON (for CI)',
    apply: (value, s) => {
      s.json = value === true
    },
  },
  {
    name: 'fail-on',
    type: 'string',
    value: '<severity>',
    help: 'exit 1 on findings of this severity or worse: warning (default) or error',
    apply: (value, s) => {
      if (value !== 'warning' && value !== 'error') {
        throw new UsageError(`--fail-on must be warning or error, got "${String(value)}"`)
      }
      s.failOn = value
    },
  },
  {
    name: 'timeout-ms',
    type: 'string',
    value: '<n>',
    help: 'how long to wait for the handler (default: the integration timeout, else the function timeout; never past the function timeout)',
    apply: (value, s) => {
      s.timeoutMs = wholeNumber('timeout-ms', String(value), TIMEOUT_MS_RANGE)
    },
  },
  {
    name: 'function-timeout-ms',
    type: 'string',
    value: '<n>',
    help: "the function's configured timeout: the context's remaining time (default: the template's Timeout, else 30000)",
    apply: (value, s) => {
      s.functionTimeoutMs =
        wholeNumber('function-timeout-ms', String(value), TIMEOUT_MS_RANGE) ??
        DEFAULT_FUNCTION_TIMEOUT_MS
    },
  },
  {
    name: 'alb-multi-value-headers',
    type: 'boolean',
    help: 'ALB target group with multi-value headers on',
    apply: (value, s) => {
      s.albMultiValueHeaders = value === true
    },
  },
]

export const CHECK_HELP: CommandHelp = {
  name: 'check',
  synopsis: '[<module>#<export>] [--template <file>] [options]',
  description: [
    'Invokes a handler with the events of each front door — an ordinary request and hostile ones',
    '(a malformed JSON body, CR/LF/NUL in the query and path, a binary body) — and reports what',
    'the client of each front door would receive and why, by the rules of gateway-facts.md.',
    'Exit code 1 on any finding (with --fail-on error, on errors only): an error is a response',
    'the front door replaces with its own (REST 502, HTTP API 500…); a warning is a rule broken',
    'that the front door delivers anyway (a header carrying CR/LF/NUL). The handler’s own output',
    'goes to stderr. An --event file arrives now: its time fields are updated. A streaming handler',
    '(awslambda.streamifyResponse) is invoked with a response stream and its prelude checked (§11).',
  ].join('\n'),
  options: CHECK_OPTIONS,
  examples: [
    'gateproof check ./dist/handler.js#handler',
    'gateproof check src/handler.ts --integration rest --route "GET /orders/{id}" --json',
    'gateproof check --template examples/rest-api/template.yaml',
    'gateproof check ./dist/handler.js --event events/get-order.json',
  ],
}

export function parseCheckArgs(argv: string[]): {
  help: boolean
  target: string | undefined
  settings: CheckSettings
} {
  const { values, positionals } = parseCommandArgs(CHECK_HELP, argv)
  const settings: CheckSettings = {
    integrations: [],
    events: [],
    routes: [],
    json: false,
    failOn: 'warning',
    albMultiValueHeaders: false,
  }
  for (const option of CHECK_OPTIONS) {
    const value = values[option.name]
    if (value !== undefined) option.apply(value, settings)
  }
  if (positionals.length > 1) {
    throw new UsageError(`check takes one <module>#<export>, got ${positionals.join(' ')}`)
  }
  return { help: values.help === true, target: positionals[0], settings }
}

/** One handler to check on one front door, and the requests to send it. */
interface Subject {
  integration: Integration
  handler: AnyHandler
  sends: Array<{
    name: string
    request: string
    event: unknown
    /** The template function's `Timeout` behind the route, in ms. */
    functionTimeoutMs?: number
    /** The route's own integration timeout (`TimeoutInMillis`), as it takes effect. */
    integrationTimeoutMs?: number
  }>
}

async function userEvents(settings: CheckSettings, cwd: string) {
  return Promise.all(
    settings.events.map(async (file) => {
      let event: unknown
      try {
        event = JSON.parse(await readFile(resolve(cwd, file), 'utf8'))
      } catch (error) {
        throw new UsageError(`cannot read the event ${file}: ${(error as Error).message}`)
      }
      const integration =
        settings.integrations.length === 1 ? settings.integrations[0] : detectIntegration(event)
      if (!integration) {
        throw new UsageError(
          `${file} is not an event of any HTTP front door; name one with --integration`,
        )
      }
      return { integration, send: { name: file, request: file, event: arrivingNow(event) } }
    }),
  )
}

async function subjects(
  target: string | undefined,
  settings: CheckSettings,
  io: CommandIo,
): Promise<{ subjects: Subject[]; dispose(): void }> {
  if (settings.template) {
    // The template says the routes and builds the events: flags that would say otherwise are refused.
    if (settings.routes.length > 0) {
      throw new UsageError(
        '--route does not apply with --template: the template’s routes are checked',
      )
    }
    if (settings.events.length > 0) {
      throw new UsageError(
        '--event does not apply with --template: check the event with <module>#<export> --event',
      )
    }
    const template = await loadTemplate(settings.template, io.cwd)
    const disposers = [template.dispose]
    try {
      const kinds = [...new Set(template.app.routes.map((r) => r.integration))].filter(
        (kind) => settings.integrations.length === 0 || settings.integrations.includes(kind),
      )
      const found: Subject[] = []
      for (const integration of kinds) {
        const app = await templateHandlers(template.app, {
          integration,
          ...(target ? { target } : {}),
          cwd: io.cwd,
        })
        disposers.push(app.dispose)
        const sends = app.routes.flatMap((route) => {
          // Each route's function has its own timeout (Lambda's default 3 s when unset).
          const timeoutMs =
            route.functionId === undefined
              ? undefined
              : template.app.functions[route.functionId]?.timeoutMs
          const gatewayMs =
            template.app.integrationTimeoutsMs?.[
              `${route.integration} ${route.method} ${route.path}`
            ]
          return probesFor(integration, route).map((probe) => ({
            ...probe,
            ...(timeoutMs === undefined ? {} : { functionTimeoutMs: timeoutMs }),
            ...(gatewayMs === undefined ? {} : { integrationTimeoutMs: gatewayMs }),
          }))
        })
        found.push({ integration, handler: app.handler, sends })
      }
      if (found.length === 0) {
        const has = [...new Set(template.app.routes.map((r) => r.integration))]
        if (has.length === 0) throw new UsageError(NO_API_ROUTES)
        throw new UsageError(
          `the template has no ${settings.integrations.map((k) => FRONT_DOOR[k]).join(' or ')} routes (it has ${has.map((k) => FRONT_DOOR[k]).join(' and ')} routes)`,
        )
      }
      return {
        subjects: found,
        dispose: () => {
          for (const dispose of disposers) dispose()
        },
      }
    } catch (error) {
      for (const dispose of disposers) dispose()
      throw error
    }
  }
  if (!target) throw new UsageError('check needs <module>#<export> or --template <file>')
  const handler = await loadHandler(target, io.cwd)
  if (settings.events.length > 0) {
    const events = await userEvents(settings, io.cwd)
    return {
      subjects: events.map(({ integration, send }) => ({ integration, handler, sends: [send] })),
      dispose: () => undefined,
    }
  }
  const integrations = settings.integrations.length > 0 ? settings.integrations : [...INTEGRATIONS]
  const routes =
    settings.routes.length > 0 ? settings.routes : [{ method: 'ANY', path: '/orders/{id}' }]
  return {
    subjects: integrations.map((integration) => ({
      integration,
      handler,
      sends: routes.flatMap((route) => probesFor(integration, route)),
    })),
    dispose: () => undefined,
  }
}

/**
 * Sends what the handler prints (EMF lines, logs) to `io.stderr` while it runs, so that stdout
 * carries only the report (`--json` stays parseable).
 */
function handlerOutputTo(io: CommandIo): () => void {
  const { stdout, stderr } = process
  const writes = { stdout: stdout.write, stderr: stderr.write }
  const sink = io.stderr === stderr ? writes.stderr.bind(stderr) : io.stderr.write.bind(io.stderr)
  stdout.write = sink as typeof stdout.write
  stderr.write = sink as typeof stderr.write
  return () => {
    stdout.write = writes.stdout
    stderr.write = writes.stderr
  }
}

/**
 * A saved event's arrival time is when it was recorded; the deadline rules (REST 29 s) would call
 * it late. Checked, it arrives now.
 */
function arrivingNow(event: unknown): unknown {
  if (typeof event !== 'object' || event === null) return event
  const copy = structuredClone(event) as Record<string, Record<string, unknown> | undefined>
  const now = Date.now()
  const context = copy.requestContext
  if (context && typeof context.requestTimeEpoch === 'number') context.requestTimeEpoch = now
  if (context && typeof context.timeEpoch === 'number') context.timeEpoch = now
  for (const field of ['headers', 'multiValueHeaders'] as const) {
    const headers = copy[field]
    if (!headers) continue
    for (const [name, value] of Object.entries(headers)) {
      if (name.toLowerCase() !== 'x-amzn-trace-id') continue
      const seconds = Math.floor(now / 1000)
        .toString(16)
        .padStart(8, '0')
      const fresh = (trace: unknown) =>
        typeof trace === 'string'
          ? trace.replace(/Root=1-[0-9a-f]{8}-/, `Root=1-${seconds}-`)
          : trace
      headers[name] = Array.isArray(value) ? value.map(fresh) : fresh(value)
    }
  }
  return copy
}

export async function runCheck(argv: string[], io: CommandIo): Promise<number> {
  const { help, target, settings } = parseCheckArgs(argv)
  if (help) {
    io.stdout.write(helpText(CHECK_HELP))
    return EXIT_OK
  }
  const restore = handlerOutputTo(io)
  const results: CheckResult[] = []
  let dispose: () => void = () => undefined
  try {
    const found = await subjects(target, settings, io)
    dispose = found.dispose
    for (const subject of found.subjects) {
      const defaultGatewayTimeoutMs = DEFAULT_INTEGRATION_TIMEOUT_MS[subject.integration]
      // A streaming handler (awslambda.streamifyResponse) is invoked with a response stream.
      const streaming = (subject.handler as unknown as Record<symbol, unknown>)[HANDLER_STREAMING]
      for (const send of subject.sends) {
        // Lambda ends the invocation at the function's timeout whatever the gateway would wait (F-timeout).
        const functionTimeoutMs =
          settings.functionTimeoutMs ?? send.functionTimeoutMs ?? DEFAULT_FUNCTION_TIMEOUT_MS
        // The route's own integration timeout where the template sets one (§2.2).
        const gatewayTimeoutMs = send.integrationTimeoutMs ?? defaultGatewayTimeoutMs
        const wantedMs = settings.timeoutMs ?? gatewayTimeoutMs ?? functionTimeoutMs
        const waitMs = Math.min(wantedMs, functionTimeoutMs)
        if (streaming === 'response') {
          // STREAM mode's integration timeout reaches the function's own (ST5).
          const streamWaitMs = Math.min(settings.timeoutMs ?? functionTimeoutMs, functionTimeoutMs)
          const streamed = await invokeStreamingOnce(subject.handler, send.event, {
            waitMs: streamWaitMs,
            functionTimeoutMs,
          })
          results.push(
            judgeStreamed(subject.integration, send, streamed, {
              waitMs: streamWaitMs,
              albMultiValueHeaders: settings.albMultiValueHeaders,
            }),
          )
          continue
        }
        const outcome = await invokeOnce(subject.handler, send.event, {
          waitMs,
          functionTimeoutMs,
          // The gateway gives up first unless the function's own timeout comes sooner (a tie is
          // the gateway's: its clock started before the invocation).
          gatewayTimeout:
            gatewayTimeoutMs !== undefined &&
            wantedMs <= gatewayTimeoutMs &&
            wantedMs <= functionTimeoutMs,
        })
        results.push(
          judge(subject.integration, send, outcome, {
            waitMs,
            albMultiValueHeaders: settings.albMultiValueHeaders,
          }),
        )
      }
    }
  } finally {
    restore()
    dispose()
  }
  const what = target ?? settings.template ?? ''
  io.stdout.write(settings.json ? formatJson(what, results) : formatText(what, results))
  const failing = results.some((r) =>
    r.findings.some((f) => settings.failOn === 'warning' || f.severity === 'error'),
  )
  return failing ? EXIT_FINDINGS : EXIT_OK
}

export const checkCommand: Command = {
  name: 'check',
  summary: "invoke a handler with every front door's events and report what each client would see",
  run: runCheck,
}
