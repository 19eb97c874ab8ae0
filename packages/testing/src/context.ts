import type { Clock } from '@gateproof/core'
import type { Context } from 'aws-lambda'

export interface LambdaContextOptions {
  /** Milliseconds left when the invocation starts; counts down with the clock. */
  remainingMs?: number
  awsRequestId?: string
  functionName?: string
  memoryLimitInMB?: number
  /** Defaults to `Date.now`, so fake timers move it. */
  clock?: Clock
}

let invocation = 0

/** A Lambda context whose `getRemainingTimeInMillis` counts down like the real one. */
export function lambdaContext({
  remainingMs = 30_000,
  awsRequestId,
  functionName = 'orders-api',
  memoryLimitInMB = 1024,
  clock = { now: () => Date.now() },
}: LambdaContextOptions = {}): Context {
  invocation += 1
  const startedAt = clock.now()
  const id = awsRequestId ?? `00000000-0000-4000-8000-${String(invocation).padStart(12, '0')}`
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: String(memoryLimitInMB),
    awsRequestId: id,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/22/[$LATEST]0123456789abcdef0123456789abcdef',
    getRemainingTimeInMillis: () => Math.max(0, remainingMs - (clock.now() - startedAt)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  }
}
