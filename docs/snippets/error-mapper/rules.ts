import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import { type ErrorRule, errorMapper } from '@gateproof/error-mapper'
import middy from '@middy/core'

/** Your own error class, thrown when a customer's quota is used up. */
class QuotaError extends Error {
  constructor(readonly resetSeconds: number) {
    super('quota exceeded')
  }
}

const rules: ErrorRule[] = [
  // by class
  {
    name: 'optimistic-lock',
    match: { instanceOf: ConditionalCheckFailedException },
    map: { status: 409 },
  },
  // by name (one or a list) and/or code: every given key must match
  {
    name: 'pg-unique',
    match: { name: 'DatabaseError', code: '23505' },
    map: { status: 409, errorType: 'DuplicateOrder' },
  },
  {
    name: 'cache-down',
    match: { code: ['ECONNREFUSED', 'ETIMEDOUT'] },
    map: { status: 503, retryAfterSeconds: 5 },
  },
  // by predicate, mapped by a function that also gets { integration, throttleStatus, retryAfterSeconds }
  {
    name: 'quota',
    match: (error) => error instanceof QuotaError,
    map: (error) => ({
      status: 429,
      retryAfterSeconds: (error as QuotaError).resetSeconds,
      title: 'Quota exceeded',
    }),
  },
]

export const handler = middy(async () => {
  throw new QuotaError(60)
}).use(errorMapper({ rules }))
// → 429 Quota exceeded, Retry-After: 60
