import type { Telemetry } from '@gateproof/core'
import type { TimeoutRequest } from './options.js'

type Outcome = 'done' | 'failed' | 'over-budget'

/**
 * Runs the user's `onTimeout` hook and gives it `budgetMs` to finish. The promise it
 * returns never rejects: a hook's failure is logged, never thrown into the response.
 * Its budget timer is cleared as soon as the hook settles.
 */
export function runOnTimeout(
  hook: (request: TimeoutRequest) => void | Promise<void>,
  request: TimeoutRequest,
  budgetMs: number,
  telemetry: Telemetry,
  fields: Record<string, unknown>,
): Promise<void> | undefined {
  const failed = (error: unknown): Outcome => {
    telemetry.log('error', 'onTimeout hook failed', { ...fields, error })
    return 'failed'
  }
  let result: unknown
  try {
    result = hook(request)
  } catch (error) {
    failed(error)
    return undefined
  }
  if (!isThenable(result)) return undefined

  let timer: ReturnType<typeof setTimeout> | undefined
  const overBudget = new Promise<Outcome>((resolve) => {
    timer = setTimeout(resolve, budgetMs, 'over-budget')
  })
  const settled = Promise.resolve(result).then((): Outcome => 'done', failed)
  return Promise.race([settled, overBudget]).then((outcome) => {
    clearTimeout(timer)
    if (outcome === 'over-budget') {
      telemetry.log('warn', 'onTimeout hook ran past its budget', { ...fields, budgetMs })
    }
  })
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { then?: unknown }).then === 'function'
