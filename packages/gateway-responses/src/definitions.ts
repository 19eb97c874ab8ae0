import type { GatewayResponseDefinition, GatewayResponses } from './gateway-responses.js'
import { CUSTOMISABLE_RESPONSE_TYPES } from './response-types.js'

/** The definitions in response-type order, so every output lists them the same way. */
export function definitionsOf(responses: GatewayResponses): GatewayResponseDefinition[] {
  return CUSTOMISABLE_RESPONSE_TYPES.flatMap((type) => {
    const response = responses[type]
    return response === undefined ? [] : [response]
  })
}

/** `INTEGRATION_FAILURE` → `IntegrationFailure`, `DEFAULT_4XX` → `Default4xx`. */
export const pascalCase = (type: string): string =>
  type
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('')

export const HEADER_PREFIX = 'gatewayresponse.header.'

export type ParameterGroup = 'Headers' | 'Paths' | 'QueryStrings'

const PARAMETER_KINDS = new Map<string, ParameterGroup>([
  ['header', 'Headers'],
  ['path', 'Paths'],
  ['querystring', 'QueryStrings'],
])

/**
 * `gatewayresponse.<kind>.<name>` parameters grouped by kind (SAM's and CDK's shape):
 * `{ Headers: { 'Retry-After': "'1'" } }`. Values stay as given (static literals are quoted).
 */
export function groupParameters(
  response: GatewayResponseDefinition,
): Partial<Record<ParameterGroup, Record<string, string>>> {
  const groups: Partial<Record<ParameterGroup, Record<string, string>>> = {}
  for (const [parameter, value] of Object.entries(response.responseParameters)) {
    const [prefix, kind, ...rest] = parameter.split('.')
    const group = kind === undefined ? undefined : PARAMETER_KINDS.get(kind)
    if (prefix !== 'gatewayresponse' || group === undefined || rest.length === 0) {
      throw new Error(`gateway-responses: "${parameter}" is not a gateway response parameter`)
    }
    groups[group] = { ...groups[group], [rest.join('.')]: value }
  }
  return groups
}
