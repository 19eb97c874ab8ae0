/**
 * The 21 gateway response types of a REST API (API reference `GatewayResponse.responseType`,
 * gateway-facts §3.1). HTTP APIs have no gateway responses at all.
 */
export const GATEWAY_RESPONSE_TYPES = [
  'ACCESS_DENIED',
  'API_CONFIGURATION_ERROR',
  'AUTHORIZER_CONFIGURATION_ERROR',
  'AUTHORIZER_FAILURE',
  'BAD_REQUEST_PARAMETERS',
  'BAD_REQUEST_BODY',
  'DEFAULT_4XX',
  'DEFAULT_5XX',
  'EXPIRED_TOKEN',
  'INTEGRATION_FAILURE',
  'INTEGRATION_TIMEOUT',
  'INVALID_API_KEY',
  'INVALID_SIGNATURE',
  'MISSING_AUTHENTICATION_TOKEN',
  'QUOTA_EXCEEDED',
  'REQUEST_TOO_LARGE',
  'RESOURCE_NOT_FOUND',
  'THROTTLED',
  'UNAUTHORIZED',
  'UNSUPPORTED_MEDIA_TYPE',
  'WAF_FILTERED',
] as const

export type GatewayResponseType = (typeof GATEWAY_RESPONSE_TYPES)[number]

/**
 * Types API Gateway does not let you customise. "Customizing the default gateway response
 * for 413 REQUEST_TOO_LARGE isn't currently supported" (API Gateway known issues,
 * gateway-facts §2.1 and §3.1): a request body over 10 MB keeps the gateway's own
 * `413 {"message": ...}` whatever you deploy.
 */
export const NOT_CUSTOMISABLE_RESPONSE_TYPES = ['REQUEST_TOO_LARGE'] as const

export type NotCustomisableResponseType = (typeof NOT_CUSTOMISABLE_RESPONSE_TYPES)[number]

export type CustomisableResponseType = Exclude<GatewayResponseType, NotCustomisableResponseType>

export const CUSTOMISABLE_RESPONSE_TYPES: readonly CustomisableResponseType[] =
  GATEWAY_RESPONSE_TYPES.filter(
    (type): type is CustomisableResponseType =>
      !(NOT_CUSTOMISABLE_RESPONSE_TYPES as readonly string[]).includes(type),
  )

export const isCustomisableResponseType = (value: unknown): value is CustomisableResponseType =>
  (CUSTOMISABLE_RESPONSE_TYPES as readonly unknown[]).includes(value)

/**
 * The status each generated response answers with unless overridden. The documented
 * defaults (§3.1), except where a fixed status is needed or the default misleads:
 * - DEFAULT_4XX/DEFAULT_5XX have no status of their own (null keeps each error's), but a
 *   template is static, so the body's `status` needs a fixed one. 502 for DEFAULT_5XX is
 *   what its commonest trigger, a function error or timeout, shows today (§2.1; which
 *   type governs that 502 is UNCONFIRMED).
 * - INTEGRATION_FAILURE is where a Lambda throttle lands (§2.1): 503 with `Retry-After`
 *   tells the client to come back, where the documented 504 (and the 500 it shows
 *   uncustomised) do not.
 */
export const DEFAULT_STATUS_CODES: Readonly<Record<CustomisableResponseType, number>> = {
  ACCESS_DENIED: 403,
  API_CONFIGURATION_ERROR: 500,
  AUTHORIZER_CONFIGURATION_ERROR: 500,
  AUTHORIZER_FAILURE: 500,
  BAD_REQUEST_PARAMETERS: 400,
  BAD_REQUEST_BODY: 400,
  DEFAULT_4XX: 400,
  DEFAULT_5XX: 502,
  EXPIRED_TOKEN: 403,
  INTEGRATION_FAILURE: 503,
  INTEGRATION_TIMEOUT: 504,
  INVALID_API_KEY: 403,
  INVALID_SIGNATURE: 403,
  MISSING_AUTHENTICATION_TOKEN: 403,
  QUOTA_EXCEEDED: 429,
  RESOURCE_NOT_FOUND: 404,
  THROTTLED: 429,
  UNAUTHORIZED: 401,
  UNSUPPORTED_MEDIA_TYPE: 415,
  WAF_FILTERED: 403,
}

/**
 * The `x-amzn-ErrorType` API Gateway itself sends for a type, where gateway-facts names
 * it (§3.1, §6.1), so clients that already switch on it keep working. Every other type
 * takes the status's name from `@gateproof/core` (`errorTypeFor`), as function errors do.
 * Used only while the type answers with the gateway's own status.
 */
export const GATEWAY_ERROR_TYPES: Readonly<Partial<Record<CustomisableResponseType, string>>> = {
  ACCESS_DENIED: 'AccessDeniedException', // EMU
  AUTHORIZER_CONFIGURATION_ERROR: 'AuthorizerConfigurationException', // COMM (AZ10, AZ11)
  BAD_REQUEST_BODY: 'BadRequestException', // EMU
  BAD_REQUEST_PARAMETERS: 'BadRequestException', // EMU
  INVALID_API_KEY: 'ForbiddenException', // EMU
  MISSING_AUTHENTICATION_TOKEN: 'MissingAuthenticationTokenException', // DOC
  QUOTA_EXCEEDED: 'LimitExceededException', // EMU
  THROTTLED: 'TooManyRequestsException', // EMU
  UNAUTHORIZED: 'UnauthorizedException', // COMM (AZ9)
}

/**
 * Types whose gateway message is about the client's own request ("Missing Authentication
 * Token", "Invalid request body", "Limit Exceeded"…), so it may be shown as `detail` while
 * the status stays 4xx. 5xx messages describe the API's insides and never are.
 */
export const CLIENT_MESSAGE_TYPES: ReadonlySet<CustomisableResponseType> = new Set([
  'ACCESS_DENIED',
  'BAD_REQUEST_BODY',
  'BAD_REQUEST_PARAMETERS',
  'DEFAULT_4XX',
  'EXPIRED_TOKEN',
  'INVALID_API_KEY',
  'INVALID_SIGNATURE',
  'MISSING_AUTHENTICATION_TOKEN',
  'QUOTA_EXCEEDED',
  'RESOURCE_NOT_FOUND',
  'THROTTLED',
  'UNAUTHORIZED',
  'UNSUPPORTED_MEDIA_TYPE',
  'WAF_FILTERED',
])
