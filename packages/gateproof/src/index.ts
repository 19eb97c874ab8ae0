export {
  type AuthorizerShapeOptions,
  allow,
  authorizerShape,
  deny,
} from '@gateproof/authorizer'
export {
  computeDeadline,
  type Deadline,
  detectIntegration,
  type ErrorContract,
  type ErrorFormat,
  type EventOf,
  gateproofPlugin,
  type Integration,
  type ProxyEvent,
  type ProxyResult,
  type ResultOf,
  renderErrorResponse,
  type StreamBody,
  type StreamingResult,
  streamingExecutionMode,
} from '@gateproof/core'
export {
  BUILT_IN_RULES,
  type ErrorMapperOptions,
  type ErrorRule,
  errorMapper,
  streamErrors,
} from '@gateproof/error-mapper'
export {
  type Limiter,
  type LimiterDecision,
  type LimiterRequest,
  type LoadShedderOptions,
  loadShedder,
  type MemoryLimiterOptions,
  memoryLimiter,
  type Priority,
} from '@gateproof/load-shedder'
export {
  type ProxyShapeMode,
  type ProxyShapeOptions,
  proxyShape,
  type StreamShapeOptions,
  streamShape,
  validateProxyResult,
} from '@gateproof/proxy-shape'
export {
  getDeadline,
  type StreamDeadlineOptions,
  streamDeadline,
  type TimeoutGuardOptions,
  timeoutGuard,
} from '@gateproof/timeout-guard'
export {
  type AuthorizerHandler,
  type GateproofAuthorizerOptions,
  gateproofAuthorizer,
} from './authorizer.js'
export { type GateproofOptions, PACKAGE } from './options.js'
export {
  type GateproofHandler,
  type GateproofParts,
  gateproof,
  gateproof as default,
  gateproofMiddlewares,
  type StreamingEvent,
  type StreamingIntegration,
} from './preset.js'
