import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { INTEGRATIONS, type Integration } from '@gateproof/core'
import { type AnyHandler, startLocalGateway } from './local-gateway.js'

const USAGE = `Usage: gateproof serve <module>#<export> [options]

Serves a Lambda handler on loopback as its front door would: events of that front door,
a counting-down context, the integration timeout, and the client's view of every outcome.

Options:
  --integration <rest|http-api|http-api-v1|alb|function-url>   front door (default rest)
  --port <n>                       port (default 3000; 0 picks a free one)
  --integration-timeout-ms <n>     gateway timeout (default: REST 29000, HTTP API 30000, none otherwise)
  --function-timeout-ms <n>        the function's configured timeout (default 30000)
  --reserved-concurrency <n>       invocations beyond n at once are Lambda throttles
  --alb-multi-value-headers        ALB target group with multi-value headers on
  -h, --help                       this text`

const ALIASES: Record<string, Integration> = { 'http-api': 'http-v2', 'http-api-v1': 'http-v1' }

function fail(message: string): never {
  process.stderr.write(`gateproof: ${message}\n\n${USAGE}\n`)
  process.exit(2)
}

function positiveInteger(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0) fail(`--${name} must be a whole number, got "${value}"`)
  return n
}

export async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      integration: { type: 'string', default: 'rest' },
      port: { type: 'string', default: '3000' },
      'integration-timeout-ms': { type: 'string' },
      'function-timeout-ms': { type: 'string' },
      'reserved-concurrency': { type: 'string' },
      'alb-multi-value-headers': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.help) {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  const [command, target] = positionals
  if (command !== 'serve') fail(command ? `unknown command "${command}"` : 'no command given')
  if (!target) fail('serve needs <module>#<export>')
  const [modulePath, exportName = 'handler'] = target.split('#') as [string, string?]
  const integration = ALIASES[values.integration] ?? (values.integration as Integration)
  if (!INTEGRATIONS.includes(integration)) fail(`unknown integration "${values.integration}"`)

  const loaded = (await import(pathToFileURL(resolve(modulePath)).href)) as Record<string, unknown>
  const handler = loaded[exportName]
  if (typeof handler !== 'function') fail(`${modulePath} has no function export "${exportName}"`)

  const gateway = await startLocalGateway({
    handler: handler as AnyHandler,
    integration,
    port: positiveInteger('port', values.port),
    integrationTimeoutMs: positiveInteger(
      'integration-timeout-ms',
      values['integration-timeout-ms'],
    ),
    functionTimeoutMs: positiveInteger('function-timeout-ms', values['function-timeout-ms']),
    reservedConcurrency: positiveInteger('reserved-concurrency', values['reserved-concurrency']),
    albMultiValueHeaders: values['alb-multi-value-headers'],
    onExchange: (exchange) =>
      process.stdout.write(
        `${exchange.method} ${exchange.path} → ${exchange.outcome} → ${exchange.response.status} (${exchange.durationMs} ms)\n`,
      ),
  })
  process.stdout.write(`gateproof: ${integration} front door for ${target} on ${gateway.url}\n`)
  const stop = () => void gateway.close().then(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

export function runCli(): void {
  main(process.argv.slice(2)).catch((error: unknown) => fail(String(error)))
}
