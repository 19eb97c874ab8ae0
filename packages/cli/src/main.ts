import { readFileSync } from 'node:fs'
import {
  type Command,
  type CommandIo,
  EXIT_FINDINGS,
  EXIT_OK,
  EXIT_USAGE,
  UsageError,
} from './command.js'
import { commands as registry } from './commands.js'

function version(): string {
  const manifest = new URL('../package.json', import.meta.url)
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version
}

export function usage(commands: readonly Command[] = registry): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2
  return [
    'Usage: gateproof <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Options:',
    '  -h, --help       this text; `gateproof <command> --help` for a command’s options',
    '  -v, --version    the version of @gateproof/cli',
    '',
  ].join('\n')
}

/**
 * Runs `gateproof <command> …` and resolves to its exit code: 0 fine, 1 findings or failure,
 * 2 a usage error (unknown command or flag, missing argument), printed with a pointer to `--help`.
 */
export async function main(
  argv: string[],
  io: CommandIo,
  commands: readonly Command[] = registry,
): Promise<number> {
  const [name, ...rest] = argv
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(usage(commands))
    return EXIT_OK
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${version()}\n`)
    return EXIT_OK
  }
  if (name === undefined) {
    io.stderr.write(`gateproof: no command given\n\n${usage(commands)}`)
    return EXIT_USAGE
  }
  const command = commands.find((c) => c.name === name)
  if (!command) {
    const known = commands.map((c) => c.name).join(', ')
    io.stderr.write(
      `gateproof: unknown ${name.startsWith('-') ? 'option' : 'command'} "${name}" (commands: ${known})\nRun 'gateproof --help' for usage.\n`,
    )
    return EXIT_USAGE
  }
  try {
    return await command.run(rest, io)
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(
        `gateproof ${name}: ${error.message}\nRun 'gateproof ${name} --help' for usage.\n`,
      )
      return EXIT_USAGE
    }
    io.stderr.write(
      `gateproof ${name}: ${error instanceof Error ? error.message : String(error)}\n`,
    )
    return EXIT_FINDINGS
  }
}

/** The `gateproof` binary: the process's streams and signals, and its exit code. */
export function runCli(): void {
  const io = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() }
  void main(process.argv.slice(2), io).then((code) => {
    // Exit once the output is flushed: a handler module may hold sockets or timers open.
    process.stdout.write('', () => process.exit(code))
  })
}
