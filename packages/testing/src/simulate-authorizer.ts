import {
  type AuthorizerType,
  isObject,
  methodArnTooLong,
  POLICY_RESOURCE_MAX_LENGTH,
  policyDecision,
} from '@gateproof/core'
import { httpApiAuthorizerEvent, tokenAuthorizerEvent } from './authorizer-events.js'
import { type ClientResponse, Verdict } from './simulate.js'

/** What the authorizer function did, as API Gateway sees it. */
export type AuthorizerOutcome =
  /** It returned this value (serialised by the Lambda runtime with `JSON.stringify`). */
  | { output: unknown }
  /** It failed: a thrown Error, or `callback(error)` with a string or any value. */
  | { error: unknown }
  /** It ran out of time (Lambda's timeout or API Gateway's own wait, AZ27). */
  | { timeout: true }
  /** The request lacked the identity sources: API Gateway answered without invoking it (AZ20, AZ34). */
  | { missingIdentity: true }
  /** Nothing ran: the method ARN is too long for the authorizer (REST, AZ19) — `arn` decides. */
  | { notInvoked: true }

export interface SimulateAuthorizerOptions {
  type: AuthorizerType
  /** HTTP API 2.0: `simple` with `enableSimpleResponses`, else `iam` (default). */
  responseFormat?: 'iam' | 'simple'
  /**
   * The ARN the policy is checked against: the event's `methodArn` or `routeArn`. Default:
   * the ARN of this package's default authorizer event of the type.
   */
  arn?: string
}

/** What the client sees; `allowed` requests go on to the integration (status 200 stands for that). */
export interface AuthorizerClientView extends ClientResponse {
  allowed: boolean
  /**
   * `requestContext.authorizer` as the integration receives it when allowed: REST and
   * HTTP API 1.0 `{ principalId, ...context }` with values stringified (AZ6, AZ17); HTTP
   * API 2.0 `{ lambda: context }` (AZ30, arrival UNCONFIRMED).
   */
  authorizer?: Record<string, unknown>
  /** `principalId` of a valid policy (for the gateway's cache and logs). */
  principalId?: string
}

const JSON_TYPE = { 'Content-Type': 'application/json' }

const isRest = (type: AuthorizerType): boolean => type === 'token' || type === 'request'

function refused(
  verdict: Verdict,
  status: number,
  headers: Record<string, string>,
  body: string,
): AuthorizerClientView {
  return { ...verdict.answer(status, headers, body, true), allowed: false }
}

/** REST: AUTHORIZER_CONFIGURATION_ERROR (AZ10, AZ11). HTTP API: a plain 500 (AZ32). */
function configurationError(type: AuthorizerType, verdict: Verdict): AuthorizerClientView {
  if (isRest(type)) {
    return refused(
      verdict,
      500,
      { ...JSON_TYPE, 'x-amzn-ErrorType': 'AuthorizerConfigurationException' },
      '{"message": null}',
    )
  }
  return refused(verdict.cite('AZ32'), 500, JSON_TYPE, '{"message":"Internal Server Error"}')
}

function unauthorized(verdict: Verdict): AuthorizerClientView {
  return refused(
    verdict,
    401,
    { ...JSON_TYPE, 'x-amzn-ErrorType': 'UnauthorizedException' },
    '{"message":"Unauthorized"}',
  )
}

function forbidden(
  type: AuthorizerType,
  explicit: boolean,
  verdict: Verdict,
): AuthorizerClientView {
  if (isRest(type)) {
    return refused(
      verdict.cite(explicit ? 'AZ7' : 'AZ8'),
      403,
      { ...JSON_TYPE, 'x-amzn-ErrorType': 'AccessDeniedException' },
      explicit
        ? '{"Message":"User is not authorized to access this resource with an explicit deny"}'
        : '{"Message":"User is not authorized to access this resource"}',
    )
  }
  // AZ31: 403 expected; the body is the emulators' (UNCONFIRMED).
  return refused(
    verdict.cite('AZ31'),
    403,
    JSON_TYPE,
    '{"message":"User is not authorized to access this resource"}',
  )
}

/** The message Lambda reports for a failure: an Error's `message`, a string as it is. */
function errorMessageOf(error: unknown): string {
  if (typeof error === 'string') return error
  try {
    if (error instanceof Error) return error.message
    if (isObject(error) && typeof error.message === 'string') return error.message
    return String(error)
  } catch {
    return ''
  }
}

/**
 * What the client sees for a Lambda authorizer's outcome, per gateway-facts §10: allowed
 * through, 401, 403 or the gateway's 500. Every answer lists the rows it rests on;
 * answers on UNCONFIRMED rows are marked `confirmed: false`.
 */
export function simulateAuthorizer(
  outcome: AuthorizerOutcome,
  options: SimulateAuthorizerOptions,
): AuthorizerClientView {
  const { type } = options
  const verdict = new Verdict()
  if ('missingIdentity' in outcome) {
    return unauthorized(verdict.cite(isRest(type) ? 'AZ20' : 'AZ34'))
  }
  // AZ19 (REST): long path parameter values push the method ARN past 1 600 bytes; the
  // authorizer is never invoked. Which check comes first when identity is also missing is
  // not documented: the identity check needs no ARN, so it is taken first here.
  if (isRest(type) && options.arn !== undefined && methodArnTooLong(options.arn)) {
    return refused(verdict.cite('AZ19'), 414, {}, 'Request URI too long')
  }
  if ('notInvoked' in outcome) {
    throw new TypeError(
      'simulateAuthorizer: { notInvoked: true } stands for a REST method ARN over 1 600 bytes (AZ19); this arn is not one',
    )
  }
  if ('timeout' in outcome) {
    return configurationError(type, verdict.cite(isRest(type) ? 'AZ27' : 'AZ32'))
  }
  if ('error' in outcome) {
    const message = errorMessageOf(outcome.error)
    if (isRest(type)) {
      if (message === 'Unauthorized') return unauthorized(verdict.cite('AZ9'))
      // AZ9: whether the match ignores case is UNCONFIRMED; exact match assumed.
      if (message.toLowerCase() === 'unauthorized') verdict.cite('AZ9', 'unconfirmed')
      return configurationError(type, verdict.cite('AZ10'))
    }
    // AZ33: a thrown Unauthorized on HTTP API is UNCONFIRMED; the documented rule is a 500.
    if (message === 'Unauthorized') verdict.cite('AZ33')
    return configurationError(type, verdict)
  }
  let value: unknown
  try {
    const text = JSON.stringify(outcome.output)
    value = text === undefined ? undefined : JSON.parse(text)
  } catch {
    // The runtime cannot serialise the result: the invocation fails.
    return configurationError(type, verdict.cite(isRest(type) ? 'AZ10' : 'AZ32'))
  }
  if (type === 'http-v2' && options.responseFormat === 'simple') {
    return simpleResponse(value, verdict)
  }
  const arn =
    options.arn ??
    (type === 'http-v2' ? httpApiAuthorizerEvent().routeArn : tokenAuthorizerEvent().methodArn)
  return policyResponse(type, value, arn, verdict)
}

function simpleResponse(value: unknown, verdict: Verdict): AuthorizerClientView {
  verdict.cite('AZ29')
  if (!isObject(value) || typeof value.isAuthorized !== 'boolean') {
    return configurationError('http-v2', verdict)
  }
  const context = value.context
  if (context !== undefined && context !== null && !isObject(context)) {
    return configurationError('http-v2', verdict.cite('unconfirmed'))
  }
  if (!value.isAuthorized) return forbidden('http-v2', true, verdict)
  return {
    ...verdict.cite('AZ30').answer(200, {}, ''),
    allowed: true,
    authorizer: { lambda: isObject(context) ? context : {} },
  }
}

const isStringList = (value: unknown): boolean =>
  (typeof value === 'string' && value !== '') ||
  (Array.isArray(value) &&
    value.length > 0 &&
    value.every((item) => typeof item === 'string' && item !== ''))

function policyResponse(
  type: AuthorizerType,
  value: unknown,
  arn: string,
  verdict: Verdict,
): AuthorizerClientView {
  const rest = isRest(type)
  if (type === 'http-v1' || type === 'http-v2') verdict.cite('AZ28')
  const invalid = (...rows: Parameters<Verdict['cite']>) =>
    configurationError(type, verdict.cite(...rows))
  // AZ11: not a policy (null, `{ allow: true }`, a proxy-style `{ statusCode, body }`).
  if (!isObject(value) || !('policyDocument' in value)) {
    return invalid(...(isObject(value) ? (['AZ11', 'AZ13'] as const) : (['AZ11'] as const)))
  }
  if (typeof value.principalId !== 'string' || value.principalId === '') {
    // AZ12: conflicting sources; the documented "must include" is assumed.
    return invalid('AZ12')
  }
  const document = value.policyDocument
  if (!isObject(document)) return invalid('AZ13')
  if (!Array.isArray(document.Statement)) {
    return invalid(isObject(document.Statement) ? 'AZ14' : 'AZ13')
  }
  if (
    document.Statement.length === 0 ||
    !document.Statement.every(
      (s) =>
        isObject(s) &&
        (isStringList(s.Action) || isStringList(s.NotAction)) &&
        (isStringList(s.Resource) || isStringList(s.NotResource)),
    )
  ) {
    return invalid('AZ13')
  }
  if (
    document.Statement.some((s) =>
      [s.Resource, s.NotResource]
        .flat()
        .some((r) => typeof r === 'string' && r.length > POLICY_RESOURCE_MAX_LENGTH),
    )
  ) {
    // AZ19: a Resource over 512 characters is documented as over the limit; what the
    // gateway then answers is not: a configuration error is assumed (UNCONFIRMED).
    return invalid('AZ19', 'unconfirmed')
  }
  if (document.Statement.some((s) => s.Effect !== 'Allow' && s.Effect !== 'Deny')) {
    // AZ15: a statement whose Effect is not exactly Allow/Deny grants nothing (sam-cli), UNCONFIRMED.
    verdict.cite('AZ15')
  }
  const key = value.usageIdentifierKey
  if (key !== undefined && key !== null && typeof key !== 'string') return invalid('unconfirmed')
  const authorizer: Record<string, unknown> = { principalId: value.principalId }
  const context = value.context
  if (context !== undefined && context !== null) {
    if (!isObject(context)) return invalid(rest || type === 'http-v1' ? 'AZ16' : 'AZ30')
    for (const [name, item] of Object.entries(context)) {
      if (item === null) {
        // AZ18: a null value is dropped (emulator behaviour; UNCONFIRMED).
        verdict.cite('AZ18')
        continue
      }
      if (typeof item === 'object' && type !== 'http-v2') return invalid('AZ16')
      if (typeof item !== 'string') verdict.cite('AZ17')
      authorizer[name] = type === 'http-v2' ? item : String(item)
    }
  }
  const decision = policyDecision(document, arn)
  if (decision !== 'allow') return forbidden(type, decision === 'explicit-deny', verdict)
  const view = verdict.cite('AZ6').answer(200, {}, '')
  if (type === 'http-v2') {
    const { principalId, ...lambda } = authorizer
    return {
      ...verdict.cite('AZ30').answer(200, {}, ''),
      allowed: true,
      principalId: value.principalId,
      authorizer: { principalId, lambda },
    }
  }
  return { ...view, allowed: true, principalId: value.principalId, authorizer }
}
