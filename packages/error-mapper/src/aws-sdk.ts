import { isObject } from '@gateproof/core'

/**
 * Error names the AWS SDK v3 itself classifies as throttling
 * (`@smithy/core` `THROTTLING_ERROR_CODES`), so a throttle that survived the
 * SDK's own retries is recognised here by the same list.
 */
export const AWS_THROTTLING_ERROR_NAMES: readonly string[] = [
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]

/** The fields every AWS SDK v3 service exception carries. */
export interface AwsServiceErrorLike {
  name: string
  $fault: 'client' | 'server'
  $metadata: { httpStatusCode?: number }
  $retryable?: { throttling?: boolean }
}

/**
 * An AWS SDK v3 service exception, recognised by shape as smithy's own
 * `ServiceException.isInstance` does, so no SDK package has to be loaded.
 */
export const isAwsServiceError = (error: unknown): error is AwsServiceErrorLike =>
  isObject(error) &&
  (error.$fault === 'client' || error.$fault === 'server') &&
  isObject(error.$metadata)

const hasOwnStatus = (error: Record<string, unknown>): boolean =>
  typeof error.statusCode === 'number' || typeof error.status === 'number'

/**
 * A throttle: an SDK exception with `$retryable.throttling`, a 429, or a throttling
 * name; or any other error carrying a throttling name (`name`, or v2-style `code`)
 * and no HTTP status of its own.
 */
export function isAwsThrottle(error: unknown): boolean {
  if (!isObject(error)) return false
  const named =
    AWS_THROTTLING_ERROR_NAMES.includes(error.name as string) ||
    AWS_THROTTLING_ERROR_NAMES.includes(error.code as string)
  if (isAwsServiceError(error)) {
    return named || error.$retryable?.throttling === true || error.$metadata.httpStatusCode === 429
  }
  return named && !hasOwnStatus(error)
}

const MAX_RETRY_HINT_SECONDS = 3_600

/**
 * The service's own back-off hint (Lambda's `TooManyRequestsException.retryAfterSeconds`,
 * a string), when it is a sane number of seconds.
 */
export function awsRetryAfterHint(error: unknown): number | undefined {
  if (!isObject(error)) return undefined
  const hint = Number(error.retryAfterSeconds)
  return Number.isFinite(hint) && hint > 0 && hint <= MAX_RETRY_HINT_SECONDS ? hint : undefined
}
