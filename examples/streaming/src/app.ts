import { App } from 'aws-cdk-lib'
import { StreamingStack } from './stack.js'

const app = new App()
new StreamingStack(app, 'GateproofStreaming')
app.synth()
