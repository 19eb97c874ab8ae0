import {
  addGatewayResponses,
  type GatewayResponsesOptions,
  gatewayResponses,
} from '@gateproof/gateway-responses'
import { Stack, type StackProps } from 'aws-cdk-lib'
import { LambdaIntegration, ResponseType, RestApi } from 'aws-cdk-lib/aws-apigateway'
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda'
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

  constructor(scope: Construct, id: string, props: OrdersApiStackProps = {}) {
    super(scope, id, props)

    const handler = new LambdaFunction(this, 'Orders', {
      runtime: Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: Code.fromInline(
        'exports.handler = async () => ({ statusCode: 200, headers: { "Content-Type": "application/json" }, body: "[]" })',
      ),
    })

    this.api = new RestApi(this, 'OrdersApi', {
      deployOptions: { throttlingRateLimit: 50, throttlingBurstLimit: 100 },
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
  }
}
