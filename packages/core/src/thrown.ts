/**
 * The one place gateproof reads a thrown value. Anything can be thrown — `null`, a
 * number, a frozen or null-prototype object, a Proxy whose traps throw, an object whose
 * getters throw or whose `cause` loops — and a part that reads it unguarded turns a
 * clean error answer into a rejected invocation, which the gateway answers with its own
 * 502. Every read here is wrapped; none of these functions throws.
 */

/** A thrown value as plain JSON for a log line. */
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

/**
 * The fields of a thrown value gateproof decides on, each read once, each `undefined`
 * when absent, of the wrong type, or when reading it threw.
 */
export interface ThrownFacts {
  /** An object or function (something with properties), as opposed to a primitive. */
  isObject: boolean
  name: string | undefined
  message: string | undefined
  code: string | number | undefined
  /** `statusCode`, else `status`, when it is a number. */
  status: number | undefined
  errorType: string | undefined
  expose: boolean | undefined
  /** The `headers` object as thrown (read its entries with `readThrownHeaders`). */
  headers: object | undefined
  retryAfterSeconds: unknown
  /** `cause.package` when the cause is Middy's `{ package, data }` descriptor. */
  causePackage: string | undefined
}

const MAX_CAUSE_DEPTH = 5
const MAX_MESSAGE_LENGTH = 2_000
const MAX_STACK_LENGTH = 8_000
const MAX_NAME_LENGTH = 200
/** A thrown `headers` bag with more entries than this is read only this far. */
const MAX_THROWN_HEADERS = 64

const hasProperties = (value: unknown): value is object =>
  (typeof value === 'object' && value !== null) || typeof value === 'function'

/** One property of a thrown value; `undefined` when absent or when reading it throws. */
export function readThrownField(value: unknown, key: string): unknown {
  if (!hasProperties(value)) return undefined
  try {
    return (value as Record<string, unknown>)[key]
  } catch {
    return undefined
  }
}

const stringField = (value: unknown, key: string): string | undefined => {
  const field = readThrownField(value, key)
  return typeof field === 'string' ? field : undefined
}

/** The facts of a thrown value, read once each without trusting it. */
export function readThrown(value: unknown): ThrownFacts {
  if (!hasProperties(value)) {
    return {
      isObject: false,
      name: undefined,
      message: undefined,
      code: undefined,
      status: undefined,
      errorType: undefined,
      expose: undefined,
      headers: undefined,
      retryAfterSeconds: undefined,
      causePackage: undefined,
    }
  }
  // Each field read by its own name, in its own `try` (a getter that throws reads as
  // absent): a read of a fixed name stays a load the engine caches for the error's shape,
  // where `readThrownField`'s computed name is a generic lookup on every call — ten of them
  // per call here, on every error some part answers.
  const thrown = value as Record<string, unknown>
  let code: unknown
  let expose: unknown
  let headers: unknown
  let cause: unknown
  let name: unknown
  let message: unknown
  let statusCode: unknown
  let status: unknown
  let errorType: unknown
  let retryAfterSeconds: unknown
  try {
    code = thrown.code
  } catch {}
  try {
    expose = thrown.expose
  } catch {}
  try {
    headers = thrown.headers
  } catch {}
  try {
    cause = thrown.cause
  } catch {}
  try {
    name = thrown.name
  } catch {}
  try {
    message = thrown.message
  } catch {}
  try {
    statusCode = thrown.statusCode
  } catch {}
  // `status` only stands in for a `statusCode` that is not a number.
  if (typeof statusCode !== 'number') {
    try {
      status = thrown.status
    } catch {}
  }
  try {
    errorType = thrown.errorType
  } catch {}
  try {
    retryAfterSeconds = thrown.retryAfterSeconds
  } catch {}
  return {
    isObject: true,
    name: typeof name === 'string' ? name : undefined,
    message: typeof message === 'string' ? message : undefined,
    code: typeof code === 'string' || typeof code === 'number' ? code : undefined,
    status:
      typeof statusCode === 'number' ? statusCode : typeof status === 'number' ? status : undefined,
    errorType: typeof errorType === 'string' ? errorType : undefined,
    expose: typeof expose === 'boolean' ? expose : undefined,
    headers: hasProperties(headers) && !Array.isArray(headers) ? headers : undefined,
    retryAfterSeconds,
    causePackage: stringField(cause, 'package'),
  }
}

/**
 * The own string, number and boolean entries of a thrown error's `headers`, as a plain
 * null-prototype map; a bag that throws while being read yields what was read before.
 */
export function readThrownHeaders(headers: unknown): Record<string, string | number | boolean> {
  const kept: Record<string, string | number | boolean> = Object.create(null)
  if (!hasProperties(headers)) return kept
  let keys: string[]
  try {
    keys = Object.keys(headers)
  } catch {
    return kept
  }
  for (let i = 0; i < keys.length && i < MAX_THROWN_HEADERS; i++) {
    const name = keys[i] as string
    const item = readThrownField(headers, name)
    if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') {
      kept[name] = item
    }
  }
  // The error's own Retry-After is read wherever it is in a larger bag: past the cap, the
  // mapper's default hint (1 s) would take its place.
  for (let i = MAX_THROWN_HEADERS; i < keys.length; i++) {
    const name = keys[i] as string
    if (name.toLowerCase() !== 'retry-after') continue
    const item = readThrownField(headers, name)
    if (typeof item === 'string' || typeof item === 'number') kept[name] = item
  }
  return kept
}

/** Whether `value instanceof type`, false when a Proxy's `getPrototypeOf` trap throws. */
export function isInstanceOf(value: unknown, type: abstract new (...args: never[]) => unknown) {
  try {
    return value instanceof type
  } catch {
    return false
  }
}

const clip = (text: string, max: number): string =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text

function printable(value: unknown): string {
  try {
    return String(value)
  } catch {
    return '[unprintable]'
  }
}

function nameOf(value: unknown): string {
  if (value === null) return 'null'
  if (!hasProperties(value)) return typeof value
  // Read by its own name: see `readThrown`.
  let name: unknown
  try {
    name = (value as { name?: unknown }).name
  } catch {}
  if (typeof name === 'string' && name !== '') return clip(name, MAX_NAME_LENGTH)
  const maker = readThrownField(value, 'constructor')
  const constructorName = readThrownField(maker, 'name')
  return typeof constructorName === 'string' && constructorName !== ''
    ? clip(constructorName, MAX_NAME_LENGTH)
    : 'Object'
}

/**
 * A thrown value as plain JSON for a log line: name, message, optionally the stack,
 * Middy's `cause.package`, and up to five nested causes (a looping `cause` ends there).
 */
export function describeThrown(
  value: unknown,
  { stack = false }: { stack?: boolean } = {},
): ThrownDescription {
  return describeAt(value, stack, 0)
}

function describeAt(value: unknown, stack: boolean, depth: number): ThrownDescription {
  const description: ThrownDescription = { name: nameOf(value), message: '' }
  if (!hasProperties(value)) {
    description.message = clip(printable(value), MAX_MESSAGE_LENGTH)
    return description
  }
  // Each read by its own name (see `readThrown`), a getter that throws reading as absent.
  const thrown = value as { message?: unknown; stack?: unknown; cause?: unknown }
  let message: unknown
  try {
    message = thrown.message
  } catch {}
  description.message = clip(
    typeof message === 'string' ? message : printable(value),
    MAX_MESSAGE_LENGTH,
  )
  let trace: unknown
  if (stack) {
    try {
      trace = thrown.stack
    } catch {}
  }
  if (typeof trace === 'string') description.stack = clip(trace, MAX_STACK_LENGTH)
  let cause: unknown
  try {
    cause = thrown.cause
  } catch {}
  if (cause === undefined || cause === value || depth >= MAX_CAUSE_DEPTH) return description
  if (hasProperties(cause) && !isInstanceOf(cause, Error)) {
    // Middy's `cause: { package, data }` describes the error itself, not an earlier one.
    const pkg = readThrownField(cause, 'package')
    if (typeof pkg === 'string') {
      description.package = clip(pkg, MAX_NAME_LENGTH)
      if (pkg.startsWith('@gateproof/')) description.data = readThrownField(cause, 'data')
      return description
    }
  }
  description.cause = describeAt(cause, stack, depth + 1)
  return description
}
