import type { AuthorizerType, Telemetry } from '@gateproof/core'
import { PACKAGE } from './options.js'
import type { Violation, Warning } from './violations.js'

/** What the client gets: through, 403, 401, or the gateway's 500. */
export type ClientOutcome = 'allow' | 'deny' | 'unauthorized' | 'error'
/** What gateproof did: nothing, fixed the output, replaced it, or only reported (report mode). */
export type Action = 'none' | 'repaired' | 'replaced' | 'reported' | 'warned'

export interface Report {
  type: AuthorizerType
  outcome: ClientOutcome
  /** Bounded: `policy`, `thrown-401`, `thrown-403`, `thrown-error`, a violation rule or a warning rule. */
  reason: string
  action: Action
  requestId: string | undefined
  violations?: readonly Violation[]
  warnings?: readonly Warning[]
  thrown?: { name: string; status: number | undefined; message: string }
}

export const METRIC = 'AuthorizerOutcome'

/**
 * One EMF metric and one log line per non-allow outcome, repair or warning. The log line
 * names paths and rules, never the output's values, the token or the identity sources.
 */
export function emitReport(telemetry: Telemetry, stderrFallback: boolean, report: Report): void {
  telemetry.count(METRIC, {
    type: report.type,
    outcome: report.outcome,
    reason: report.reason,
    action: report.action,
  })
  const fields = {
    type: report.type,
    outcome: report.outcome,
    reason: report.reason,
    action: report.action,
    requestId: report.requestId,
    ...(report.violations?.length
      ? {
          violations: report.violations.map(({ path, rule, row, message }) => ({
            path,
            rule,
            row,
            message,
          })),
        }
      : {}),
    ...(report.warnings?.length ? { warnings: report.warnings } : {}),
    ...(report.thrown ? { thrown: report.thrown } : {}),
  }
  const level =
    report.outcome === 'error'
      ? 'error'
      : report.action === 'none' && report.reason === 'policy'
        ? 'info'
        : 'warn'
  const message = `authorizer ${report.outcome} (${report.reason}, ${report.action})`
  if (telemetry.hasLogger) {
    telemetry.log(level, message, fields)
  } else if (stderrFallback && report.outcome === 'error') {
    // No Logger given: the one failure the gateway turns into a 500 still leaves a trace.
    try {
      console.error(JSON.stringify({ level: 'ERROR', package: PACKAGE, message, ...fields }))
    } catch {
      // Telemetry never throws into the invocation.
    }
  }
}
