import { gateproofPlugin } from '@gateproof/core'
import { errorMapper } from '@gateproof/error-mapper'
import {
  type Limiter,
  type LimiterDecision,
  type LimiterRequest,
  loadShedder,
} from '@gateproof/load-shedder'
import middy from '@middy/core'

// interface Limiter {
//   readonly name: string // bounded: used in logs
//   acquire(request: LimiterRequest): LimiterDecision | Promise<LimiterDecision>
// }
// LimiterRequest = { key, priority, deadlineAt, cost? }
// LimiterDecision =
//   | { admitted: true; release(): void | Promise<void>; quota?: QuotaInfo }
//   | { admitted: false; retryAfterMs: number; reason: string; quota?: QuotaInfo }

/** One request per key at a time, in this execution environment. */
function onePerKey(): Limiter {
  const busy = new Set<string>()
  return {
    name: 'one-per-key',
    acquire({ key }: LimiterRequest): LimiterDecision {
      if (busy.has(key)) return { admitted: false, retryAfterMs: 1_000, reason: 'busy' }
      busy.add(key)
      return { admitted: true, release: () => void busy.delete(key) }
    },
  }
}

const app = async () => ({ statusCode: 200, body: 'report ready' })

const shedder = loadShedder({ limiter: onePerKey() })
export const handler = middy(app, gateproofPlugin(shedder)).use(errorMapper()).use(shedder)
