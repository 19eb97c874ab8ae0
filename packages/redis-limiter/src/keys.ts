import { randomBytes } from 'node:crypto'

export interface LimiterKeys {
  /** Strings: the GCRA theoretical arrival time of each rate rule. */
  rates: string[]
  /** Sorted set: lease id → expiry. */
  leases: string
  /** Sorted set: process id → its last decision, for the local share. */
  processes: string
}

/**
 * Every key of a decision carries the hash tag `{prefix:key}`, so Redis Cluster puts
 * them in one slot and one script may touch them all. Cluster hashes the text between
 * the first `{` and the next `}`; whatever the key contains, that text is the same
 * for every name, so they never split.
 */
export function limiterKeys(prefix: string, key: string, rateRules = 1): LimiterKeys {
  const tag = `{${prefix}:${key}}`
  const rates: string[] = []
  for (let i = 0; i < rateRules; i += 1) rates.push(i === 0 ? `${tag}:rate` : `${tag}:rate:${i}`)
  return { rates, leases: `${tag}:leases`, processes: `${tag}:processes` }
}

/** A random id per limiter instance (one per execution environment). */
export function processId(): string {
  return randomBytes(9).toString('base64url')
}

/** Lease ids unique across the fleet: the process id and a counter. */
export function leaseIdSource(instance: string): () => string {
  let sequence = 0
  return function nextLeaseId() {
    sequence += 1
    return `${instance}:${sequence.toString(36)}`
  }
}
