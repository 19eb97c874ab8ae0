import type { Logger } from '@aws-lambda-powertools/logger'
import type { Metrics } from '@aws-lambda-powertools/metrics'
import {
  assertKnownOptions,
  assertOneOf,
  type ErrorFormat,
  GateproofOptionsError,
  INTEGRATIONS,
  type Integration,
  isObject,
  rejectMiddy6StreamOption,
  setsNothing,
} from '@gateproof/core'
import type { ErrorMapperOptions } from '@gateproof/error-mapper'
import type { LoadShedderOptions } from '@gateproof/load-shedder'
import type { ProxyShapeOptions } from '@gateproof/proxy-shape'
import type { StreamDeadlineOptions, TimeoutGuardOptions } from '@gateproof/timeout-guard'
import type { MiddlewareObj } from '@middy/core'

export const PACKAGE = 'gateproof'

/** Options every part shares; a part's own options win over them. */
type Shared = 'metrics' | 'logger' | 'integration' | 'format'

export interface GateproofOptions<TEvent = unknown> {
  /** The front door, or `auto` (default) to detect it from each event. */
  integration?: Integration | 'auto'
  /** Powertools Metrics shared by every part (each emits single-metric EMF lines). */
  metrics?: Metrics
  /**
   * Powertools Logger shared by every part. Without one, each 5xx still writes one JSON
   * line to `console.error`; `false` silences that too.
   */
  logger?: Logger | false
  /** Error body format for every part: `problem` (default), `message`, or a formatter. */
  format?: ErrorFormat
  /** Response-shape validation, outermost; `false` turns it off. */
  proxyShape?: Omit<ProxyShapeOptions, Shared> | false
  /** The deadline guard; `false` turns it off. */
  timeoutGuard?: Omit<TimeoutGuardOptions, Shared> | false
  /** Admission control; default: the deadline policy only. `false` turns it off. */
  loadShedder?: Omit<LoadShedderOptions<TEvent>, 'metrics' | 'logger' | 'integration'> | false
  /** The error → status mapper; `false` turns it off. */
  errorMapper?: Omit<ErrorMapperOptions, Shared> | false
  /**
   * Response decorators such as `@middy/http-cors` or `@middy/http-security-headers`.
   * They are placed outside the error mapper, the shedder and the guard, so their
   * `after`/`onError` also decorate gateproof's 429, 504 and mapped error responses.
   */
  decorators?: MiddlewareObj[]
  /**
   * Response streaming (REST `STREAM`, Function URL `RESPONSE_STREAM`): Middy's streaming
   * execution mode with the same guarantees — the prelude checked and repaired before the
   * first byte, errors before it rendered in the contract, clean truncation after it, total
   * and idle stream deadlines. `true`, or the stream deadlines' options. Default `false`.
   */
  streaming?: boolean | StreamDeadlineOptions
}

const OPTION_KEYS = [
  'integration',
  'metrics',
  'logger',
  'format',
  'proxyShape',
  'timeoutGuard',
  'loadShedder',
  'errorMapper',
  'decorators',
  'streaming',
] as const

const PARTS = ['proxyShape', 'timeoutGuard', 'loadShedder', 'errorMapper'] as const

const FORMATS = ['problem', 'message'] as const
const STREAMING_KEYS = ['idleMs', 'totalMs', 'marginMs', 'integration'] as const

/** `streaming` is `true`, `false` or the stream's deadlines; its keys are named as the preset's. */
function assertStreaming(streaming: unknown): void {
  if (streaming === undefined || typeof streaming === 'boolean') return
  if (!isObject(streaming)) {
    throw new GateproofOptionsError(
      PACKAGE,
      `option "streaming" must be true, false or { idleMs, totalMs, marginMs }, got ${JSON.stringify(streaming)}`,
      { option: 'streaming' },
    )
  }
  for (const key of Object.keys(streaming)) {
    if (!(STREAMING_KEYS as readonly string[]).includes(key)) {
      throw new GateproofOptionsError(
        PACKAGE,
        `unknown option "streaming.${key}"; expected one of "idleMs", "totalMs", "marginMs", "integration"`,
        { option: `streaming.${key}` },
      )
    }
  }
}

export function validateOptions(options: GateproofOptions<never>): void {
  if (!isObject(options)) {
    throw new GateproofOptionsError(PACKAGE, 'options must be an object')
  }
  rejectMiddy6StreamOption(PACKAGE, options)
  // Options that set nothing (`gateproof(handler)`) have nothing more to check; the checks
  // are a function of their own so that a cold start with none never compiles them.
  if (!setsNothing(options, OPTION_KEYS)) assertOptions(options)
}

function assertOptions(options: GateproofOptions<never>): void {
  assertKnownOptions(PACKAGE, options, OPTION_KEYS)
  assertStreaming(options.streaming)
  // `format` is the preset's: say so, and name every form it takes.
  if (
    options.format !== undefined &&
    typeof options.format !== 'function' &&
    !FORMATS.includes(options.format as never)
  ) {
    throw new GateproofOptionsError(
      PACKAGE,
      `option "format" must be "problem", "message" or a formatter function, got ${JSON.stringify(options.format)}`,
      { option: 'format' },
    )
  }
  const integration = String(options.integration ?? 'auto')
  if (options.streaming && ['http-v1', 'http-v2', 'alb'].includes(integration)) {
    throw new GateproofOptionsError(
      PACKAGE,
      `option "streaming": ${options.integration} does not stream responses (only REST and Function URLs do, ST31, ST32)`,
      { option: 'streaming' },
    )
  }
  assertOneOf(PACKAGE, 'integration', options.integration, ['auto', ...INTEGRATIONS])
  for (const part of PARTS) {
    const value: unknown = options[part]
    if (value !== undefined && value !== false && !isObject(value)) {
      throw new GateproofOptionsError(
        PACKAGE,
        `option "${part}" must be an options object or false, got ${JSON.stringify(value)}`,
        { option: part },
      )
    }
  }
  const { decorators } = options
  if (
    decorators !== undefined &&
    (!Array.isArray(decorators) ||
      decorators.some((d) => !isObject(d) || !(d.before || d.after || d.onError)))
  ) {
    throw new GateproofOptionsError(
      PACKAGE,
      'option "decorators" must be an array of Middy middlewares ({ before, after, onError })',
      { option: 'decorators' },
    )
  }
}
