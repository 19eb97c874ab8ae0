import { parseArgs } from 'node:util'
import { UsageError } from './command.js'

/** One flag of a command: its parsing and its line in `--help` come from this one entry. */
export interface OptionSpec {
  /** The long name, without `--`. */
  name: string
  type: 'string' | 'boolean'
  short?: string
  /** Repeatable; the values arrive as an array. */
  multiple?: boolean
  /** Placeholder for the value in `--help`, e.g. `<n>`. */
  value?: string
  help: string
}

/** What a flag's parser hands its `apply`: a string, a boolean switch, or the values of a repeatable flag. */
export type FlagValue = string | boolean | string[]

/** A flag that sets something in a command's settings: its parsing, `--help` line and effect in one entry. */
export interface SettingOption<Settings> extends OptionSpec {
  apply(value: FlagValue, settings: Settings): void
}

/**
 * `--template <file>`: serve and check load it the same way (template-source.ts), so the flag is one
 * definition; only the help line says what each command does with it.
 */
export function templateOption<Settings extends { template?: string }>(
  help: string,
): SettingOption<Settings> {
  return {
    name: 'template',
    type: 'string',
    value: '<file>',
    help,
    apply: (value, settings) => {
      settings.template = String(value)
    },
  }
}

export interface CommandHelp {
  name: string
  /** e.g. `<module>#<export> [options]` */
  synopsis: string
  description: string
  options: readonly OptionSpec[]
  /** Lines shown under "Examples:". */
  examples?: readonly string[]
}

const HELP_OPTION: OptionSpec = { name: 'help', short: 'h', type: 'boolean', help: 'this text' }

export type ParsedValues = Record<string, string | boolean | string[] | undefined>

/**
 * Parses argv against the command's table. Unknown flags, missing values and stray
 * positionals are usage errors; `--help` is handled by the caller via `values.help`.
 */
export function parseCommandArgs(
  help: CommandHelp,
  argv: string[],
): { values: ParsedValues; positionals: string[] } {
  const options = Object.fromEntries(
    [...help.options, HELP_OPTION].map((spec) => [
      spec.name,
      {
        type: spec.type,
        ...(spec.short ? { short: spec.short } : {}),
        ...(spec.multiple ? { multiple: true } : {}),
      },
    ]),
  )
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options,
      allowPositionals: true,
      strict: true,
    })
    return { values: values as ParsedValues, positionals }
  } catch (error) {
    const code = (error as { code?: unknown }).code
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError((error as Error).message)
    }
    throw error
  }
}

/** The `--help` text of a command, generated from its option table. */
export function helpText(help: CommandHelp): string {
  const rows = [...help.options, HELP_OPTION].map((spec) => {
    const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${spec.name}${spec.value ? ` ${spec.value}` : ''}`
    return [flag, spec.multiple ? `${spec.help} (repeatable)` : spec.help] as const
  })
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2
  const lines = [
    `Usage: gateproof ${help.name} ${help.synopsis}`,
    '',
    help.description,
    '',
    'Options:',
    ...rows.map(([flag, text]) => `  ${flag.padEnd(width)}${text}`),
  ]
  if (help.examples?.length) lines.push('', 'Examples:', ...help.examples.map((e) => `  ${e}`))
  return `${lines.join('\n')}\n`
}

/**
 * The range of a timeout flag in ms: Node's timers wait at most 2^31 − 1 ms and fire a longer
 * one after 1 ms, which would make every slower request the gateway's 502 or 504.
 */
export const TIMEOUT_MS_RANGE = { min: 1, max: 2_147_483_647 } as const

/** A whole number ≥ 0 from a flag, or a usage error naming the flag. */
export function wholeNumber(
  name: string,
  value: string | undefined,
  range: { min?: number; max?: number } = {},
): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  const { min = 0, max } = range
  if (value.trim() === '' || !Number.isInteger(n) || n < min || (max !== undefined && n > max)) {
    const bounds = max !== undefined ? ` from ${min} to ${max}` : min > 0 ? ` from ${min}` : ''
    throw new UsageError(`--${name} must be a whole number${bounds}, got "${value}"`)
  }
  return n
}
