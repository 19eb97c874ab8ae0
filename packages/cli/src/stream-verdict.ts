import {
  checkPrelude,
  describeThrown,
  type Integration,
  isObject,
  PRELUDE_CONTENT_TYPE,
} from '@gateproof/core'
import {
  FACT_ROWS,
  type FunctionOutcome,
  invokeStreaming,
  lambdaContext,
  type StreamedResponse,
} from '@gateproof/testing'
import { FRONT_DOOR } from './integrations.js'
import { type CheckFinding, type CheckResult, judge, printable } from './verdict.js'

/** REST (`STREAM`) and Function URLs (`RESPONSE_STREAM`) stream; HTTP API and ALB do not (ST1, ST31, ST32). */
const STREAMS: ReadonlySet<Integration> = new Set(['rest', 'function-url'])
const BODY_PREVIEW = 120
const KEY_HEADERS = /^(content-type|retry-after|location|set-cookie|www-authenticate)$/i

/** What the stream looked like, beside the client's view, so a report can say where it broke. */
export interface StreamView {
  ended: StreamedResponse['ended']
  /** Writes that reached the runtime, the prelude's included. */
  writes: number
  bodyBytes: number
  prelude: Record<string, unknown> | undefined
}

const rowsConfirmed = (rows: string[]) =>
  rows.every((row) => (FACT_ROWS as Record<string, string>)[row] !== 'UNCONFIRMED')

/** Invokes a streaming handler once, as the runtime does (testing's `invokeStreaming`). */
export function invokeStreamingOnce(
  handler: unknown,
  event: unknown,
  options: { waitMs: number; functionTimeoutMs: number },
): Promise<StreamedResponse> {
  return invokeStreaming(
    handler,
    event,
    lambdaContext({ remainingMs: options.functionTimeoutMs }),
    {
      timeoutMs: options.waitMs,
    },
  )
}

// The thrown value is anything a handler threw (a revoked Proxy too): read only through core's rule.
const timedOut = (streamed: StreamedResponse) =>
  streamed.ended === 'truncated' &&
  describeThrown(streamed.error).message.startsWith('invokeStreaming: the handler did not finish')

/**
 * A streaming handler behind a front door that does not stream (ST31, ST32): the response
 * arrives whole, as a buffered result made of the prelude and the body; its proxy rules apply.
 */
function bufferedOutcome(streamed: StreamedResponse): FunctionOutcome {
  if (timedOut(streamed)) return { kind: 'function-timeout' }
  if (streamed.ended === 'truncated') return { kind: 'threw', error: streamed.error }
  const body = streamed.body.toString('utf8')
  return {
    kind: 'returned',
    value: streamed.prelude ? { ...streamed.prelude, body } : body,
  }
}

function streamView(streamed: StreamedResponse): StreamView {
  return {
    ended: streamed.ended,
    writes: streamed.chunks.length,
    bodyBytes: streamed.body.length,
    prelude: streamed.prelude,
  }
}

function preludeHeaders(prelude: Record<string, unknown> | undefined): Record<string, string> {
  const headers: Record<string, string> = {}
  if (prelude && isObject(prelude.headers)) {
    for (const [name, value] of Object.entries(prelude.headers)) {
      if (KEY_HEADERS.test(name)) headers[name] = String(value)
    }
  }
  if (prelude && Array.isArray(prelude.cookies) && prelude.cookies.length > 0) {
    headers['set-cookie'] = prelude.cookies.map(String).join(', ')
  }
  return headers
}

/**
 * What the client of `integration` sees from one streamed invocation, with findings:
 * the prelude is checked by core's `checkPrelude` (status, header names, CR/LF/NUL in
 * values, ST3); a throw before the first write is a 5xx without a body (ST8, ST20); one
 * after it, a response cut short after its status and headers (ST9, ST21).
 */
export function judgeStreamed(
  integration: Integration,
  probe: { name: string; request: string },
  streamed: StreamedResponse,
  options: { waitMs: number; albMultiValueHeaders: boolean },
): CheckResult & { stream: StreamView } {
  const stream = streamView(streamed)
  if (!STREAMS.has(integration)) {
    const buffered = judge(integration, probe, bufferedOutcome(streamed), options)
    const row = integration === 'alb' ? 'ST32' : 'ST31'
    buffered.findings.push({
      severity: 'warning',
      rule: 'not-streamed',
      message: `${FRONT_DOOR[integration]} does not stream: the client gets the whole response when the function ends`,
      row,
    })
    buffered.rows = [...buffered.rows, row]
    buffered.confirmed = buffered.confirmed && rowsConfirmed([row])
    return { ...buffered, stream }
  }

  const findings: CheckFinding[] = []
  const rows: string[] = []
  let status: number
  let gatewayError = false
  let outcome: FunctionOutcome['kind'] = 'returned'
  const wrotePrelude = streamed.prelude !== undefined
  const started = streamed.chunks.length > 0

  if (!started) {
    // Nothing reached the front door: no valid metadata, so no status to send (ST2).
    gatewayError = streamed.ended === 'truncated'
    status = gatewayError ? (timedOut(streamed) ? 504 : 502) : 200
    if (timedOut(streamed)) {
      outcome = 'function-timeout'
      findings.push({
        severity: 'error',
        rule: 'timeout',
        message: `the handler wrote nothing within ${options.waitMs} ms`,
        row: 'ST5',
      })
      rows.push('ST5')
    } else if (gatewayError) {
      outcome = 'threw'
      const thrown = describeThrown(streamed.error)
      findings.push({
        severity: 'error',
        rule: 'unhandled-error',
        message: `the handler threw ${thrown.name} before the first write: ${thrown.message}`,
        row: 'ST20',
      })
      rows.push('ST8', 'ST20')
    } else rows.push('ST3')
  } else if (streamed.contentType === PRELUDE_CONTENT_TYPE && !wrotePrelude) {
    status = 502
    gatewayError = true
    findings.push({
      severity: 'error',
      rule: 'prelude',
      message: 'the stream does not start with a JSON prelude and 8 NUL bytes',
      row: 'ST3',
    })
    rows.push('ST2', 'ST3')
  } else if (!wrotePrelude) {
    // No prelude: a Function URL answers 200 with the bytes (InvokeWithResponseStream style);
    // REST finds no metadata (ST2).
    status = integration === 'rest' ? 502 : 200
    gatewayError = integration === 'rest'
    if (gatewayError) {
      findings.push({
        severity: 'error',
        rule: 'prelude',
        message: 'REST needs a prelude (HttpResponseStream.from) before the body',
        row: 'ST2',
      })
    }
    rows.push('ST2')
  } else {
    rows.push('ST3')
    const check = checkPrelude(streamed.prelude, integration)
    const rawStatus = streamed.prelude?.statusCode
    status = typeof rawStatus === 'number' ? rawStatus : 200
    if (!check.ok) {
      for (const problem of check.problems) {
        const fatal = problem.startsWith('statusCode')
        if (fatal) {
          gatewayError = true
          status = 502
        }
        findings.push({
          severity: fatal ? 'error' : 'warning',
          rule: 'prelude',
          message: problem,
          row: 'ST3',
        })
      }
    }
  }

  if (started && streamed.ended === 'truncated' && !gatewayError) {
    outcome = timedOut(streamed) ? 'function-timeout' : 'threw'
    const thrown = describeThrown(streamed.error)
    findings.push({
      severity: 'error',
      rule: 'stream-truncated',
      message: `the body is cut short after ${streamed.body.length} byte(s): ${thrown.name}: ${thrown.message}`,
      row: 'ST21',
    })
    rows.push('ST9', 'ST21')
  }

  const frontDoor = FRONT_DOOR[integration]
  const bodyText = gatewayError
    ? JSON.stringify({
        message: status === 504 ? 'Endpoint request timed out' : 'Internal server error',
      })
    : streamed.body.toString('utf8')
  const body = bodyText.length > BODY_PREVIEW ? `${bodyText.slice(0, BODY_PREVIEW)}…` : bodyText
  const firstError = findings.find((f) => f.severity === 'error')
  const how = gatewayError
    ? ` because ${printable(firstError?.message ?? '')}${firstError?.row ? ` (${firstError.row})` : ''}`
    : streamed.ended === 'truncated'
      ? ', streamed, then the connection closes mid-body (ST9)'
      : `, streamed in ${stream.writes} write(s)`
  return {
    integration,
    frontDoor,
    probe: probe.name,
    request: probe.request,
    outcome,
    client: {
      status,
      headers: gatewayError
        ? { 'content-type': 'application/json' }
        : preludeHeaders(streamed.prelude),
      body,
      gatewayError,
    },
    rows,
    confirmed: rowsConfirmed(rows),
    findings,
    explanation: `${frontDoor} client sees ${status} ${printable(body.replace(/\s+/g, ' ').trim()) || '(empty body)'}${how}`,
    stream,
  }
}
