export type Severity = 'error' | 'warning' | 'info'

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info']

/** How a severity ranks: an error outranks a warning outranks an info. */
export const severityRank = (severity: Severity): number => 2 - SEVERITIES.indexOf(severity)

/** One thing doctor found: which rule, how bad, where, what happens and what to change. */
export interface Finding {
  /** A stable, documented rule id, e.g. `rest-default-responses`. */
  rule: string
  severity: Severity
  /** The logical id of the resource (for SAM authorizers `Api.AuthorizerName`). */
  resource: string
  message: string
  fix: string
  /** The gateway-facts rows or sections the finding rests on, e.g. `['§2.1 throttled/REST', 'IT1']`. */
  facts: readonly string[]
  /** The template it was found in. */
  template: string
}
