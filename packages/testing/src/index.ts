export {
  type HttpApiAuthorizerEventOptions,
  httpApiAuthorizerEvent,
  methodArnFor,
  requestAuthorizerEvent,
  tokenAuthorizerEvent,
} from './authorizer-events.js'
export {
  type Capture,
  type CapturedLog,
  type CapturedMetric,
  captureOutput,
  expectLog,
  expectMetric,
  findLogs,
  findMetrics,
  type LogExpectation,
  type MetricExpectation,
  metricsOfEmfLine,
} from './capture.js'
export { type LambdaContextOptions, lambdaContext } from './context.js'
export {
  type AlbEventOptions,
  albEvent,
  type EventOverrides,
  type EventTimeOptions,
  eventFor,
  functionUrlEvent,
  httpApiEvent,
  httpApiV1Event,
  restEvent,
} from './events.js'
export { FACT_ROWS, type FactRow } from './facts.js'
export type { LocalAuthorization, LocalAuthorizerOptions } from './local-authorizer.js'
export {
  type AnyHandler,
  type Exchange,
  type LocalGateway,
  type LocalGatewayOptions,
  startLocalGateway,
} from './local-gateway.js'
export {
  type ClientResponse,
  type FunctionOutcome,
  type SimulateOptions,
  simulateGateway,
} from './simulate.js'
export {
  type AuthorizerClientView,
  type AuthorizerOutcome,
  type SimulateAuthorizerOptions,
  simulateAuthorizer,
} from './simulate-authorizer.js'
export {
  HANDLER_STREAMING,
  type InvokeStreamingOptions,
  installStreamingGlobals,
  invokeStreaming,
  LocalHttpResponseStream,
  LocalResponseStream,
  type StreamedResponse,
} from './streaming.js'
