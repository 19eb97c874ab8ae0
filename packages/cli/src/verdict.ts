import { describeThrown, type Integration } from '@gateproof/core'
import { validateProxyResult } from '@gateproof/proxy-shape'
import { type ClientResponse, type FunctionOutcome, simulateGateway } from '@gateproof/testing'
import { FRONT_DOOR } from './integrations.js'
import { ORDINARY_REQUEST } from './probes.js'

export type Severity = 'error' | 'warning'

export interface CheckFinding {
  /** `error`: the client gets the front door's own answer, not the function's. `warning`: the
   * response breaks a rule of the front door that it happens to deliver anyway (CR/LF/NUL in a header). */
  severity: Severity
  /** A proxy-shape violation rule (`body-type`, `control-characters`, …), or `unhandled-error`, `timeout`. */
  rule: string
  /** JSON path into the function's result, when the finding is about one value. */
  path?: string
  message: string
  /** The `gateway-facts.md` row the rule rests on. */
  row?: string
}

export interface CheckResult {
  integration: Integration
  frontDoor: string
  /** What was sent: the probe's name, or the event file. */
  probe: string
  request: string
  outcome: FunctionOutcome['kind']
  /** What the client of this front door receives. */
  client: {
    status: number
    headers: Record<string, string>
    /** The first bytes of the body. */
    body: string
    /** True when the front door answered itself instead of delivering the function's response. */
    gatewayError: boolean
  }
  /** The facts rows the client's answer rests on, and whether all of them are confirmed. */
  rows: string[]
  confirmed: boolean
  findings: CheckFinding[]
  /** One sentence: what the client sees and why. */
  explanation: string
}

const BODY_PREVIEW = 120
const KEY_HEADERS =
  /^(content-type|x-amzn-errortype|retry-after|location|set-cookie|www-authenticate)$/i

/** `body must be a string, got an object; sent as JSON (R17/R18)` → the rule and its row. */
function splitMessage(message: string): { text: string; row: string | undefined } {
  const row = /\(([^()]+)\)$/.exec(message)?.[1]
  const withoutRow = row ? message.slice(0, message.lastIndexOf('(')).trim() : message
  // The text after `;` is what proxy-shape's repair mode would do: not what the client sees.
  return { text: withoutRow.split(';')[0]?.trim() ?? withoutRow, row }
}

function outcomeFindings(
  integration: Integration,
  outcome: FunctionOutcome,
  client: ClientResponse,
  waitMs: number,
  albMultiValueHeaders: boolean,
): CheckFinding[] {
  switch (outcome.kind) {
    case 'threw': {
      const thrown = describeThrown(outcome.error)
      return [
        {
          severity: 'error',
          rule: 'unhandled-error',
          message: `the handler threw ${thrown.name}: ${thrown.message}`,
          row: '§2.1',
        },
      ]
    }
    case 'integration-timeout':
    case 'function-timeout':
      return [
        {
          severity: 'error',
          rule: 'timeout',
          message: `the handler did not answer within ${waitMs} ms`,
          row: '§2.1',
        },
      ]
    case 'throttled':
      return []
    case 'returned': {
      const severity: Severity = client.gatewayError ? 'error' : 'warning'
      const violations = validateProxyResult(outcome.value, integration, { albMultiValueHeaders })
      const findings: CheckFinding[] = violations.violations.map((violation) => {
        const { text, row } = splitMessage(violation.message)
        return {
          severity,
          rule: violation.rule,
          path: violation.path,
          message: text,
          ...(row ? { row } : {}),
        }
      })
      if (client.gatewayError && findings.every((f) => f.severity !== 'error')) {
        findings.unshift({
          severity: 'error',
          rule: 'not-a-response',
          message: 'the front door rejects this result',
          row: client.rows.join(', '),
        })
      }
      return findings
    }
  }
}

/** Text for a terminal: control characters (a CR/LF/NUL a handler echoed) shown escaped, never sent raw. */
export function printable(text: string): string {
  let out = ''
  for (const char of text) {
    const code = char.charCodeAt(0)
    out += code < 0x20 || code === 0x7f ? `\\u${code.toString(16).padStart(4, '0')}` : char
  }
  return out
}

// Headers worth a mention in one line: what tells a client why, and when to retry.
const TOLD_HEADERS = /^(x-amzn-errortype|retry-after|location)$/i

function headerNote(headers: Record<string, string>): string {
  const told = Object.entries(headers).filter(([name]) => TOLD_HEADERS.test(name))
  return told.length === 0
    ? ''
    : ` (${told.map(([name, value]) => `${name}: ${printable(value)}`).join(', ')})`
}

const preview = (body: string) =>
  body.length > BODY_PREVIEW ? `${body.slice(0, BODY_PREVIEW)}…` : body

/** What the client of `integration` sees for `outcome`, with the findings that explain it. */
export function judge(
  integration: Integration,
  probe: { name: string; request: string },
  outcome: FunctionOutcome,
  options: { waitMs: number; albMultiValueHeaders: boolean },
): CheckResult {
  const client = simulateGateway(integration, outcome, {
    albMultiValueHeaders: options.albMultiValueHeaders,
  })
  const findings = outcomeFindings(
    integration,
    outcome,
    client,
    options.waitMs,
    options.albMultiValueHeaders,
  )
  if (probe.name === ORDINARY_REQUEST && !client.gatewayError && client.status >= 500) {
    // Delivered as the function meant it, but an ordinary request should not fail: a handler
    // that answers every request 5xx (a strict-mode 500, a missing dependency) passes nothing.
    findings.push({
      severity: 'warning',
      rule: 'server-error',
      message: `the ordinary request was answered ${client.status} by the function itself`,
    })
  }
  const frontDoor = FRONT_DOOR[integration]
  const body = preview(client.body)
  const firstError = findings.find((f) => f.severity === 'error')
  const because =
    client.gatewayError && firstError
      ? ` because ${printable(firstError.message)}${firstError.row ? ` (${firstError.row})` : ''}`
      : ''
  return {
    integration,
    frontDoor,
    probe: probe.name,
    request: probe.request,
    outcome: outcome.kind,
    client: {
      status: client.status,
      headers: Object.fromEntries(
        Object.entries(client.headers).filter(([name]) => KEY_HEADERS.test(name)),
      ),
      body,
      gatewayError: client.gatewayError,
    },
    rows: client.rows,
    confirmed: client.confirmed,
    findings,
    explanation: `${frontDoor} client sees ${client.status}${headerNote(client.headers)} ${printable(body.replace(/\s+/g, ' ').trim()) || '(empty body)'}${because}`,
  }
}
