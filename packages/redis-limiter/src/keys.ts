import { randomBytes } from 'node:crypto'

export interface LimiterKeys {
  /** String: the GCRA theoretical arrival time. */
  rate: string
  /** Sorted set: lease id → expiry. */
  leases: string
}

/**
 * Both keys of a decision carry the hash tag `{prefix:key}`, so Redis Cluster puts
 * them in one slot and one script may touch both. Cluster hashes the text between
 * the first `{` and the next `}`; whatever the key contains, that text is the same
 * for both names, so they never split.
 */
export function limiterKeys(prefix: string, key: string): LimiterKeys {
  const tag = `{${prefix}:${key}}`
  return { rate: `${tag}:rate`, leases: `${tag}:leases` }
}

/**
 * Lease ids unique across the fleet: a random id per limiter instance (one per
 * execution environment) and a counter.
 */
export function leaseIdSource(): () => string {
  const instance = randomBytes(9).toString('base64url')
  let sequence = 0
  return function nextLeaseId() {
    sequence += 1
    return `${instance}:${sequence.toString(36)}`
  }
}
