import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { doctor, doctorRules, formatFindings, parseTemplate, TemplateError } from '../src/index.js'
import { cleanTemplate } from './helpers.js'

const RULE_IDS = doctorRules().map((rule) => rule.id)

const RESOURCE_TYPES = [
  'AWS::Lambda::Function',
  'AWS::Serverless::Function',
  'AWS::Serverless::Api',
  'AWS::Serverless::HttpApi',
  'AWS::ApiGateway::RestApi',
  'AWS::ApiGateway::GatewayResponse',
  'AWS::ApiGateway::Stage',
  'AWS::ApiGateway::Deployment',
  'AWS::ApiGateway::Method',
  'AWS::ApiGateway::Authorizer',
  'AWS::ApiGatewayV2::Api',
  'AWS::ApiGatewayV2::Stage',
  'AWS::ApiGatewayV2::Integration',
  'AWS::ApiGatewayV2::Authorizer',
  'AWS::Lambda::Url',
  'AWS::Lambda::Permission',
  'AWS::ElasticLoadBalancingV2::TargetGroup',
  'AWS::CloudWatch::Alarm',
  'AWS::Logs::LogGroup',
  'Custom::Unknown',
  'AWS::SQS::Queue',
]

// Hostile keys: prototype names, logical ids that look like Object.prototype members.
const key = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'toString', 'Ref', 'Fn::GetAtt', 'Fn::Sub', 'Type'),
  fc.constantFrom('Properties', 'Events', 'Integration', 'Uri', 'TimeoutInMillis', 'StatusCode'),
  fc.constantFrom('RestApiId', 'ApiId', 'Auth', 'Authorizers', 'GatewayResponses', 'Metrics'),
  fc.string({ maxLength: 8 }),
)
const value = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    fc.string({ maxLength: 12 }),
    fc.constantFrom('STREAM', 'NONE', 'EDGE', `\${Fn.Arn}`, 'prod', '\u0000\r\n'),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(key, tie('node'), { maxKeys: 5 }),
    fc.record({ Ref: fc.constantFrom('Fn', 'Api', 'constructor', '__proto__', 'Missing') }),
    fc.record({ 'Fn::GetAtt': fc.constantFrom('Fn.Arn', ['Api', 'Arn'], 'x') }),
  ),
})).node

const resource = fc.record({
  Type: fc.constantFrom(...RESOURCE_TYPES),
  Properties: fc.dictionary(key, value, { maxKeys: 8 }),
})
const template = fc.record({
  Transform: fc.constantFrom(undefined, 'AWS::Serverless-2016-10-31', ['x']),
  Globals: fc.oneof(fc.constant(undefined), fc.dictionary(key, value, { maxKeys: 3 })),
  Parameters: fc.oneof(fc.constant(undefined), fc.dictionary(key, value, { maxKeys: 3 })),
  Resources: fc.dictionary(
    fc.constantFrom('Fn', 'Api', 'Stage', 'constructor', '__proto__', 'toString', 'Http', 'Url'),
    resource,
    { maxKeys: 8 },
  ),
})

describe('doctor never crashes (issue 17: malformed templates give a clear error, never a crash)', () => {
  it('on any template-shaped document, JSON or YAML, it returns findings that each name a known rule', () => {
    fc.assert(
      fc.property(template, fc.boolean(), (document, asYaml) => {
        const text = asYaml ? stringify(document) : JSON.stringify(document)
        const findings = doctor(parseTemplate(text, 'property.yaml'))
        for (const finding of findings) {
          expect(RULE_IDS).toContain(finding.rule)
          expect(['error', 'warning', 'info']).toContain(finding.severity)
          expect(finding.facts.length).toBeGreaterThan(0)
          expect(typeof finding.resource).toBe('string')
        }
        expect(typeof formatFindings(findings)).toBe('string')
      }),
      { numRuns: 300 },
    )
  })

  it('on any text at all, parseTemplate returns a template or throws a TemplateError, nothing else', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.constantFrom('{', '!Ref', 'Resources: !GetAtt', '- a\n- b'),
        ),
        (text) => {
          try {
            doctor(parseTemplate(text))
          } catch (error) {
            expect(error).toBeInstanceOf(TemplateError)
          }
        },
      ),
      { numRuns: 300 },
    )
  })

  it('a logical id named __proto__ or constructor is an ordinary resource, not a prototype', () => {
    const parsed = parseTemplate(
      JSON.stringify({
        Resources: { ['__proto__']: { Type: 'AWS::SQS::Queue' }, constructor: { Type: 'X' } },
      }),
    )
    expect(Object.keys(parsed.resources)).toEqual(['__proto__', 'constructor'])
    expect(parsed.resources.toString).toBeUndefined()
  })

  it('reads a deep-frozen template without writing to it', () => {
    const freeze = (value: unknown): unknown => {
      if (typeof value === 'object' && value !== null) {
        for (const inner of Object.values(value)) freeze(inner)
        Object.freeze(value)
      }
      return value
    }
    const template = cleanTemplate('sam-bare.yaml')
    const expected = doctor(cleanTemplate('sam-bare.yaml'))
    expect(doctor(freeze(template) as typeof template)).toEqual(expected)
  })
})
