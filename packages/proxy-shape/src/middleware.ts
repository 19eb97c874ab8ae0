import {
  albMultiValueHeaders,
  createTelemetry,
  describeThrown,
  frontDoorOf,
  isStreamingRequest,
  type PluginHooks,
  peekRequestState,
  type RequestLike,
  renderErrorResponse,
  requestIdOf,
  requestState,
} from '@gateproof/core'
import type { MiddlewareObj } from '@middy/core'
import { inspect } from './inspect.js'
import {
  type EventFor,
  type IntegrationOption,
  PACKAGE,
  type ProxyShapeOptions,
  resolveOptions,
} from './options.js'
import { type ShapeProfile, type ShapeTarget, shapeProfile } from './profiles.js'
import { type Phase, reportViolations, type ViolationAction } from './report.js'
import { snapshot } from './snapshot.js'
import { isMap } from './values.js'
import type { Violation } from './violations.js'

/** A Middy middleware plus the `requestEnd` hook that also covers early responses. */
export type ProxyShapeMiddleware<T extends IntegrationOption = 'auto'> = MiddlewareObj<
  EventFor<T>,
  unknown
> & { readonly plugin: PluginHooks }

/**
 * The request state's `proxyShape` holds the response `after`/`onError` judged, so
 * `requestEnd` does not judge it again; this stands for a judged `undefined`.
 */
const NO_RESPONSE = Symbol('no response')
const judged = (response: unknown): unknown => (response === undefined ? NO_RESPONSE : response)

interface Verdict {
  target: ShapeTarget
  violations: readonly Violation[]
  action: Exclude<ViolationAction, 'unfixable'>
  /** What to send instead (the response itself in `report` mode). */
  response: unknown
}

const UNHANDLED: Violation[] = [
  {
    path: '$',
    rule: 'unhandled-error',
    message: 'the invocation threw and no middleware rendered a response (§2.1)',
  },
]

/**
 * Makes every response one its front door delivers: the handler's, an `after`
 * middleware's, an early response from a `before`, and the error path's.
 *
 *     middy(handler, gateproofPlugin(shape)).use(shape).use(...)   // first .use: its after/onError run last
 */
export function proxyShape<T extends IntegrationOption = 'auto'>(
  options: ProxyShapeOptions<T> = {},
): ProxyShapeMiddleware<T> {
  const { integration, mode, format } = resolveOptions(options)
  const telemetry = createTelemetry(PACKAGE, { metrics: options.metrics, logger: options.logger })
  const fixed = integration === 'auto' ? undefined : integration
  const forcedDoor = fixed === 'universal' ? undefined : fixed

  // Whether Middy runs this middleware's plugin hooks. Only then does requestEnd read the
  // per-request mark, so a handler without the plugin is spared writing it: adding a key
  // to Middy's null-prototype `request.internal` costs as much as checking a response.
  let pluginInUse = false

  /**
   * Whose rules apply, or `undefined` to step aside (H2): with `auto`, an event from none of
   * the five front doors (SQS, EventBridge, a warmer) gets its result back untouched and its
   * errors rethrown. A streamed response is judged by the stream tap's prelude rules.
   */
  function targetOf(request: RequestLike): ShapeTarget | undefined {
    if (fixed === 'universal') return fixed
    const door = frontDoorOf(request, forcedDoor)
    if (door === undefined) {
      telemetry.stepAside(request)
      return undefined
    }
    return isStreamingRequest(request) ? undefined : door
  }
  function profileOf(target: ShapeTarget, event: unknown): ShapeProfile {
    return shapeProfile(target, target === 'alb' && albMultiValueHeaders(event))
  }

  /** A 500 in the error contract, never the thrown message; the default format if a custom one fails. */
  function renderFailure(
    request: RequestLike,
    target: ShapeTarget,
    profile: ShapeProfile,
  ): unknown {
    const error = { status: 500, requestId: requestIdOf(request.event, request.context) }
    const render = {
      integration: target === 'universal' ? undefined : target,
      event: request.event,
    }
    try {
      const rendered = renderErrorResponse(error, { ...render, format })
      if (inspect(rendered, profile).violations.length === 0) return rendered
    } catch {
      // A custom formatter threw; the default format cannot.
    }
    return renderErrorResponse(error, render)
  }

  /** The verdict on `response` under `target`'s rules (the caller asked `targetOf` once). */
  function judge(
    request: RequestLike,
    response: unknown,
    target: ShapeTarget,
  ): Verdict | undefined {
    const profile = profileOf(target, request.event)
    const inspection = inspect(response, profile)
    const { violations } = inspection
    if (violations.length === 0) return undefined
    if (mode === 'report') return { target, violations, action: 'reported', response }
    if (
      mode === 'repair' &&
      !inspection.unfixable &&
      // A repair that is not itself valid would be a gateproof bug; the 500 is always valid.
      inspect(inspection.repaired, profile).violations.length === 0
    ) {
      return { target, violations, action: 'repaired', response: inspection.repaired }
    }
    return {
      target,
      violations,
      action: 'rendered',
      response: renderFailure(request, target, profile),
    }
  }

  function report(
    request: RequestLike,
    target: ShapeTarget,
    violations: readonly Violation[],
    action: ViolationAction,
    phase: Phase,
  ): void {
    const requestId = requestIdOf(request.event, request.context)
    reportViolations(telemetry, violations, { integration: target, action, phase, mode, requestId })
    if (action === 'rendered' && !telemetry.hasLogger) {
      // H6: violation lines go to a Logger only; a 500 rendered without one still leaves
      // one line (console.error), as every other 5xx gateproof answers does.
      const first = violations[0]
      telemetry.logFailure(request, 'error', 'response shape violation', {
        statusCode: 500,
        rule: first?.rule,
        path: first?.path,
        reason: first?.message,
        violations: violations.length,
        integration: target,
        action,
        phase,
        mode,
        requestId,
      })
    }
  }

  function settle(request: RequestLike, phase: Phase): void {
    // H9: judged once, on a plain copy, and the copy is what leaves.
    const response = snapshot(request.response)
    const target = targetOf(request)
    const verdict = target === undefined ? undefined : judge(request, response, target)
    if (verdict !== undefined) {
      report(request, verdict.target, verdict.violations, verdict.action, phase)
      request.response = verdict.response
    } else if (response !== request.response && target !== undefined) {
      request.response = response
    }
    if (pluginInUse) requestState(request).proxyShape = judged(request.response)
  }

  function proxyShapeAfter(request: RequestLike): void {
    settle(request, 'after')
  }

  function proxyShapeOnError(request: RequestLike): void {
    if (request.response !== undefined && request.response !== null) {
      settle(request, 'onError')
      return
    }
    // Nothing rendered the error: Lambda would report a function error and the
    // front door answer 502 (500 on HTTP API) on its own.
    const target = targetOf(request)
    // H2: not an HTTP event: the error is rethrown for Lambda to record and retry.
    if (target === undefined) return
    logUnhandled(request)
    if (mode === 'report') {
      report(request, target, UNHANDLED, 'reported', 'onError')
    } else {
      report(request, target, UNHANDLED, 'rendered', 'onError')
      request.response = renderFailure(request, target, profileOf(target, request.event))
    }
    if (pluginInUse) requestState(request).proxyShape = judged(request.response)
  }

  /**
   * A rendered error would otherwise leave no trace: Lambda logs only errors it sees. The
   * thrown value is described through core's safe reader (H1): printing a hostile value
   * (a Proxy whose traps throw) would throw here and turn the 500 into the gateway's 502.
   * One line per failed request (H7); without a Logger, one JSON line on console.error (H6).
   */
  function logUnhandled(request: RequestLike): void {
    if (mode === 'report') return
    telemetry.logFailure(request, 'error', 'unhandled error rendered as 500', {
      statusCode: 500,
      requestId: requestIdOf(request.event, request.context),
      error: describeThrown(request.error, { stack: true }),
    })
  }

  function proxyShapeRequestStart(): void {
    pluginInUse = true
  }

  /**
   * Middy skips every `after` when a `before` answers early, and stops at the first
   * `after`/`onError` that returns a value; `requestEnd` runs on every path. By then
   * Middy holds the response it will return, so a fix can only happen in place.
   */
  function proxyShapeRequestEnd(request: RequestLike): void {
    const { response } = request
    if (peekRequestState(request)?.proxyShape === judged(response)) return
    judgeAtEnd(request, response)
  }

  // Apart from the check above, the only part every request runs: V8 asks more work of a
  // longer function before optimising it, and with this in the same function the check ran
  // unoptimised for ~16 000 requests.
  function judgeAtEnd(request: RequestLike, response: unknown): void {
    const target = targetOf(request)
    if (target === undefined) return
    requestState(request).proxyShape = judged(response)
    if (response === undefined && request.error !== undefined) {
      // An onError middleware threw: Middy rethrows and the front door answers on its own.
      report(request, target, UNHANDLED, 'unfixable', 'requestEnd')
      return
    }
    // Middy returns the object it holds, so a fix (or the H9 snapshot) happens in place.
    const copy = snapshot(response)
    const verdict = judge(request, copy, target)
    if (verdict === undefined) {
      if (copy !== response) rewriteInPlace(response, copy)
      return
    }
    const action =
      verdict.action === 'reported' || rewriteInPlace(response, verdict.response)
        ? verdict.action
        : 'unfixable'
    report(request, verdict.target, verdict.violations, action, 'requestEnd')
  }

  return {
    after: proxyShapeAfter,
    onError: proxyShapeOnError,
    plugin: { requestStart: proxyShapeRequestStart, requestEnd: proxyShapeRequestEnd },
  }
}

/** Turns an early response object into its replacement, keeping its identity. */
function rewriteInPlace(target: unknown, replacement: unknown): boolean {
  if (!isMap(target) || !Object.isExtensible(target) || !isMap(replacement)) return false
  try {
    for (const key of Object.keys(target)) delete target[key]
    Object.assign(target, replacement)
    return true
  } catch {
    return false
  }
}
