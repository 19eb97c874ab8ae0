import { errorTypeFor, mergeHeaders, statusTitle } from '@gateproof/core'
import { HEADER_PREFIX } from './definitions.js'
import {
  DEFAULT_EXPOSE_HEADERS,
  type GatewayResponsesOptions,
  type ResponseOverride,
  validateOptions,
} from './options.js'
import {
  CLIENT_MESSAGE_TYPES,
  CUSTOMISABLE_RESPONSE_TYPES,
  type CustomisableResponseType,
  DEFAULT_STATUS_CODES,
  GATEWAY_ERROR_TYPES,
} from './response-types.js'
import { renderGatewayResponse } from './template.js'

/**
 * One gateway response, in the API's own terms (`GatewayResponse`): what every output adapter
 * (CloudFormation, SAM, OpenAPI, CDK) is made from.
 */
export interface GatewayResponseDefinition {
  responseType: CustomisableResponseType
  /** Matches `[1-5]\d\d`. */
  statusCode: string
  /** `gatewayresponse.header.<Name>` → a static literal in single quotes, e.g. `'1'`. */
  responseParameters: Record<string, string>
  /** Content type → body template (simple substitution, no VTL). */
  responseTemplates: Record<string, string>
}

/** The generated responses, keyed by response type. */
export type GatewayResponses = Partial<Record<CustomisableResponseType, GatewayResponseDefinition>>

/**
 * Gateway responses for a REST API that answer in the same error contract as gateproof's
 * function-side errors: same status semantics, `x-amzn-ErrorType`, `Retry-After` on 429 and
 * 503, and a body shaped exactly like `renderErrorResponse`'s.
 */
export function gatewayResponses(options: GatewayResponsesOptions = {}): GatewayResponses {
  validateOptions(options)
  const types = options.types ?? CUSTOMISABLE_RESPONSE_TYPES
  const shared = mergeHeaders(options.headers, corsHeaders(options))
  const responses: GatewayResponses = {}
  for (const type of CUSTOMISABLE_RESPONSE_TYPES) {
    if (types.includes(type)) responses[type] = defineResponse(type, options, shared)
  }
  return responses
}

export default gatewayResponses

function defineResponse(
  type: CustomisableResponseType,
  options: GatewayResponsesOptions,
  headers: Record<string, string>,
): GatewayResponseDefinition {
  const override: ResponseOverride = options.responses?.[type] ?? {}
  const status = override.statusCode ?? DEFAULT_STATUS_CODES[type]
  const rendered = renderGatewayResponse({
    status,
    title: override.title ?? statusTitle(status),
    type: override.type ?? 'about:blank',
    errorType: override.errorType ?? gatewayErrorType(type, status, options.errorTypes),
    detail: CLIENT_MESSAGE_TYPES.has(type) && status < 500 && override.detail !== false,
    retryAfterSeconds:
      status === 429 || status === 503
        ? (override.retryAfterSeconds ?? options.retryAfterSeconds ?? 1)
        : undefined,
    headers,
    format: options.format ?? 'problem',
    requestIdVariable: options.requestIdVariable ?? 'requestId',
  })
  return {
    responseType: type,
    statusCode: String(rendered.statusCode),
    responseParameters: Object.fromEntries(
      Object.entries(rendered.headers).map(([name, value]) => [
        `${HEADER_PREFIX}${name}`,
        `'${value}'`,
      ]),
    ),
    responseTemplates: rendered.templates,
  }
}

/**
 * The team's own name for the status when it configured one, else the gateway's own name
 * while the type keeps the gateway's status, else core's name for the status.
 */
function gatewayErrorType(
  type: CustomisableResponseType,
  status: number,
  errorTypes: Readonly<Record<number, string>> | undefined,
): string {
  const gatewayOwn = status === DEFAULT_STATUS_CODES[type] ? GATEWAY_ERROR_TYPES[type] : undefined
  return errorTypes?.[status] ?? gatewayOwn ?? errorTypeFor(status)
}

function corsHeaders({ cors }: GatewayResponsesOptions): Record<string, unknown> | undefined {
  if (cors === undefined) return undefined
  const expose = cors.exposeHeaders ?? DEFAULT_EXPOSE_HEADERS
  return {
    'Access-Control-Allow-Origin': cors.allowOrigin,
    'Access-Control-Allow-Credentials': cors.allowCredentials ? 'true' : undefined,
    'Access-Control-Expose-Headers': expose.length > 0 ? expose.join(', ') : undefined,
  }
}
