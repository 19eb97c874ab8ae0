export {
  AUTHORIZER_TYPES,
  type AuthorizerEventOf,
  type AuthorizerEventTypes,
  type AuthorizerType,
  detectAuthorizer,
  type HttpApiV1AuthorizerEvent,
} from './authorizer-event.js'
export {
  denyResourceFor,
  INVOKE_ACTION,
  iamPatternMatches,
  METHOD_ARN_MAX_BYTES,
  methodArnTooLong,
  POLICY_RESOURCE_MAX_LENGTH,
  type PolicyDecision,
  policyDecision,
  stageWildcardArn,
} from './authorizer-policy.js'
export { type Clock, ENDS_AT_READING, systemClock, WITH_READING } from './clock.js'
export {
  ageAtArrivalMs,
  computeDeadline,
  DEFAULT_INTEGRATION_TIMEOUT_MS,
  DEFAULT_MARGIN_MS,
  type Deadline,
  type DeadlineOptions,
  gatewayArrivalTime,
  type LambdaContextLike,
  remainingMs,
  timeoutStatusFor,
  traceIdTime,
} from './deadline.js'
export {
  type ErrorContract,
  type ErrorDescription,
  type ErrorFormat,
  type ErrorFormatter,
  errorContract,
  formatErrorBody,
  PROBLEM_CONTENT_TYPE,
  type RenderedErrorResponse,
  type RenderOptions,
  renderErrorResponse,
  retryAfterValue,
} from './error-contract.js'
export {
  type ErrorTypeDimensionOptions,
  errorTypeDimension,
  OTHER_ERROR_TYPE,
} from './error-type-dimension.js'
export { frontDoorOf, isSteppedAside, markSteppedAside } from './front-door.js'
export {
  hasSplittingChars,
  isRetryAfterSeconds,
  MAX_RETRY_AFTER_SECONDS,
} from './header-rules.js'
export {
  findHeaderKey,
  getHeader,
  hasUnsafeHeaderChars,
  isValidHeaderName,
  mergeHeaders,
  sanitizeHeaderValue,
  setHeader,
  setOwnEntry,
} from './headers.js'
export {
  type GateproofErrorProps,
  type GateproofHttpError,
  gateproofError,
} from './http-error.js'
export {
  albMultiValueHeaders,
  detectIntegration,
  type EventOf,
  INTEGRATIONS,
  type Integration,
  type IntegrationTypes,
  isHttpApi,
  isObject,
  type ProxyEvent,
  type ProxyResult,
  type ResultOf,
  usesPayloadV2,
} from './integration.js'
export {
  assertBoolean,
  assertFormat,
  assertFunction,
  assertIntegration,
  assertKnownOptions,
  assertNestedOptions,
  assertNumber,
  assertOneOf,
  assertOptionTable,
  assertThrottleStatus,
  GateproofOptionsError,
  type NumberRange,
  type OptionAssertion,
  type OptionCheck,
  type OptionChecks,
  setsNothing,
} from './options.js'
export { gateproofPlugin, type PluginHooks, type WithPlugin } from './plugin.js'
export { type LambdaContextIdentity, requestIdOf } from './request-id.js'
export {
  getRequestDeadline,
  internalKey,
  isFailureLogged,
  markFailureLogged,
  peekRequestState,
  type RequestLike,
  RequestState,
  requestState,
  setRequestDeadline,
} from './request-state.js'
export { ERROR_TYPES, errorTypeFor, isErrorStatus, isValidStatus, statusTitle } from './status.js'
export {
  type BodySource,
  bodySource,
  type DeliverOptions,
  deliverStream,
  type PreludeWriter,
  type ResponseSink,
  type StreamBody,
  type StreamingResult,
} from './stream-body.js'
export {
  type AwsLambdaStreamingGlobal,
  logStreamOutcome,
  type MiddyExecutionMode,
  rejectMiddy6StreamOption,
  requireStreamState,
  type StreamingLambdaHandler,
  type StreamingModeOptions,
  streamingExecutionMode,
  streamingGlobal,
} from './stream-mode.js'
export {
  checkPrelude,
  encodePrelude,
  type ParsedStream,
  PRELUDE_CONTENT_TYPE,
  PRELUDE_DELIMITER_LENGTH,
  PRELUDE_KEYS,
  type PreludeCheck,
  parsePreludeStream,
  type StreamPrelude,
} from './stream-prelude.js'
export {
  createStreamState,
  getStreamState,
  isStreamingRequest,
  type StreamFailure,
  type StreamOutcome,
  type StreamState,
  type TruncationReason,
} from './stream-state.js'
export {
  assertLogger,
  assertMetrics,
  assertTelemetryOptions,
  createTelemetry,
  type Dimensions,
  type LogLevel,
  SILENT,
  type Telemetry,
  type TelemetryOptions,
} from './telemetry.js'
export {
  describeThrown,
  isInstanceOf,
  readThrown,
  readThrownField,
  readThrownHeaders,
  type ThrownDescription,
  type ThrownFacts,
} from './thrown.js'
