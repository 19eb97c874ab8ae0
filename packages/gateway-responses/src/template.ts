import { type ErrorDescription, renderErrorResponse } from '@gateproof/core'

/** `problem` (application/problem+json, the default) or `message` (`{"message"}` like API Gateway's own). */
export type GatewayResponseFormat = 'problem' | 'message'

/** Where the body's `requestId` comes from: the id the function also sees, or the gateway-generated one. */
export type RequestIdVariable = 'requestId' | 'extendedRequestId'

/**
 * API Gateway's own default template is `{"message":$context.error.messageString}` for every
 * type (gateway-facts §3.1), so this variable always renders as one valid JSON string,
 * quotes and escaping included. `$context.error.message` is the raw text: quoting it
 * ourselves would break on the first `"`, `\` or newline, and simple substitution cannot escape.
 */
export const MESSAGE_VARIABLE = '$context.error.messageString'

// Placeholders rendered by core in place of the two dynamic members. NUL cannot occur in the
// static members (options reject control characters), so each placeholder is found exactly once.
const DETAIL_PLACEHOLDER = '\u0000gateproof:detail\u0000'
const REQUEST_ID_PLACEHOLDER = '\u0000gateproof:request-id\u0000'

export interface RenderedGatewayResponse {
  statusCode: number
  headers: Record<string, string>
  /** Response templates keyed by content type. */
  templates: Record<string, string>
}

export interface TemplateInput {
  status: number
  title: string
  type: string
  errorType: string
  /** Show the gateway's message as `detail` (`message` in the message format). */
  detail: boolean
  retryAfterSeconds: number | undefined
  headers: Record<string, string>
  format: GatewayResponseFormat
  requestIdVariable: RequestIdVariable
}

/**
 * The gateway response that answers exactly as core's `renderErrorResponse` would for the same
 * error: core renders it with placeholders, which become `$context` variables. One shape,
 * whether the gateway or the function answers.
 */
export function renderGatewayResponse(input: TemplateInput): RenderedGatewayResponse {
  const error: ErrorDescription = {
    status: input.status,
    title: input.title,
    type: input.type,
    errorType: input.errorType,
    expose: input.detail,
    detail: input.detail ? DETAIL_PLACEHOLDER : undefined,
    requestId: REQUEST_ID_PLACEHOLDER,
    retryAfterSeconds: input.retryAfterSeconds,
    headers: input.headers,
  }
  const rendered = renderErrorResponse(error, { format: input.format })
  // Without an ALB event core always renders the single-value `headers` map, values sanitised.
  const { headers = {} } = rendered as { headers?: Record<string, string> }
  const template = substituteVariables(rendered.body, input)
  const contentType = headers['Content-Type'] ?? 'application/json'
  return {
    statusCode: rendered.statusCode,
    headers,
    templates: templatesFor(contentType, template),
  }
}

/**
 * Gateway templates get simple substitution, so a static `$` would start a variable
 * reference: it is written as its JSON escape. Then the placeholders become variables.
 */
function substituteVariables(
  body: string,
  { detail, requestIdVariable }: Pick<TemplateInput, 'detail' | 'requestIdVariable'>,
): string {
  let template = body.replaceAll('$', '\\u0024')
  template = replaceOnce(template, JSON.stringify(DETAIL_PLACEHOLDER), MESSAGE_VARIABLE, detail)
  return replaceOnce(
    template,
    JSON.stringify(REQUEST_ID_PLACEHOLDER),
    `"$context.${requestIdVariable}"`,
    true,
  )
}

// A placeholder core did not render means the contract changed shape: fail the build loudly.
function replaceOnce(text: string, search: string, replacement: string, expected: boolean): string {
  const at = text.indexOf(search)
  if (at === -1) {
    if (expected) throw new Error(`gateway-responses: core's rendered body has no ${search}`)
    return text
  }
  return text.slice(0, at) + replacement + text.slice(at + search.length)
}

/**
 * API Gateway picks a template by the request's `Accept` (absent means `application/json`)
 * and falls back to the first one (DOC, mapping template selection). Both keys carry the
 * same body, so every client gets it; the `Content-Type` header is set explicitly as well.
 */
function templatesFor(contentType: string, template: string): Record<string, string> {
  return contentType === 'application/json'
    ? { 'application/json': template }
    : { 'application/json': template, [contentType]: template }
}
