/**
 * The admission contract every shared or local limit implements (the in-memory
 * limiter here, `@gateproof/redis-limiter` for fleet-wide limits).
 */

/** Lower priorities are shed first. */
export type Priority = 'critical' | 'normal' | 'sheddable'

export const PRIORITIES: readonly Priority[] = ['critical', 'normal', 'sheddable']

/**
 * The share of a limit each priority may use: sheddable traffic is refused at 80 %,
 * normal at 95 %, so the last 5 % is kept for critical traffic.
 */
export type PriorityShares = Readonly<Record<Priority, number>>

export const DEFAULT_PRIORITY_SHARES: PriorityShares = { critical: 1, normal: 0.95, sheddable: 0.8 }

export interface LimiterRequest {
  /** Partition of the limit: route, tenant, API key… */
  key: string
  priority: Priority
  /** Epoch ms past which the request is worthless; a held slot must not outlive it. */
  deadlineAt: number
  /** Units of a rate limit this request uses (default 1); a limiter may ignore it. */
  cost?: number
}

/** What a quota-based policy tells the client (IETF `RateLimit` / `RateLimit-Policy`). */
export interface QuotaInfo {
  /** The quota for the window (requests). */
  limit: number
  /** Requests left in the current window. */
  remaining: number
  /** Seconds until the quota is fully restored. */
  resetSeconds: number
  /** Window length in seconds, for `RateLimit-Policy`. */
  windowSeconds: number
}

export interface Admitted {
  admitted: true
  /** Frees what was acquired; safe to call more than once. */
  release(): void | Promise<void>
  quota?: QuotaInfo
}

export interface Rejected {
  admitted: false
  /** When a retry may succeed, in ms (the shedder jitters it and never sends 0). */
  retryAfterMs: number
  /** Bounded metric dimension value, e.g. `rate`, `concurrency`. */
  reason: string
  quota?: QuotaInfo
}

export type LimiterDecision = Admitted | Rejected

export interface Limiter {
  /** Bounded name used in logs and metrics, e.g. `memory`, `redis`. */
  readonly name: string
  acquire(request: LimiterRequest): LimiterDecision | Promise<LimiterDecision>
}
