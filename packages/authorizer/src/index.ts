export { type Decision, type Inspection, type InspectTarget, inspectOutput } from './inspect.js'
export {
  type AuthorizerEventFor,
  type AuthorizerShapeMiddleware,
  authorizerShape,
  authorizerShape as default,
} from './middleware.js'
export {
  type AuthorizerMode,
  type AuthorizerShapeOptions,
  type AuthorizerTypeOption,
  type ErrorOutcome,
  PACKAGE,
  type RefusalOutcome,
  type ResponseFormat,
} from './options.js'
export { allow, deny, type PolicyOptions } from './policy.js'
export { type Action, type ClientOutcome, METRIC } from './report.js'
export { defaultUnauthorizedWhen, type ThrownView } from './thrown.js'
export type { AuthorizerResultFor, SimpleAuthorizerResult } from './types.js'
export type { Violation, ViolationRule, Warning } from './violations.js'
