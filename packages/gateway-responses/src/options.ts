import {
  assertBoolean,
  assertKnownOptions,
  assertNumber,
  assertOneOf,
  GateproofOptionsError,
  isErrorStatus,
  isValidHeaderName,
} from '@gateproof/core'
import {
  CLIENT_MESSAGE_TYPES,
  type CustomisableResponseType,
  isCustomisableResponseType,
  NOT_CUSTOMISABLE_RESPONSE_TYPES,
} from './response-types.js'
import type { GatewayResponseFormat, RequestIdVariable } from './template.js'

export const PACKAGE = '@gateproof/gateway-responses'

/** Per-type changes to what a gateway response answers. */
export interface ResponseOverride {
  /** 400–599. Default: `DEFAULT_STATUS_CODES[type]`. */
  statusCode?: number
  /** `x-amzn-ErrorType` and the body's `errorType`. Default: the gateway's own name, else core's for the status. */
  errorType?: string
  /** Default: the status's reason phrase. */
  title?: string
  /** RFC 9457 `type`. Default: `about:blank`. */
  type?: string
  /** `Retry-After` when the status is 429 or 503. Default: `retryAfterSeconds`. */
  retryAfterSeconds?: number
  /** `false` hides the gateway's message on a type that would show it (4xx client-message types). */
  detail?: boolean
}

export interface CorsOptions {
  /** A static origin: `*` or `https://app.example.com`. Gateway responses cannot echo the request's origin safely. */
  allowOrigin: string
  /** Sends `Access-Control-Allow-Credentials: true`; needs a specific origin. Default false. */
  allowCredentials?: boolean
  /** Default: `Retry-After`, `x-amzn-ErrorType`, `x-amzn-RequestId`, which scripts cannot read otherwise. */
  exposeHeaders?: readonly string[]
}

export interface GatewayResponsesOptions {
  /** Default `problem`. */
  format?: GatewayResponseFormat
  /** The types to generate. Default: every customisable type. */
  types?: readonly CustomisableResponseType[]
  responses?: Partial<Record<CustomisableResponseType, ResponseOverride>>
  /** `Retry-After` on every 429 and 503. Default 1. */
  retryAfterSeconds?: number
  /** Status → `x-amzn-ErrorType` names, as core's `errorTypes` render option. */
  errorTypes?: Readonly<Record<number, string>>
  cors?: CorsOptions
  /** Static headers on every response (e.g. `Cache-Control`); contract headers win. */
  headers?: Readonly<Record<string, string>>
  /** Default `requestId`, the id the function sees too. */
  requestIdVariable?: RequestIdVariable
}

export const DEFAULT_EXPOSE_HEADERS = ['Retry-After', 'x-amzn-ErrorType', 'x-amzn-RequestId']

const OPTION_KEYS = [
  'format',
  'types',
  'responses',
  'retryAfterSeconds',
  'errorTypes',
  'cors',
  'headers',
  'requestIdVariable',
]
const OVERRIDE_KEYS = ['statusCode', 'errorType', 'title', 'type', 'retryAfterSeconds', 'detail']
const CORS_KEYS = ['allowOrigin', 'allowCredentials', 'exposeHeaders']

const fail = (message: string, option: string): never => {
  throw new GateproofOptionsError(PACKAGE, message, { option })
}

// A header value goes out as the static literal 'value': a single quote would end it, and
// control characters would corrupt the response.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE_LITERAL = /['\u0000-\u001f\u007f-\u009f\u2028\u2029]/
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/

function assertText(name: string, value: unknown, { literal }: { literal: boolean }): void {
  if (value === undefined) return
  if (typeof value !== 'string' || value.trim() === '') {
    fail(`option "${name}" must be a non-empty string`, name)
  }
  if ((literal ? UNSAFE_LITERAL : CONTROL).test(value as string)) {
    fail(
      literal
        ? `option "${name}" must not contain a single quote or control characters: it is sent as a static header literal`
        : `option "${name}" must not contain control characters`,
      name,
    )
  }
}

function assertPlainObject(name: string, value: unknown): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(`option "${name}" must be an object`, name)
  }
}

function assertResponseType(
  name: string,
  value: unknown,
): asserts value is CustomisableResponseType {
  if (isCustomisableResponseType(value)) return
  if ((NOT_CUSTOMISABLE_RESPONSE_TYPES as readonly unknown[]).includes(value)) {
    fail(`${String(value)} cannot be customised: API Gateway does not support it`, name)
  }
  fail(`"${String(value)}" in option "${name}" is not a REST gateway response type`, name)
}

function assertHeaders(name: string, value: unknown): void {
  if (value === undefined) return
  assertPlainObject(name, value)
  for (const [header, text] of Object.entries(value)) {
    if (!isValidHeaderName(header))
      fail(`"${header}" in option "${name}" is not a header name`, name)
    assertText(`${name}.${header}`, text, { literal: true })
  }
}

function assertOverride(type: CustomisableResponseType, value: unknown): void {
  const name = `responses.${type}`
  assertPlainObject(name, value)
  assertKnownOptions(PACKAGE, value, OVERRIDE_KEYS)
  assertNumber(PACKAGE, `${name}.statusCode`, value.statusCode, {
    integer: true,
    min: 400,
    max: 599,
  })
  assertText(`${name}.errorType`, value.errorType, { literal: true })
  assertText(`${name}.title`, value.title, { literal: false })
  assertText(`${name}.type`, value.type, { literal: false })
  assertNumber(PACKAGE, `${name}.retryAfterSeconds`, value.retryAfterSeconds, { min: 1 })
  assertBoolean(PACKAGE, `${name}.detail`, value.detail)
  if (value.detail === true) {
    const status = typeof value.statusCode === 'number' ? value.statusCode : undefined
    if (!CLIENT_MESSAGE_TYPES.has(type) || (status !== undefined && status >= 500)) {
      fail(
        `${name}.detail can only show the gateway's message on a 4xx type whose message is about the client's request`,
        `${name}.detail`,
      )
    }
  }
}

function assertCors(value: unknown): void {
  if (value === undefined) return
  assertPlainObject('cors', value)
  assertKnownOptions(PACKAGE, value, CORS_KEYS)
  if (value.allowOrigin === undefined) fail('option "cors.allowOrigin" is required', 'cors')
  assertText('cors.allowOrigin', value.allowOrigin, { literal: true })
  assertBoolean(PACKAGE, 'cors.allowCredentials', value.allowCredentials)
  if (value.allowCredentials === true && value.allowOrigin === '*') {
    fail(
      'option "cors.allowCredentials" needs a specific origin: browsers refuse it with "*"',
      'cors',
    )
  }
  if (value.exposeHeaders !== undefined) {
    if (!Array.isArray(value.exposeHeaders)) {
      fail('option "cors.exposeHeaders" must be an array of header names', 'cors.exposeHeaders')
    }
    for (const header of value.exposeHeaders as unknown[]) {
      if (typeof header !== 'string' || !isValidHeaderName(header)) {
        fail(`"${String(header)}" in option "cors.exposeHeaders" is not a header name`, 'cors')
      }
    }
  }
}

function assertErrorTypes(value: unknown): void {
  if (value === undefined) return
  assertPlainObject('errorTypes', value)
  for (const [status, name] of Object.entries(value)) {
    if (!isErrorStatus(Number(status))) {
      fail(`"${status}" in option "errorTypes" is not an error status`, 'errorTypes')
    }
    assertText(`errorTypes.${status}`, name, { literal: true })
  }
}

/** Checks every option once, when the definition is built, so a typo fails the build, not a deploy. */
export function validateOptions(options: GatewayResponsesOptions): void {
  // Checked as an unknown value so the typed `options` keeps its type after the assertion.
  const untrusted: unknown = options
  assertKnownOptions(PACKAGE, untrusted, OPTION_KEYS)
  assertOneOf(PACKAGE, 'format', options.format, ['problem', 'message'])
  assertOneOf(PACKAGE, 'requestIdVariable', options.requestIdVariable, [
    'requestId',
    'extendedRequestId',
  ])
  assertNumber(PACKAGE, 'retryAfterSeconds', options.retryAfterSeconds, { min: 1 })
  if (options.types !== undefined) {
    if (!Array.isArray(options.types) || options.types.length === 0) {
      fail('option "types" must be a non-empty array of response types', 'types')
    }
    for (const type of options.types as readonly unknown[]) assertResponseType('types', type)
  }
  if (options.responses !== undefined) {
    assertPlainObject('responses', options.responses)
    for (const [type, override] of Object.entries(options.responses)) {
      assertResponseType('responses', type)
      if (override !== undefined) assertOverride(type, override)
    }
  }
  assertErrorTypes(options.errorTypes)
  assertCors(options.cors)
  assertHeaders('headers', options.headers)
}
