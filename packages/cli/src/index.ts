export { type CommandHelp, helpText, type OptionSpec, parseCommandArgs } from './args.js'
export {
  CHECK_OPTIONS,
  type CheckOption,
  type CheckSettings,
  checkCommand,
  parseCheckArgs,
} from './check.js'
export {
  type Command,
  type CommandIo,
  EXIT_FINDINGS,
  EXIT_OK,
  EXIT_USAGE,
  UsageError,
} from './command.js'
export { commands } from './commands.js'
export { loadHandler, parseTarget } from './load-handler.js'
export { main, runCli, usage } from './main.js'
export {
  parseServeArgs,
  SERVE_OPTIONS,
  type ServeOption,
  type ServeSettings,
  serveCommand,
} from './serve.js'
export type { CheckFinding, CheckResult, Severity } from './verdict.js'
