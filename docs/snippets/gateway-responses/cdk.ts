import { addGatewayResponses, gatewayResponses } from '@gateproof/gateway-responses'
import { App, Stack, type StackProps } from 'aws-cdk-lib'
import { MockIntegration, ResponseType, RestApi } from 'aws-cdk-lib/aws-apigateway'
import type { Construct } from 'constructs'

export class OrdersApiStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props)
    const api = new RestApi(this, 'Api')
    api.root.addMethod('GET', new MockIntegration())
    addGatewayResponses(
      api,
      gatewayResponses({ cors: { allowOrigin: 'https://app.example.com' } }),
      {
        ResponseType,
      },
    )
  }
}

const app = new App()
new OrdersApiStack(app, 'OrdersApi')
export const assembly = app.synth() // what `cdk synth` writes to cdk.out
