import type { Logger } from '@aws-lambda-powertools/logger'
import type { Metrics } from '@aws-lambda-powertools/metrics'
import {
  AUTHORIZER_TYPES,
  type AuthorizerType,
  assertFunction,
  assertKnownOptions,
  assertNumber,
  assertOneOf,
  GateproofOptionsError,
} from '@gateproof/core'
import type { ThrownView } from './thrown.js'

export const PACKAGE = '@gateproof/authorizer'

/**
 * - `repair`: fix what has one safe meaning, turn the rest into the `invalid` outcome.
 * - `strict`: every violation becomes the `invalid` outcome.
 * - `report`: change nothing, only log and count.
 */
export type AuthorizerMode = 'repair' | 'strict' | 'report'
export const MODES: readonly AuthorizerMode[] = ['repair', 'strict', 'report']

/** HTTP API 2.0 authorizers answer `{ isAuthorized }` (`simple`) or an IAM policy (`iam`), AZ29. */
export type ResponseFormat = 'iam' | 'simple'
export const RESPONSE_FORMATS: readonly ResponseFormat[] = ['iam', 'simple']

/** A deliberate "no": a Deny policy (client 403) or exactly `Unauthorized` (client 401, REST only). */
export type RefusalOutcome = 'deny' | 'unauthorized'
export const REFUSALS: readonly RefusalOutcome[] = ['deny', 'unauthorized']

/** What an error that is neither a 401 nor a 403 becomes; `throw` lets the gateway answer 500. */
export type ErrorOutcome = RefusalOutcome | 'throw'
export const ERROR_OUTCOMES: readonly ErrorOutcome[] = ['deny', 'unauthorized', 'throw']

export type AuthorizerTypeOption = AuthorizerType | 'auto'

export interface AuthorizerShapeOptions<T extends AuthorizerTypeOption = AuthorizerTypeOption> {
  /** The authorizer kind; `auto` (default) detects it from each event (AZ5). */
  type?: T
  /**
   * HTTP API payload 2.0 only: `simple` when the authorizer has `enableSimpleResponses`,
   * else `iam`. The event does not say which (AZ5). Required with `type: 'http-v2'`; with
   * `auto` it is read from the output's shape, `iam` (API Gateway's default) when unclear.
   */
  responseFormat?: ResponseFormat
  /** Default `repair`. */
  mode?: AuthorizerMode
  /** What an output API Gateway would reject becomes. Default `deny` (client 403). */
  invalid?: RefusalOutcome
  /**
   * What a thrown error that is neither a 401 nor a 403 becomes. Default `throw`: the
   * gateway answers 500, which tells the client to retry later, and errors are not cached,
   * while a Deny would be cached for the TTL — an outage is not an authentication failure.
   */
  onError?: ErrorOutcome
  /**
   * Which thrown values mean 401. Default: a `status`/`statusCode` of 401 (http-errors,
   * Powertools' `UnauthorizedError`) or the message `Unauthorized` in any case.
   */
  unauthorizedWhen?: (thrown: ThrownView) => boolean
  /**
   * The authorizer's `authorizerResultTtlInSeconds` (REST default 300, AZ23). Above 0, an
   * Allow whose only `Resource` is this request's method ARN is reported (AZ25).
   */
  cacheTtlSeconds?: number
  /** `principalId` of a Deny policy gateproof writes when the output had none. Default `anonymous`. */
  principalId?: string
  metrics?: Metrics
  /** A Powertools Logger; without one a failure that reaches the gateway writes one JSON line to stderr; `false` silences even that. */
  logger?: Logger | false
}

export interface ResolvedOptions {
  type: AuthorizerTypeOption
  responseFormat: ResponseFormat | undefined
  mode: AuthorizerMode
  invalid: RefusalOutcome
  onError: ErrorOutcome
  unauthorizedWhen: ((thrown: ThrownView) => boolean) | undefined
  cacheTtlSeconds: number
  principalId: string
}

const KEYS = [
  'type',
  'responseFormat',
  'mode',
  'invalid',
  'onError',
  'unauthorizedWhen',
  'cacheTtlSeconds',
  'principalId',
  'metrics',
  'logger',
] as const

export function resolveOptions(options: AuthorizerShapeOptions): ResolvedOptions {
  assertKnownOptions(PACKAGE, options, KEYS)
  assertOneOf(PACKAGE, 'type', options.type, ['auto', ...AUTHORIZER_TYPES])
  assertOneOf(PACKAGE, 'responseFormat', options.responseFormat, RESPONSE_FORMATS)
  assertOneOf(PACKAGE, 'mode', options.mode, MODES)
  assertOneOf(PACKAGE, 'invalid', options.invalid, REFUSALS)
  assertOneOf(PACKAGE, 'onError', options.onError, ERROR_OUTCOMES)
  assertFunction(PACKAGE, 'unauthorizedWhen', options.unauthorizedWhen)
  // AZ23: the TTL is 0 to 3600 seconds.
  assertNumber(PACKAGE, 'cacheTtlSeconds', options.cacheTtlSeconds, {
    min: 0,
    max: 3600,
    integer: true,
  })
  const type = options.type ?? 'auto'
  if (type === 'http-v2' && options.responseFormat === undefined) {
    throw new GateproofOptionsError(
      PACKAGE,
      'option "responseFormat" is required with type "http-v2": the event does not say whether the authorizer has enableSimpleResponses (use "simple" if it has, else "iam")',
      { option: 'responseFormat' },
    )
  }
  if (options.responseFormat !== undefined && type !== 'auto' && type !== 'http-v2') {
    throw new GateproofOptionsError(
      PACKAGE,
      `option "responseFormat" applies only to HTTP API payload 2.0 authorizers; type "${type}" always answers an IAM policy`,
      { option: 'responseFormat' },
    )
  }
  const { principalId } = options
  if (principalId !== undefined && (typeof principalId !== 'string' || principalId === '')) {
    throw new GateproofOptionsError(PACKAGE, 'option "principalId" must be a non-empty string', {
      option: 'principalId',
    })
  }
  if (
    options.logger !== undefined &&
    options.logger !== false &&
    (typeof options.logger !== 'object' || options.logger === null)
  ) {
    throw new GateproofOptionsError(
      PACKAGE,
      'option "logger" must be a Powertools Logger or false',
      {
        option: 'logger',
      },
    )
  }
  return {
    type,
    responseFormat: options.responseFormat,
    mode: options.mode ?? 'repair',
    invalid: options.invalid ?? 'deny',
    onError: options.onError ?? 'throw',
    unauthorizedWhen: options.unauthorizedWhen,
    cacheTtlSeconds: options.cacheTtlSeconds ?? 0,
    principalId: principalId ?? 'anonymous',
  }
}
