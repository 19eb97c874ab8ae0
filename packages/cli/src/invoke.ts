import type { AnyHandler, FunctionOutcome } from '@gateproof/testing'
import { lambdaContext } from '@gateproof/testing'

/**
 * Invokes a handler once, as Lambda would for one event: the context's remaining time starts at
 * `functionTimeoutMs`; a handler still running after `waitMs` is what the front door times out on
 * (`integration-timeout` behind API Gateway, the function's own timeout behind ALB/Function URL).
 */
export function invokeOnce(
  handler: AnyHandler,
  event: unknown,
  {
    waitMs,
    functionTimeoutMs,
    gatewayTimeout,
  }: { waitMs: number; functionTimeoutMs: number; gatewayTimeout: boolean },
): Promise<FunctionOutcome> {
  return new Promise((resolve) => {
    const timer = setTimeout(
      () => resolve({ kind: gatewayTimeout ? 'integration-timeout' : 'function-timeout' }),
      waitMs,
    )
    Promise.resolve()
      .then(() => handler(event, lambdaContext({ remainingMs: functionTimeoutMs })))
      .then(
        (value) => resolve({ kind: 'returned', value }),
        (error: unknown) => resolve({ kind: 'threw', error }),
      )
      .finally(() => clearTimeout(timer))
  })
}
