/** A refusal remembered until its retry time. */
interface Blocked {
  until: number
  cost: number
}

const MAX_ENTRIES = 10_000

/**
 * Keys a rate rule refused, answered locally until their retry time without asking
 * Redis again (as `@upstash/ratelimit`'s ephemeral cache and Envoy's over-limit cache
 * do). Only rate refusals: GCRA says exactly when the key conforms again, whereas a
 * concurrency slot may free at any moment. A request costing less than the refused
 * one may conform sooner, so it still asks Redis.
 */
export function blockedCache() {
  const entries = new Map<string, Blocked>()
  return {
    /** Milliseconds the key is still refused for this cost, 0 when Redis must decide. */
    blockedFor(id: string, cost: number, now: number): number {
      const entry = entries.get(id)
      if (entry === undefined) return 0
      if (entry.until <= now) {
        entries.delete(id)
        return 0
      }
      return cost >= entry.cost ? entry.until - now : 0
    },
    block(id: string, cost: number, until: number): void {
      if (entries.size >= MAX_ENTRIES && !entries.has(id)) {
        // Bounded: drop the oldest entry (Map keeps insertion order).
        const oldest = entries.keys().next().value
        if (oldest !== undefined) entries.delete(oldest)
      }
      entries.set(id, { until, cost })
    },
    /**
     * Keys remembered. A method, not a getter: V8 does not inline a getter of an object
     * literal, and every decision asks (≈ 130 instructions a read, measured with callgrind).
     */
    size(): number {
      return entries.size
    },
  }
}
