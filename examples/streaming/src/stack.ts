import { addGatewayResponses, gatewayResponses } from '@gateproof/gateway-responses'
import { GateproofDashboard } from '@gateproof/observability/cdk'
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib'
import {
  AccessLogFormat,
  LambdaIntegration,
  LogGroupLogDestination,
  ResponseTransferMode,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway'
import {
  Code,
  FunctionUrlAuthType,
  InvokeMode,
  Function as LambdaFunction,
  Runtime,
} from 'aws-cdk-lib/aws-lambda'
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs'
import type { Construct } from 'constructs'

export interface StreamingStackProps extends StackProps {
  /** The bundled handler (e.g. `Code.fromAsset('dist')`); an inline placeholder when omitted. */
  code?: Code
}

/**
 * One streaming function behind both front doors that stream (gateway-facts §11):
 * a REST API route with `responseTransferMode: STREAM` (ST12, ST14) and a Function URL in
 * `RESPONSE_STREAM` mode (ST16). The function may run up to 15 minutes: the stream, not the
 * REST API's 29 seconds, is what bounds it (ST5).
 */
export class StreamingStack extends Stack {
  readonly api: RestApi
  readonly fn: LambdaFunction

  constructor(scope: Construct, id: string, props: StreamingStackProps = {}) {
    super(scope, id, props)

    this.fn = new LambdaFunction(this, 'OrdersExport', {
      runtime: Runtime.NODEJS_22_X,
      handler: 'handler.handler',
      code:
        props.code ??
        Code.fromInline(
          'exports.handler = awslambda.streamifyResponse(async (event, stream) => { stream.end() })',
        ),
      timeout: Duration.minutes(15),
      logGroup: new LogGroup(this, 'OrdersExportLogs', { retention: RetentionDays.ONE_MONTH }),
    })

    const url = this.fn.addFunctionUrl({
      authType: FunctionUrlAuthType.AWS_IAM,
      invokeMode: InvokeMode.RESPONSE_STREAM,
    })

    this.api = new RestApi(this, 'OrdersApi', {
      deployOptions: {
        // gateproof doctor stage-logging / access-log-format (issue 17); the transfer mode says
        // whether the response streamed (ST11).
        accessLogDestination: new LogGroupLogDestination(
          new LogGroup(this, 'OrdersApiAccessLogs', { retention: RetentionDays.ONE_MONTH }),
        ),
        accessLogFormat: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            status: '$context.status',
            responseType: '$context.error.responseType',
            integrationError: '$context.integrationErrorMessage',
            transferMode: '$context.integration.responseTransferMode',
          }),
        ),
      },
    })
    // The gateway's own errors in the gateproof error contract (doctor rest-default-responses).
    addGatewayResponses(this.api, gatewayResponses(), { ResponseType })
    this.api.root
      .addResource('orders')
      .addResource('export')
      .addMethod(
        'GET',
        new LambdaIntegration(this.fn, {
          responseTransferMode: ResponseTransferMode.STREAM,
          timeout: Duration.minutes(15),
        }),
      )

    // The API's dashboard and alarms (doctor alarms-missing).
    new GateproofDashboard(this, 'Gateproof', {
      namespace: 'orders',
      service: 'orders-export',
      streaming: true,
      functions: [this.fn],
      restApi: this.api,
    })

    new CfnOutput(this, 'FunctionUrl', { value: url.url })
    new CfnOutput(this, 'ApiUrl', { value: this.api.url })
  }
}
