import { redisLimiter } from './redis-limiter.js'

export type { BreakerOptions, BreakerState } from './breaker.js'
export { type KeyByOptions, keyBy } from './key-by.js'
export { type LimiterKeys, limiterKeys } from './keys.js'
export type {
  ConcurrencyOptions,
  FailureMode,
  LimitRules,
  RateOptions,
  RedisLimiterClient,
  RedisLimiterOptions,
} from './options.js'
export { type FallbackCause, type RedisLimiter, redisLimiter } from './redis-limiter.js'
export { type LimiterScript, limiterScript } from './script.js'

export default redisLimiter
