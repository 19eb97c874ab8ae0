import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadTemplate, loadTemplates, parseTemplate, TemplateError } from '../src/index.js'
import { fixture } from './helpers.js'

describe('loadTemplate reads SAM and CloudFormation as CloudFormation reads them', () => {
  it('turns every short form into its long JSON form (!Ref, !GetAtt A.B, !Sub, !If, !Join…)', () => {
    const template = parseTemplate(`
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt Role.Arn
      Timeout: !If [Long, 60, !Ref Short]
      Description: !Sub "\${AWS::StackName}-fn"
      Layers: !Split [",", !Join [",", [a, b]]]
      Tags: [{ Key: k, Value: !Select [0, !GetAZs ""] }]
      Code: { ZipFile: !Base64 { "Fn::Sub": "x" } }
`)
    const p = template.resources.Fn?.Properties
    expect(p).toEqual({
      Role: { 'Fn::GetAtt': ['Role', 'Arn'] },
      Timeout: { 'Fn::If': ['Long', 60, { Ref: 'Short' }] },
      Description: { 'Fn::Sub': `\${AWS::StackName}-fn` },
      Layers: { 'Fn::Split': [',', { 'Fn::Join': [',', ['a', 'b']] }] },
      Tags: [{ Key: 'k', Value: { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] } }],
      Code: { ZipFile: { 'Fn::Base64': { 'Fn::Sub': 'x' } } },
    })
  })

  it('reads JSON templates, and marks SAM by its Transform with Globals kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doctor-'))
    const path = join(dir, 't.json')
    writeFileSync(path, JSON.stringify({ Resources: { Q: { Type: 'AWS::SQS::Queue' } } }))
    expect((await loadTemplate(path)).resources.Q?.Type).toBe('AWS::SQS::Queue')
    const sam = await loadTemplate(join(fixture('../../../../examples/rest-api/template.yaml')))
    expect(sam.sam).toBe(true)
    expect(sam.globals.Function?.Timeout).toBeTypeOf('number')
  })

  it.each([
    ['broken YAML', 'Resources:\n  A: [', /not valid JSON or YAML/],
    ['an unknown tag', 'Resources:\n  A: !Nope x', /not valid JSON or YAML/],
    ['no Resources', 'AWSTemplateFormatVersion: "2010-09-09"\n', /no Resources section/],
    ['a resource without Type', 'Resources:\n  A: { Properties: {} }\n', /resource A has no Type/],
    ['a list', '- 1\n- 2\n', /a template is a mapping/],
    [
      'a duplicate key (CloudFormation rejects it)',
      'Resources:\n  A: { Type: X }\n  A: { Type: Y }\n',
      /not valid JSON or YAML/,
    ],
    ['Properties that are a list', 'Resources:\n  A: { Type: X, Properties: [] }', /not a mapping/],
  ])('gives a TemplateError, never a crash, for %s', (_name, text, message) => {
    expect(() => parseTemplate(text, 'bad.yaml')).toThrow(TemplateError)
    expect(() => parseTemplate(text, 'bad.yaml')).toThrow(message)
  })

  it('reads a template that starts with a UTF-8 byte order mark (Windows editors, PowerShell), JSON or YAML', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doctor-bom-'))
    const body = { Resources: { Topic: { Type: 'AWS::SNS::Topic' } } }
    writeFileSync(join(dir, 'template.json'), `\uFEFF${JSON.stringify(body)}`)
    writeFileSync(
      join(dir, 'template.yaml'),
      '\uFEFFResources:\n  Topic:\n    Type: AWS::SNS::Topic\n',
    )
    expect((await loadTemplate(join(dir, 'template.json'))).resources).toEqual(body.Resources)
    expect((await loadTemplate(join(dir, 'template.yaml'))).resources).toEqual(body.Resources)
  })

  it('names a missing file, and an empty directory that is not a cloud assembly', async () => {
    await expect(loadTemplates('/nonexistent/template.yaml')).rejects.toThrow(/no such file/)
    await expect(loadTemplates(mkdtempSync(join(tmpdir(), 'doctor-')))).rejects.toThrow(
      /CDK cloud assembly/,
    )
  })
})
