/** Where a command writes and where it runs; the CLI passes the process's, tests their own. */
export interface CommandIo {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
  cwd: string
  /**
   * Stops a long-running command (`serve`) as Ctrl-C would. The CLI leaves it unset and
   * stops on SIGINT/SIGTERM; in-process callers (tests, scripts) abort it instead.
   */
  signal?: AbortSignal
}

/**
 * A `gateproof` subcommand. Other packages export objects of this shape (e.g. `doctorCommand`
 * from `@gateproof/observability`) and the registry in `commands.ts` lists them.
 */
export interface Command {
  name: string
  /** One line for `gateproof --help`. */
  summary: string
  /** Resolves to the exit code: 0 fine, 1 findings or failure, 2 usage error. */
  run(argv: string[], io: CommandIo): Promise<number>
}

/** A mistake in how the command was called: printed with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}

export const EXIT_OK = 0
export const EXIT_FINDINGS = 1
export const EXIT_USAGE = 2
