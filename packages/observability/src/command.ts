import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { doctor, doctorRules } from './doctor.js'
import { type Finding, SEVERITIES, type Severity, severityRank } from './findings.js'
import { formatFindings } from './format.js'
import { loadTemplates, TemplateError } from './template.js'

/** The CLI command contract of `@gateproof/cli` (PLAN: a command is name, summary, run). */
export interface CommandIo {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
  cwd: string
}

export interface Command {
  name: string
  summary: string
  run(argv: string[], io: CommandIo): Promise<number>
}

const USAGE = `Usage: gateproof doctor <template|cdk.out>... [options]

Checks SAM / CloudFormation templates (YAML or JSON) and CDK cloud assemblies for the
failure modes in gateway-facts: gateway responses, logging, timeouts, throttles, authorizers.

Options:
  --json                     print findings as JSON (for CI)
  --fail-on <level>          exit 1 on a finding at or above error|warning|info, or never: none
                             (default: error)
  --disable <rule>           skip a rule (repeatable)
  --shedding-limit <Fn>=<n>  a fleet-wide shedding limit for a function (repeatable)
  --list-rules               print the rules and the facts they rest on
  --color / --no-color       force colours on or off (default: on for a TTY)
  -h, --help                 this text

Exit codes: 0 no finding at the fail-on level, 1 findings at that level, 2 usage or template error.
`

type FailOn = Severity | 'none'

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      'fail-on': { type: 'string', default: 'error' },
      disable: { type: 'string', multiple: true, default: [] },
      'shedding-limit': { type: 'string', multiple: true, default: [] },
      'list-rules': { type: 'boolean', default: false },
      color: { type: 'boolean' },
      'no-color': { type: 'boolean' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  const failOn = values['fail-on']
  if (failOn !== 'none' && !(SEVERITIES as readonly string[]).includes(failOn)) {
    throw new TypeError(`--fail-on must be error, warning, info or none, not "${failOn}"`)
  }
  const sheddingLimits: Record<string, number> = Object.create(null)
  for (const entry of values['shedding-limit']) {
    const match = /^([A-Za-z0-9]+)=(\d+)$/.exec(entry)
    if (!match)
      throw new TypeError(`--shedding-limit takes <FunctionLogicalId>=<n>, not "${entry}"`)
    sheddingLimits[match[1] as string] = Number(match[2])
  }
  return { values, positionals, failOn: failOn as FailOn, sheddingLimits }
}

const fails = (findings: readonly Finding[], failOn: FailOn): boolean =>
  failOn !== 'none' && findings.some((f) => severityRank(f.severity) >= severityRank(failOn))

/** `gateproof doctor`: exit 1 when a finding reaches `--fail-on` (default `error`). */
export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'check SAM/CloudFormation templates and CDK output for gateway failure modes',
  async run(argv, io) {
    let parsed: ReturnType<typeof parse>
    try {
      parsed = parse(argv)
    } catch (error) {
      io.stderr.write(`gateproof doctor: ${(error as Error).message}\n\n${USAGE}`)
      return 2
    }
    const { values, positionals, failOn, sheddingLimits } = parsed
    if (values.help) {
      io.stdout.write(USAGE)
      return 0
    }
    if (values['list-rules']) {
      for (const rule of doctorRules()) {
        io.stdout.write(
          `${rule.id} (${rule.severity}) [${rule.facts.join(', ')}]\n  ${rule.summary}\n`,
        )
      }
      return 0
    }
    if (positionals.length === 0) {
      io.stderr.write(`gateproof doctor: name at least one template\n\n${USAGE}`)
      return 2
    }
    const findings: Finding[] = []
    try {
      for (const path of positionals) {
        for (const template of await loadTemplates(resolve(io.cwd, path))) {
          findings.push(...doctor(template, { disable: values.disable, sheddingLimits }))
        }
      }
    } catch (error) {
      const message =
        error instanceof TemplateError || error instanceof TypeError
          ? error.message
          : `cannot check the template: ${(error as Error)?.message ?? String(error)}`
      io.stderr.write(`gateproof doctor: ${message}\n`)
      return 2
    }
    if (values.json) io.stdout.write(`${JSON.stringify(findings, null, 2)}\n`)
    else {
      const tty = (io.stdout as { isTTY?: boolean }).isTTY === true
      const color = values['no-color'] ? false : (values.color ?? tty)
      io.stdout.write(formatFindings(findings, { color }))
    }
    return fails(findings, failOn) ? 1 : 0
  },
}
