import { readFileSync } from 'node:fs'
import { parseTemplate } from '@gateproof/observability'
import { App } from 'aws-cdk-lib'
import { Template } from 'aws-cdk-lib/assertions'
import { describe, expect, it } from 'vitest'
import {
  cfnLint,
  cfnLintAvailable,
  samTranslate,
} from '../../../packages/observability/test/cfn-lint.js'
import { StreamingStack } from '../src/stack.js'

const sam = parseTemplate(
  readFileSync(new URL('../template.yaml', import.meta.url), 'utf8'),
  'examples/streaming/template.yaml',
)
const cdk = Template.fromStack(new StreamingStack(new App(), 'GateproofStreaming'))

/** The streaming method's integration, from either template. */
interface Resource {
  Type?: string
  Properties?: Record<string, unknown>
}
const integrationOf = (resources: Record<string, Resource>) =>
  Object.values(resources).find((r) => r.Type === 'AWS::ApiGateway::Method')?.Properties
    ?.Integration as Record<string, unknown> | undefined

describe('examples/streaming infrastructure (§11)', () => {
  it('ST12, ST2: the CDK stack synthesises a STREAM integration on the response-streaming invocation path, 15 minutes', () => {
    const integration = integrationOf(cdk.toJSON().Resources)
    expect(integration).toMatchObject({
      Type: 'AWS_PROXY',
      IntegrationHttpMethod: 'POST',
      ResponseTransferMode: 'STREAM',
      TimeoutInMillis: 900_000,
    })
    expect(JSON.stringify(integration?.Uri)).toContain('/response-streaming-invocations')
    expect(JSON.stringify(integration?.Uri)).toContain('lambda:path/2021-11-15/functions/')
  })

  it('ST16: the CDK stack’s Function URL streams (RESPONSE_STREAM)', () => {
    cdk.hasResourceProperties('AWS::Lambda::Url', { InvokeMode: 'RESPONSE_STREAM' })
    cdk.hasResourceProperties('AWS::Lambda::Function', { Timeout: 900 })
  })

  it('ST12, ST14: the SAM template says the same as the CDK stack, in plain CloudFormation for the REST part', () => {
    const integration = integrationOf(sam.resources as Record<string, Resource>)
    expect(integration).toMatchObject({
      Type: 'AWS_PROXY',
      ResponseTransferMode: 'STREAM',
      TimeoutInMillis: 900000,
    })
    expect(JSON.stringify(integration?.Uri)).toContain('/response-streaming-invocations')
    expect(sam.resources.OrdersExportFunction?.Properties?.FunctionUrlConfig).toEqual({
      AuthType: 'AWS_IAM',
      InvokeMode: 'RESPONSE_STREAM',
    })
  })

  it.skipIf(!cfnLintAvailable)('cfn-lint passes the template the CDK stack synthesises', () => {
    // W3005: CDK's own redundant DependsOn on the function's role, as in the other CDK examples.
    expect(cfnLint(cdk.toJSON(), ['W3005'])).toBe('')
  })

  it.skipIf(!cfnLintAvailable)(
    'SAM translates the SAM template and cfn-lint passes the result',
    () => {
      const resources = structuredClone(sam.resources) as Record<string, Resource>
      // As `sam build && sam package` leave it: the code uploaded to S3.
      const fn = resources.OrdersExportFunction?.Properties as Record<string, unknown>
      fn.CodeUri = 's3://gateproof-example/orders-export.zip'
      const translated = samTranslate({
        AWSTemplateFormatVersion: '2010-09-09',
        Transform: 'AWS::Serverless-2016-10-31',
        Resources: resources,
      })
      expect(cfnLint(translated)).toBe('')
    },
  )
})
