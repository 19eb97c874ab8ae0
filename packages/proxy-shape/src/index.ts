import { proxyShape } from './middleware.js'

export { type ProxyShapeMiddleware, proxyShape } from './middleware.js'
export type {
  EventFor,
  IntegrationOption,
  ProxyShapeMode,
  ProxyShapeOptions,
} from './options.js'
export { SHAPE_TARGETS, type ShapeTarget } from './profiles.js'
export {
  MAX_LOGGED_VIOLATIONS,
  METRIC_NAME,
  type Phase,
  type ViolationAction,
} from './report.js'
export { type ValidateOptions, validateProxyResult } from './validate.js'
export {
  type ValidationResult,
  VIOLATION_RULES,
  type Violation,
  type ViolationRule,
} from './violations.js'

export default proxyShape
export {
  type StreamShapeOptions,
  type StreamShapeResult,
  type StreamShapeTarget,
  shapeStreamResponse,
  streamShape,
} from './stream-shape.js'
