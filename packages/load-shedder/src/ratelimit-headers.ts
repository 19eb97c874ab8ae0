import type { QuotaInfo } from './limiter.js'

/** The quota policy's name in both fields; gateproof advertises one policy. */
export const RATE_LIMIT_POLICY = 'default'

/**
 * `RateLimit-Policy` and `RateLimit` as in draft-ietf-httpapi-ratelimit-headers-09/-10
 * (Structured Fields: a quoted policy name with `q` quota and `w` window seconds, and with
 * `r` remaining and `t` reset seconds). On a refusal `t` is the `Retry-After` value, as the
 * draft asks both to name the same moment.
 */
export function rateLimitHeaders(quota: QuotaInfo, resetSeconds: number): Record<string, string> {
  const quotaUnits = Math.max(0, Math.floor(quota.limit))
  const window = Math.max(1, Math.ceil(quota.windowSeconds))
  const remaining = Math.max(0, Math.floor(quota.remaining))
  const reset = Math.max(0, Math.ceil(resetSeconds))
  return {
    'RateLimit-Policy': `"${RATE_LIMIT_POLICY}";q=${quotaUnits};w=${window}`,
    RateLimit: `"${RATE_LIMIT_POLICY}";r=${remaining};t=${reset}`,
  }
}
