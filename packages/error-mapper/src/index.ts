export { describeThrown, type ThrownDescription } from '@gateproof/core'
export {
  AWS_THROTTLING_ERROR_NAMES,
  type AwsServiceErrorLike,
  awsRetryAfterHint,
  isAwsServiceError,
  isAwsThrottle,
} from './aws-sdk.js'
export {
  awsClientFaultRule,
  awsServerFaultRule,
  awsThrottlingRule,
  BUILT_IN_RULES,
  httpStatusRule,
  jsonBodyParserRule,
  middyValidatorRule,
  powertoolsHttpErrorRule,
  schemaIssuesRule,
  timeoutRule,
} from './built-in-rules.js'
export {
  default,
  type ErrorMapperState,
  errorMapper,
  errorMapperState,
  toHttpError,
} from './error-mapper.js'
export { type FieldError, MAX_FIELD_ERRORS } from './field-errors.js'
export {
  FALLBACK_RULE,
  isErrorTypeName,
  type MapErrorContext,
  type MappedError,
  mapError,
} from './map-error.js'
export { type ErrorMapperOptions, type LogLevels, PACKAGE } from './options.js'
export type { ErrorClass, ErrorMapping, ErrorRule, RuleContext, RuleMatcher } from './rule.js'
export { STREAM_ERROR_METRIC, streamErrors } from './stream-errors.js'
