export {
  DEFAULT_ON_TIMEOUT_BUDGET_MS,
  PACKAGE,
  type TimeoutGuardOptions,
  type TimeoutRequest,
} from './options.js'
export type { GuardedDeadline, TimeoutPhase } from './request-guard.js'
export {
  EDGE_STREAM_IDLE_MS,
  REST_STREAM_IDLE_MS,
  REST_STREAM_TOTAL_MS,
  type StreamDeadlineOptions,
  streamDeadline,
} from './stream-deadline.js'
export {
  default,
  getDeadline,
  type TimeoutGuard,
  type TimeoutGuardPlugin,
  timeoutGuard,
} from './timeout-guard.js'
