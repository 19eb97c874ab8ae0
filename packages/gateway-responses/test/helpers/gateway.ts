import type { GatewayResponseDefinition } from '@gateproof/gateway-responses'

/** The `$context` values API Gateway has when it renders a gateway response. */
export interface GatewayContext {
  requestId: string
  extendedRequestId: string
  stage: string
  resourcePath: string
  error: { message: string; responseType: string; validationErrorString: string }
}

export const REQUEST_ID = 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef'

export function gatewayContext(overrides: Partial<GatewayContext> = {}): GatewayContext {
  return {
    requestId: REQUEST_ID,
    extendedRequestId: 'BqnGTHf7IAMF6Zw=',
    stage: 'prod',
    resourcePath: '/orders/{id}',
    error: { message: 'Too Many Requests', responseType: 'THROTTLED', validationErrorString: '' },
    ...overrides,
  }
}

const VARIABLE = /\$context\.([A-Za-z0-9_.]*[A-Za-z0-9_])/g

/**
 * API Gateway's simple substitution for gateway response templates (no VTL, §3.3): every
 * `$context.<path>` reference is replaced once, left to right, by its value as is, with no
 * escaping. `$context.error.messageString` is the message as a quoted JSON string: API
 * Gateway's own default template, `{"message":$context.error.messageString}`, is valid JSON
 * for every type (§3.1), so the quoting includes escaping. An unknown variable renders empty.
 */
export function substitute(template: string, context: GatewayContext): string {
  return template.replace(VARIABLE, (_reference, path: string) => {
    if (path === 'error.messageString') return JSON.stringify(context.error.message)
    let value: unknown = context
    for (const key of path.split('.')) {
      value =
        typeof value === 'object' && value !== null
          ? (value as Record<string, unknown>)[key]
          : undefined
    }
    return typeof value === 'string' ? value : ''
  })
}

/**
 * The template API Gateway picks (DOC, mapping template selection): the `Accept` media type
 * when a template has that key, `application/json` when there is no `Accept`, else the first.
 */
export function selectTemplate(templates: Record<string, string>, accept?: string): string {
  const key = accept?.split(',')[0]?.split(';')[0]?.trim() || 'application/json'
  const selected = templates[key] ?? Object.values(templates)[0]
  if (selected === undefined) throw new Error('a gateway response without a template')
  return selected
}

/** A static header literal `'value'` as the client receives it. */
export function unquote(literal: string): string {
  const match = /^'([^']*)'$/.exec(literal)
  if (match === null) throw new Error(`not a static literal: ${literal}`)
  return match[1] ?? ''
}

/** What the client receives when API Gateway answers with this gateway response. */
export function respond(
  response: GatewayResponseDefinition,
  context: GatewayContext,
  accept?: string,
): { statusCode: number; headers: Record<string, string>; body: string } {
  const headers: Record<string, string> = {}
  for (const [parameter, literal] of Object.entries(response.responseParameters)) {
    headers[parameter.replace(/^gatewayresponse\.header\./, '')] = unquote(literal)
  }
  return {
    statusCode: Number(response.statusCode),
    headers,
    body: substitute(selectTemplate(response.responseTemplates, accept), context),
  }
}

/** A response with its body parsed, so bodies compare as JSON, not bytes. */
export function parsed<R extends { body: string }>(
  response: R,
): Omit<R, 'body'> & { body: unknown } {
  return { ...response, body: JSON.parse(response.body) }
}
