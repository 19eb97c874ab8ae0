/**
 * Options are checked once, when a middleware is built, so a typo fails the
 * deployment's first cold start loudly instead of silently changing behaviour.
 */
export class GateproofOptionsError extends TypeError {
  constructor(pkg: string, message: string, data?: Record<string, unknown>) {
    super(`${pkg}: ${message}`, { cause: { package: pkg, data } })
    this.name = 'GateproofOptionsError'
  }
}

export function assertKnownOptions(pkg: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new GateproofOptionsError(
        pkg,
        `unknown option "${key}"; expected one of ${known.map((k) => `"${k}"`).join(', ')}`,
        { option: key },
      )
    }
  }
}

export function assertNumber(
  pkg: string,
  name: string,
  value: unknown,
  { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY, integer = false } = {},
): asserts value is number | undefined {
  if (value === undefined) return
  const ok =
    typeof value === 'number' &&
    !Number.isNaN(value) &&
    value >= min &&
    value <= max &&
    (!integer || Number.isInteger(value))
  if (!ok) {
    const range = `${integer ? 'an integer' : 'a number'} from ${min} to ${max}`
    throw new GateproofOptionsError(pkg, `option "${name}" must be ${range}, got ${String(value)}`, {
      option: name,
    })
  }
}

export function assertOneOf<T extends string>(
  pkg: string,
  name: string,
  value: unknown,
  allowed: readonly T[],
): asserts value is T | undefined {
  if (value === undefined || allowed.includes(value as T)) return
  throw new GateproofOptionsError(
    pkg,
    `option "${name}" must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${JSON.stringify(value)}`,
    { option: name },
  )
}

export function assertFunction(pkg: string, name: string, value: unknown): void {
  if (value === undefined || typeof value === 'function') return
  throw new GateproofOptionsError(pkg, `option "${name}" must be a function`, { option: name })
}
