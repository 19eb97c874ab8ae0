import { readFileSync } from 'node:fs'
import { doctor, type Finding, parseTemplate, type Template } from '../src/index.js'

export const fixture = (name: string): string =>
  new URL(`./fixtures/${name}`, import.meta.url).pathname

/** The fixture that doctor passes, parsed fresh so a test can break one thing. */
export function cleanTemplate(name = 'cloudformation.yaml'): Template {
  return parseTemplate(readFileSync(fixture(name), 'utf8'), name)
}

/** `Properties` of a resource, for a test to edit. */
export function props(template: Template, id: string): Record<string, unknown> {
  const resource = template.resources[id]
  if (!resource) throw new Error(`no resource ${id} in the fixture`)
  resource.Properties ??= {}
  return resource.Properties
}

export const rulesOf = (findings: Finding[]) => findings.map((f) => f.rule)

export const findingsOf = (template: Template, rule: string) =>
  doctor(template).filter((finding) => finding.rule === rule)
