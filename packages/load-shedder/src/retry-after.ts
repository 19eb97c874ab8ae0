import { retryAfterValue } from '@gateproof/core'

/**
 * Whole seconds a refused client should wait: the policy's estimate stretched by a random
 * share of up to `jitter`, so refused clients do not all come back in the same second;
 * rounded up and never 0.
 */
export const jitteredRetryAfterSeconds = (
  retryAfterMs: number,
  jitter: number,
  random: () => number = Math.random,
): number => Number(retryAfterValue((retryAfterMs / 1000) * (1 + jitter * random())))
