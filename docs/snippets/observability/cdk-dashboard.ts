import { GateproofDashboard } from '@gateproof/observability/cdk'
import { App, Stack } from 'aws-cdk-lib'
import { LambdaIntegration, RestApi } from 'aws-cdk-lib/aws-apigateway'
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda'
import { Topic } from 'aws-cdk-lib/aws-sns'

const stack = new Stack(new App(), 'Orders')
const orders = new LambdaFunction(stack, 'Orders', {
  runtime: Runtime.NODEJS_22_X,
  handler: 'index.handler',
  code: Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "[]" })'),
})
const api = new RestApi(stack, 'OrdersApi')
api.root.addResource('orders').addMethod('GET', new LambdaIntegration(orders))

export const dashboard = new GateproofDashboard(stack, 'Gateproof', {
  namespace: 'orders',
  service: 'orders-api',
  functions: [orders],
  restApi: api,
  alarmActions: [new Topic(stack, 'Alerts').topicArn],
})
