import { INTEGRATIONS, type Integration } from '@gateproof/core'
import { UsageError } from './command.js'

/** The names a user types, beside core's own (`http-v2`, `http-v1`). */
const ALIASES: Record<string, Integration> = { 'http-api': 'http-v2', 'http-api-v1': 'http-v1' }

export const INTEGRATION_NAMES = 'rest, http-api (payload 2.0), http-api-v1, alb, function-url'

/** What a client calls each front door in the CLI's output. */
export const FRONT_DOOR: Record<Integration, string> = {
  rest: 'REST API',
  'http-v1': 'HTTP API (payload 1.0)',
  'http-v2': 'HTTP API',
  alb: 'ALB',
  'function-url': 'Function URL',
}

export function parseIntegration(value: string): Integration {
  const integration = ALIASES[value] ?? (value as Integration)
  if (!INTEGRATIONS.includes(integration)) {
    throw new UsageError(`unknown integration "${value}" (one of ${INTEGRATION_NAMES})`)
  }
  return integration
}
