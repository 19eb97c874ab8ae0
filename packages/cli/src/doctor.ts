import { Writable } from 'node:stream'
import { doctorCommand } from '@gateproof/observability'
import { type Command, type CommandIo, EXIT_FINDINGS, EXIT_USAGE, UsageError } from './command.js'
import { isCdkApp, synthesizeCdkApp } from './template-source.js'

/** Options of `gateproof doctor` that take the next argument as their value. */
const TAKES_VALUE = new Set(['--fail-on', '--disable', '--shedding-limit'])

/**
 * `gateproof doctor` from `@gateproof/observability`, taking a CDK app too — `cdk.json`, its
 * directory or the app's entry file, as `serve` and `check` do: it is synthesized into a
 * temporary cloud assembly first (TypeScript included), which doctor then reads.
 */
export const cliDoctorCommand: Command = {
  name: doctorCommand.name,
  summary: 'check SAM/CloudFormation templates, CDK output or a CDK app for gateway failure modes',
  async run(argv, io) {
    if (argv.includes('--help') || argv.includes('-h')) return help(argv, io)
    const disposals: (() => void)[] = []
    try {
      const args: string[] = []
      for (let i = 0; i < argv.length; i++) {
        const arg = argv[i] as string
        if (TAKES_VALUE.has(arg) && i + 1 < argv.length) {
          args.push(arg, argv[++i] as string)
        } else if (!arg.startsWith('-') && isCdkApp(arg, io.cwd)) {
          const assembly = await synthesizeCdkApp(arg, io.cwd)
          disposals.push(assembly.dispose)
          args.push(assembly.outdir)
        } else {
          args.push(arg)
        }
      }
      return await doctorCommand.run(args, io)
    } catch (error) {
      io.stderr.write(`gateproof doctor: ${(error as Error)?.message ?? String(error)}\n`)
      // A CDK app that fails to synthesize is a failure (1), as for serve and check; the rest
      // (a cdk.json without an app entry) is how doctor was called (2).
      return error instanceof UsageError ? EXIT_USAGE : EXIT_FINDINGS
    } finally {
      for (const dispose of disposals) dispose()
    }
  },
}

/** doctor's own help, with what this command adds: a CDK app, synthesized first. */
async function help(argv: string[], io: CommandIo): Promise<number> {
  let text = ''
  const stdout = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString()
      done()
    },
  })
  const code = await doctorCommand.run(argv, { ...io, stdout })
  io.stdout.write(
    text
      .replace('<template|cdk.out>...', '<template|cdk.out|cdk.json>...')
      .replace(
        /^Checks SAM[\s\S]*?authorizers\.$/m,
        [
          'Checks SAM / CloudFormation templates (YAML or JSON), CDK cloud assemblies and CDK apps',
          '(cdk.json, its directory or the app’s entry file, synthesized first) for the failure modes',
          'in gateway-facts: gateway responses, logging, timeouts, throttles, authorizers.',
        ].join('\n'),
      ),
  )
  return code
}
