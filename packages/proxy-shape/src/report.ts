import type { Telemetry } from '@gateproof/core'
import type { ProxyShapeMode } from './options.js'
import type { ShapeTarget } from './profiles.js'
import type { Violation, ViolationRule } from './violations.js'

/** What happened to the response: the `Action` dimension. */
export type ViolationAction =
  /** Repaired (a new object, or in place for an early response). */
  | 'repaired'
  /** Replaced by a rendered 500 in the error contract. */
  | 'rendered'
  /** `report` mode: sent unchanged. */
  | 'reported'
  /** Could not be changed: an early response that is not a plain object, or a failing invocation. */
  | 'unfixable'

/** Where the response was judged: the middleware's `after`/`onError`, or Middy's `requestEnd` hook. */
export type Phase = 'after' | 'onError' | 'requestEnd'

export const METRIC_NAME = 'ProxyShapeViolation'

/** A response with hundreds of bad headers must not flood the logs. */
export const MAX_LOGGED_VIOLATIONS = 20

export interface ReportContext {
  integration: ShapeTarget
  action: ViolationAction
  phase: Phase
  mode: ProxyShapeMode
  requestId: string | undefined
}

/**
 * One log line per violation (up to {@link MAX_LOGGED_VIOLATIONS}) and one
 * `ProxyShapeViolation` count per violation kind per response, with the bounded
 * dimensions `Violation`, `Integration` and `Action`.
 */
export function reportViolations(
  telemetry: Telemetry,
  violations: readonly Violation[],
  context: ReportContext,
): void {
  if (!telemetry.hasLogger && !telemetry.hasMetrics) return
  const { integration, action, phase, mode, requestId } = context
  const level = action === 'repaired' || action === 'reported' ? 'warn' : 'error'
  const counted = new Set<ViolationRule>()
  violations.forEach((violation, index) => {
    if (index < MAX_LOGGED_VIOLATIONS) {
      telemetry.log(level, 'response shape violation', {
        rule: violation.rule,
        path: violation.path,
        reason: violation.message,
        integration,
        action,
        phase,
        mode,
        requestId,
      })
    }
    if (!counted.has(violation.rule)) {
      counted.add(violation.rule)
      telemetry.count(METRIC_NAME, {
        Violation: violation.rule,
        Integration: integration,
        Action: action,
      })
    }
  })
  if (violations.length > MAX_LOGGED_VIOLATIONS) {
    telemetry.log(level, 'response shape violations not logged', {
      omitted: violations.length - MAX_LOGGED_VIOLATIONS,
      integration,
      action,
      phase,
      mode,
      requestId,
    })
  }
}
