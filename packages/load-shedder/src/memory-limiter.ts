import {
  assertKnownOptions,
  assertNestedOptions,
  assertNumber,
  type Clock,
  GateproofOptionsError,
  systemClock,
} from '@gateproof/core'
import type {
  Limiter,
  LimiterDecision,
  LimiterRequest,
  PriorityShares,
  QuotaInfo,
} from './limiter.js'
import { allowance, resolveShares } from './priority.js'
import { assertShares } from './validate.js'

const PKG = '@gateproof/load-shedder'

export interface RateLimit {
  /** Sustained rate: tokens added per second. */
  perSecond: number
  /** Bucket size: how many requests may arrive at once after a quiet period. Default `max(1, perSecond)`. */
  burst?: number
}

export interface MemoryLimiterOptions {
  /** Token bucket per key. */
  rate?: RateLimit
  /** Requests held at once per key (a semaphore). */
  concurrency?: number
  /** Share of each limit per priority; defaults to critical 100 %, normal 95 %, sheddable 80 %. */
  shares?: Partial<PriorityShares>
  /** Keys tracked at once (default 1000); past it, new keys share one overflow partition. */
  maxKeys?: number
  clock?: Clock
}

export interface MemoryLimiterStats {
  /** Tokens in the key's bucket now (rate limit only). */
  tokens: number | undefined
  /** Requests of the key holding a concurrency slot. */
  held: number
}

export interface MemoryLimiter extends Limiter {
  /** Decides synchronously: nothing here waits on I/O. */
  acquire(request: LimiterRequest): LimiterDecision
  stats(key: string): MemoryLimiterStats
  /** Keys tracked, overflow partition included. */
  readonly size: number
}

interface Lease {
  readonly expiresAt: number
  readonly acquiredAt: number
  /** Position in `held`, -1 once released: swap-remove keeps release O(1) without hashing. */
  index: number
}

interface Partition {
  tokens: number
  refilledAt: number
  readonly held: Lease[]
  /** EWMA of how long a concurrency slot is held: the wait a refused request is told. */
  holdMs: number | undefined
}

const OPTION_KEYS = ['rate', 'concurrency', 'shares', 'maxKeys', 'clock'] as const
const RATE_KEYS = ['perSecond', 'burst'] as const
const OVERFLOW_KEY = '\u0000overflow'
const HOLD_SMOOTHING = 0.2
const DEFAULT_RETRY_MS = 1000

/**
 * An in-process limiter: a token bucket for rate and a semaphore for concurrency, each per
 * key, each shared out by priority. For a single process (Managed Instances worker,
 * container) and tests; a fleet-wide limit needs `@gateproof/redis-limiter`.
 */
export function memoryLimiter(options: MemoryLimiterOptions = {}): MemoryLimiter {
  assertKnownOptions(PKG, options as unknown, OPTION_KEYS)
  const { rate, concurrency, maxKeys = 1000, clock = systemClock } = options
  if (rate !== undefined) {
    assertNestedOptions(PKG, 'rate', rate, RATE_KEYS)
    if (rate.perSecond === undefined) {
      throw new GateproofOptionsError(PKG, 'option "rate.perSecond" is required')
    }
    assertNumber(PKG, 'rate.perSecond', rate.perSecond, { min: Number.MIN_VALUE, max: 1e9 })
    assertNumber(PKG, 'rate.burst', rate.burst, { min: 1, max: 1e9 })
  }
  assertNumber(PKG, 'concurrency', concurrency, { min: 1, max: 1e9, integer: true })
  assertNumber(PKG, 'maxKeys', maxKeys, { min: 1, max: 1e7, integer: true })
  assertShares(PKG, 'shares', options.shares)
  if (rate === undefined && concurrency === undefined) {
    throw new GateproofOptionsError(PKG, 'memoryLimiter needs "rate", "concurrency" or both')
  }
  const shares = resolveShares(options.shares)
  const perMs = rate ? rate.perSecond / 1000 : 0
  const burst = rate ? (rate.burst ?? Math.max(1, rate.perSecond)) : 0
  const windowSeconds = Math.max(1, Math.round(burst / (perMs * 1000)))
  const partitions = new Map<string, Partition>()

  const partitionFor = (key: string, now: number): Partition => {
    const found = partitions.get(key)
    if (found) return found
    if (partitions.size >= maxKeys && !evictOneAtRest(now)) {
      return partitions.get(OVERFLOW_KEY) ?? create(OVERFLOW_KEY, now)
    }
    return create(key, now)
  }
  const create = (key: string, now: number): Partition => {
    const partition: Partition = { tokens: burst, refilledAt: now, held: [], holdMs: undefined }
    partitions.set(key, partition)
    return partition
  }
  // A partition with a full bucket and nothing held is indistinguishable from a new one.
  const evictOneAtRest = (now: number): boolean => {
    for (const [key, partition] of partitions) {
      if (key === OVERFLOW_KEY) continue
      refill(partition, now)
      if (partition.held.length === 0 && partition.tokens >= burst) {
        partitions.delete(key)
        return true
      }
    }
    return false
  }
  const refill = (partition: Partition, now: number): void => {
    if (!rate) return
    const elapsed = now - partition.refilledAt
    if (elapsed > 0) partition.tokens = Math.min(burst, partition.tokens + elapsed * perMs)
    partition.refilledAt = now
  }
  const reclaimExpired = (partition: Partition, now: number): void => {
    for (let i = partition.held.length - 1; i >= 0; i--) {
      const lease = partition.held[i] as Lease
      if (lease.expiresAt <= now) removeLease(partition, lease)
    }
  }
  const quotaOf = (partition: Partition, reserve: number, retryAfterMs?: number): QuotaInfo => ({
    limit: Math.round(perMs * 1000 * windowSeconds),
    remaining: Math.max(0, Math.floor(partition.tokens - reserve)),
    resetSeconds:
      retryAfterMs !== undefined ? retryAfterMs / 1000 : (burst - partition.tokens) / perMs / 1000,
    windowSeconds,
  })

  return {
    name: 'memory',
    acquire({ key, priority, deadlineAt }: LimiterRequest): LimiterDecision {
      const now = clock.now()
      const partition = partitionFor(key, now)
      let reserve = 0
      if (rate) {
        refill(partition, now)
        reserve = burst - allowance(burst, priority, shares)
        if (partition.tokens - reserve < 1) {
          const retryAfterMs = (1 + reserve - partition.tokens) / perMs
          return {
            admitted: false,
            reason: 'rate',
            retryAfterMs,
            quota: quotaOf(partition, reserve, retryAfterMs),
          }
        }
      }
      if (concurrency !== undefined) {
        const cap = allowance(concurrency, priority, shares)
        if (partition.held.length >= cap) reclaimExpired(partition, now)
        if (partition.held.length >= cap) {
          return {
            admitted: false,
            reason: 'concurrency',
            retryAfterMs: partition.holdMs ?? DEFAULT_RETRY_MS,
          }
        }
      }
      if (rate) partition.tokens -= 1
      const lease: Lease = { expiresAt: deadlineAt, acquiredAt: now, index: -1 }
      if (concurrency !== undefined) {
        lease.index = partition.held.length
        partition.held.push(lease)
      }
      let released = false
      const admitted: LimiterDecision = {
        admitted: true,
        release() {
          if (released) return
          released = true
          if (concurrency === undefined || !removeLease(partition, lease)) return
          const heldMs = clock.now() - lease.acquiredAt
          partition.holdMs =
            partition.holdMs === undefined
              ? heldMs
              : partition.holdMs + HOLD_SMOOTHING * (heldMs - partition.holdMs)
        },
      }
      if (rate) admitted.quota = quotaOf(partition, reserve)
      return admitted
    },
    stats(key) {
      const partition = partitions.get(key)
      if (partition) refill(partition, clock.now())
      return {
        tokens: rate ? (partition?.tokens ?? burst) : undefined,
        held: partition?.held.length ?? 0,
      }
    },
    get size() {
      return partitions.size
    },
  }
}

/** Takes a lease out of its partition; false when it was already out (released or reclaimed). */
function removeLease(partition: Partition, lease: Lease): boolean {
  const { index } = lease
  if (index < 0 || partition.held[index] !== lease) return false
  const last = partition.held.pop() as Lease
  if (last !== lease) {
    partition.held[index] = last
    last.index = index
  }
  lease.index = -1
  return true
}
