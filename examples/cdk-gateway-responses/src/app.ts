import { App } from 'aws-cdk-lib'
import { OrdersApiStack } from './stack.js'

const app = new App()
new OrdersApiStack(app, 'GateproofOrdersApi')
app.synth()
