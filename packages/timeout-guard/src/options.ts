import {
  assertFunction,
  assertKnownOptions,
  assertNumber,
  assertOneOf,
  assertTelemetryOptions,
  DEFAULT_MARGIN_MS,
  type ErrorFormat,
  type EventOf,
  GateproofOptionsError,
  INTEGRATIONS,
  type Integration,
  type MiddyExecutionMode,
  type ResultOf,
  setsNothing,
  type TelemetryOptions,
} from '@gateproof/core'
import type { Request } from '@middy/core'
import type { Context } from 'aws-lambda'

export const PACKAGE = '@gateproof/timeout-guard'

/** The Middy request a timeout hook receives. */
export type TimeoutRequest<I extends Integration = Integration> = Request<
  EventOf<I>,
  ResultOf<I>,
  unknown,
  Context
>

export interface TimeoutGuardOptions<I extends Integration = Integration> extends TelemetryOptions {
  /** The front door; `auto` (default) detects it from each event. */
  integration?: 'auto' | I
  /**
   * The gateway's integration timeout in ms, when it is not the front door's default
   * (REST 29 000, HTTP API 30 000): a REST API whose quota was raised, or an integration
   * with a shorter `timeoutInMillis`. `null`: the gateway imposes none (Lambda's own
   * timeout bounds the request). Default: the front door's.
   */
  integrationTimeoutMs?: number | null
  /** Time kept back before the earlier limit to render, log and flush. Default 500. */
  marginMs?: number
  /**
   * Runs when a handler still running at the deadline is preempted, after its signals
   * were aborted; the response waits for it, at most `onTimeoutBudgetMs`. Errors are logged.
   */
  onTimeout?: (request: TimeoutRequest<I>) => void | Promise<void>
  /** How long the response waits for `onTimeout`. Default 100; must be below `marginMs`. */
  onTimeoutBudgetMs?: number
  /** Body of the timeout response when no error mapper rendered one. Default `problem`. */
  format?: ErrorFormat
  /** `Retry-After` of the 503 an HTTP API client gets. Default 1. */
  retryAfterSeconds?: number
  /**
   * The Middy execution mode the guard's plugin wraps so the deadline also covers `before`
   * and `after` middlewares (H5): Middy's standard mode by default, or another (a streaming
   * mode). Only one part may set Middy's `executionMode`, so pass yours here. `false`: the
   * plugin sets none, and only the handler is preempted (Middy's own race).
   */
  executionMode?: MiddyExecutionMode | false
}

export interface ResolvedOptions extends TelemetryOptions {
  integration: Integration | undefined
  integrationTimeoutMs: number | null | undefined
  marginMs: number
  onTimeout: ((request: TimeoutRequest) => void | Promise<void>) | undefined
  onTimeoutBudgetMs: number
  format: ErrorFormat
  retryAfterSeconds: number
  executionMode: MiddyExecutionMode | false | undefined
}

const OPTION_KEYS = [
  'integration',
  'integrationTimeoutMs',
  'marginMs',
  'onTimeout',
  'onTimeoutBudgetMs',
  'format',
  'retryAfterSeconds',
  'metrics',
  'logger',
  'executionMode',
] as const

export const DEFAULT_ON_TIMEOUT_BUDGET_MS = 100
/** Lambda's longest invocation (15 min); no limit worth guarding is longer. */
const MAX_LIMIT_MS = 900_000

export function resolveOptions<I extends Integration>(
  options: TimeoutGuardOptions<I>,
): ResolvedOptions {
  // Options that set nothing (the preset's default) have nothing to check.
  if (!setsNothing(options, OPTION_KEYS)) assertOptions(options)
  const { integration = 'auto', integrationTimeoutMs, onTimeout } = options
  const { marginMs, onTimeoutBudgetMs, retryAfterSeconds } = timesOf(options)
  return {
    integration: integration === 'auto' ? undefined : (integration as Integration),
    integrationTimeoutMs,
    marginMs,
    onTimeout: onTimeout as ResolvedOptions['onTimeout'],
    onTimeoutBudgetMs,
    format: options.format ?? 'problem',
    retryAfterSeconds,
    metrics: options.metrics,
    logger: options.logger,
    executionMode: options.executionMode,
  }
}

/** The margin, the hook's budget and the retry hint, defaults filled in. */
const timesOf = (
  options: Pick<TimeoutGuardOptions, 'marginMs' | 'onTimeoutBudgetMs' | 'retryAfterSeconds'>,
) => ({
  marginMs: options.marginMs ?? DEFAULT_MARGIN_MS,
  onTimeoutBudgetMs: options.onTimeoutBudgetMs ?? DEFAULT_ON_TIMEOUT_BUDGET_MS,
  retryAfterSeconds: options.retryAfterSeconds ?? 1,
})

function assertOptions<I extends Integration>(options: TimeoutGuardOptions<I>): void {
  assertKnownOptions(PACKAGE, options, OPTION_KEYS)
  const { integration = 'auto', integrationTimeoutMs, onTimeout, format = 'problem' } = options
  const { marginMs, onTimeoutBudgetMs, retryAfterSeconds } = timesOf(options)
  assertOneOf<string>(PACKAGE, 'integration', integration, ['auto', ...INTEGRATIONS])
  // API Gateway accepts integration timeouts from 50 ms (gateway-facts §2.2).
  if (integrationTimeoutMs !== null) {
    assertNumber(PACKAGE, 'integrationTimeoutMs', integrationTimeoutMs, {
      min: 50,
      max: MAX_LIMIT_MS,
      integer: true,
    })
  }
  // Middy's early timeout is on only for a positive integer `timeoutEarlyInMillis`.
  assertNumber(PACKAGE, 'marginMs', marginMs, { min: 1, max: MAX_LIMIT_MS, integer: true })
  assertFunction(PACKAGE, 'onTimeout', onTimeout)
  assertNumber(PACKAGE, 'onTimeoutBudgetMs', onTimeoutBudgetMs, { min: 1, integer: true })
  if (onTimeout !== undefined && onTimeoutBudgetMs >= marginMs) {
    throw new GateproofOptionsError(
      PACKAGE,
      `option "onTimeoutBudgetMs" (${onTimeoutBudgetMs}) must be below "marginMs" (${marginMs}): the hook runs inside the margin`,
      { option: 'onTimeoutBudgetMs' },
    )
  }
  if (typeof format !== 'function') {
    assertOneOf<string>(PACKAGE, 'format', format, ['problem', 'message'])
  }
  assertNumber(PACKAGE, 'retryAfterSeconds', retryAfterSeconds, { min: 1, integer: true })
  assertTelemetryOptions(PACKAGE, options)
  if (options.executionMode !== undefined && options.executionMode !== false) {
    assertFunction(PACKAGE, 'executionMode', options.executionMode)
  }
}
