/**
 * A thrown value as plain JSON for the log line. Built without trusting the value:
 * getters may throw, `toString` may lie, causes may loop.
 */
export interface ThrownDescription {
  name: string
  message: string
  stack?: string
  /** Middy idiom: the package that raised it (`cause.package`). */
  package?: string
  /** `cause.data` of gateproof's own errors: safe, structured facts of the decision. */
  data?: unknown
  cause?: ThrownDescription
}

const MAX_CAUSE_DEPTH = 5
const MAX_MESSAGE_LENGTH = 2_000
const MAX_STACK_LENGTH = 8_000

const read = (value: object, key: string): unknown => {
  try {
    return (value as Record<string, unknown>)[key]
  } catch {
    return undefined
  }
}

const clip = (text: string, max: number): string =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text

function isError(value: unknown): boolean {
  try {
    return value instanceof Error
  } catch {
    return false
  }
}

function printable(value: unknown): string {
  try {
    return String(value)
  } catch {
    return '[unprintable]'
  }
}

function nameOf(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value !== 'object' && typeof value !== 'function') return typeof value
  const name = read(value, 'name')
  if (typeof name === 'string' && name !== '') return clip(name, 200)
  const maker = read(value, 'constructor')
  const constructorName = typeof maker === 'function' ? read(maker, 'name') : undefined
  return typeof constructorName === 'string' && constructorName !== '' ? constructorName : 'Object'
}

export function describeThrown(
  value: unknown,
  { stack = false }: { stack?: boolean } = {},
  depth = 0,
): ThrownDescription {
  const description: ThrownDescription = { name: nameOf(value), message: '' }
  if (typeof value !== 'object' || value === null) {
    description.message = clip(printable(value), MAX_MESSAGE_LENGTH)
    return description
  }
  const message = read(value, 'message')
  description.message = clip(
    typeof message === 'string' ? message : printable(value),
    MAX_MESSAGE_LENGTH,
  )
  const trace = stack ? read(value, 'stack') : undefined
  if (typeof trace === 'string') description.stack = clip(trace, MAX_STACK_LENGTH)
  const cause = read(value, 'cause')
  if (cause === undefined || depth >= MAX_CAUSE_DEPTH) return description
  if (typeof cause === 'object' && cause !== null && !isError(cause)) {
    // Middy's `cause: { package, data }` describes the error itself, not an earlier one.
    const pkg = read(cause, 'package')
    if (typeof pkg === 'string') {
      description.package = pkg
      if (pkg.startsWith('@gateproof/')) description.data = read(cause, 'data')
      return description
    }
  }
  description.cause = describeThrown(cause, { stack }, depth + 1)
  return description
}
