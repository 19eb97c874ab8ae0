import {
  addGatewayResponses,
  type GatewayResponsesOptions,
  gatewayResponses,
} from '@gateproof/gateway-responses'
import { GateproofDashboard } from '@gateproof/observability/cdk'
import { Stack, type StackProps } from 'aws-cdk-lib'
import {
  AccessLogFormat,
  LambdaIntegration,
  LogGroupLogDestination,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway'
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda'
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs'
import type { Construct } from 'constructs'

export interface OrdersApiStackProps extends StackProps {
  /** How the API's own errors answer; the example's defaults when omitted. */
  gatewayResponses?: GatewayResponsesOptions
}

/**
 * A REST API in front of a Lambda function, with stage throttling. Whatever the gateway answers
 * on its own (a throttle, a missing route, a Lambda throttle, an integration timeout) speaks the
 * same error contract as the function's gateproof errors.
 */
export class OrdersApiStack extends Stack {
  readonly api: RestApi
  readonly dashboard: GateproofDashboard

  constructor(scope: Construct, id: string, props: OrdersApiStackProps = {}) {
    super(scope, id, props)

    const handler = new LambdaFunction(this, 'Orders', {
      runtime: Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: Code.fromInline(
        'exports.handler = async () => ({ statusCode: 200, headers: { "Content-Type": "application/json" }, body: "[]" })',
      ),
      // doctor log-retention: Lambda's own log group would be kept forever, outside the stack.
      logGroup: new LogGroup(this, 'OrdersLogs', { retention: RetentionDays.ONE_MONTH }),
    })

    this.api = new RestApi(this, 'OrdersApi', {
      deployOptions: {
        throttlingRateLimit: 50,
        throttlingBurstLimit: 100,
        // doctor stage-logging / access-log-format: what the gateway saw when it answered itself.
        accessLogDestination: new LogGroupLogDestination(
          new LogGroup(this, 'OrdersApiAccessLogs', { retention: RetentionDays.ONE_MONTH }),
        ),
        accessLogFormat: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            status: '$context.status',
            responseType: '$context.error.responseType',
            integrationStatus: '$context.integration.status',
            integrationError: '$context.integrationErrorMessage',
            latency: '$context.responseLatency',
          }),
        ),
      },
    })
    this.api.root.addResource('orders').addMethod('GET', new LambdaIntegration(handler))

    addGatewayResponses(
      this.api,
      gatewayResponses(
        props.gatewayResponses ?? {
          cors: { allowOrigin: 'https://app.example.com' },
          responses: { QUOTA_EXCEEDED: { retryAfterSeconds: 3600 } },
        },
      ),
      { ResponseType },
    )

    // The API's dashboard and alarms (Throttles, ProxyShapeViolation, shed and timeout rates).
    this.dashboard = new GateproofDashboard(this, 'Gateproof', {
      namespace: 'orders',
      service: 'orders-api',
      functions: [handler],
      restApi: this.api,
    })
  }
}
