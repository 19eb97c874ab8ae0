export {
  type AdaptiveLimit,
  AimdLimit,
  type AimdOptions,
  Gradient2Limit,
  type Gradient2Options,
  type LatencySample,
} from './adaptive-limit.js'
export {
  type Admitted,
  DEFAULT_PRIORITY_SHARES,
  type Limiter,
  type LimiterDecision,
  type LimiterRequest,
  PRIORITIES,
  type Priority,
  type PriorityShares,
  type QuotaInfo,
  type Rejected,
} from './limiter.js'
export { default, type LoadShedderStats, loadShedder } from './load-shedder.js'
export {
  type MemoryLimiter,
  type MemoryLimiterOptions,
  type MemoryLimiterStats,
  memoryLimiter,
  type RateLimit,
} from './memory-limiter.js'
export type {
  AdaptivePolicyOptions,
  DeadlinePolicyOptions,
  EventLoopPolicyOptions,
  LoadShedderOptions,
} from './options.js'
export { allowance } from './priority.js'
export { RATE_LIMIT_POLICY, rateLimitHeaders } from './ratelimit-headers.js'
export { refusalMessage, type ShedReason } from './rejection.js'
export { routeKey } from './route-key.js'
