// Issue 17, "done when": gateproof doctor reports no errors for the examples, and every finding that is
// left is intended and says why here. A new example's template is checked by being there.
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { doctor, loadTemplate } from '@gateproof/observability'
import { describe, expect, it } from 'vitest'

const EXAMPLES = join(import.meta.dirname, '..', 'examples')

/** Findings an example keeps on purpose: `rule resource` → why. */
const INTENDED: Record<string, Record<string, string>> = {
  authorizer: {
    'authorizer-cache OrdersRestApi.TokenAuthorizer':
      'the example shows a cached TOKEN authorizer whose allow() widens the policy to the stage (AZ25)',
  },
}

const templates = readdirSync(EXAMPLES).filter((name) =>
  existsSync(join(EXAMPLES, name, 'template.yaml')),
)

describe('gateproof doctor over every examples/*/template.yaml (issue 17)', () => {
  it('finds the templates', () => {
    expect(templates).toContain('rest-api')
  })

  it.each(templates)(
    'examples/%s/template.yaml: no finding but the intended ones',
    async (name) => {
      const findings = doctor(await loadTemplate(join(EXAMPLES, name, 'template.yaml')))
      const unintended = findings.filter(
        (f) => INTENDED[name]?.[`${f.rule} ${f.resource}`] === undefined,
      )
      expect(unintended.map((f) => `${f.severity} ${f.rule} ${f.resource}: ${f.message}`)).toEqual(
        [],
      )
    },
  )
})
