import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import { lambdaContext } from '@gateproof/testing'
import middy from '@middy/core'
import { type AuthorizerShapeOptions, authorizerShape } from '../src/index.js'

export const LAMBDA_REQUEST_ID = '7d1c0e2a-0000-4000-8000-00000000a216'
export const context = () => lambdaContext({ awsRequestId: LAMBDA_REQUEST_ID })

/** Real Powertools instances, as a handler creates them once at init. */
export const powertools = () => ({
  metrics: new Metrics({ namespace: 'test', serviceName: 'authz' }),
  logger: new Logger({ serviceName: 'authz' }),
})

export type Settled = { returned: unknown } | { threw: unknown }

/** Runs a real Middy authorizer whose handler does `body`, with only authorizerShape attached. */
export async function run(
  body: (event: unknown) => unknown,
  event: unknown,
  options: AuthorizerShapeOptions = {},
): Promise<Settled> {
  // Quiet by default: the stderr fallback has its own test.
  const handler = middy(async (e: unknown) => body(e)).use(
    authorizerShape({ logger: false, ...options } as never),
  )
  try {
    return { returned: await handler(event as never, context()) }
  } catch (error) {
    return { threw: error }
  }
}

/** The message the Lambda runtime reports for a failed invocation (what AZ9 matches on). */
export function errorMessageOf(settled: Settled): string | undefined {
  if (!('threw' in settled)) return undefined
  const { threw } = settled
  return threw instanceof Error ? threw.message : String(threw)
}
