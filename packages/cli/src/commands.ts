import { checkCommand } from './check.js'
import type { Command } from './command.js'
import { cliDoctorCommand } from './doctor.js'
import { serveCommand } from './serve.js'

/**
 * Every `gateproof` subcommand, in `--help` order. A package that provides a command exports a
 * `Command` and adds one import and one entry here (and itself to package.json dependencies).
 */
export const commands: readonly Command[] = [serveCommand, checkCommand, cliDoctorCommand]
