import type { Finding } from './findings.js'
import { severityRank } from './findings.js'
import { buildModel } from './model.js'
import { type DoctorOptions, RULES, type Rule } from './rules.js'
import type { Template } from './template.js'

const KNOWN_OPTIONS = new Set(['sheddingLimits', 'disable'])

function validate(options: DoctorOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('doctor: options must be an object')
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) throw new TypeError(`doctor: unknown option "${key}"`)
  }
  for (const id of options.disable ?? []) {
    if (!RULES.some((rule) => rule.id === id)) {
      throw new TypeError(`doctor: option "disable" names an unknown rule "${id}"`)
    }
  }
  for (const [fn, limit] of Object.entries(options.sheddingLimits ?? {})) {
    if (!Number.isInteger(limit) || limit < 0) {
      throw new TypeError(`doctor: sheddingLimits.${fn} must be a non-negative integer`)
    }
  }
}

/**
 * Checks a template against the failure modes in gateway-facts §2, §3, §5 and §12: every
 * finding names its rule, the facts rows it rests on, the resource and the fix. Findings are
 * sorted by severity, then rule, then resource, so output is stable.
 */
export function doctor(template: Template, options: DoctorOptions = {}): Finding[] {
  validate(options)
  const model = buildModel(template)
  const disabled = new Set(options.disable ?? [])
  const findings: Finding[] = []
  for (const rule of RULES as readonly Rule[]) {
    if (disabled.has(rule.id)) continue
    for (const result of rule.check(model, options)) {
      findings.push({
        rule: rule.id,
        severity: result.severity ?? rule.severity,
        resource: result.resource,
        message: result.message,
        fix: result.fix,
        facts: rule.facts,
        template: template.source,
      })
    }
  }
  return findings.sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      a.rule.localeCompare(b.rule) ||
      a.resource.localeCompare(b.resource),
  )
}

/** The rules doctor knows, in the order it runs them. */
export const doctorRules = (): ReadonlyArray<Pick<Rule, 'id' | 'severity' | 'summary' | 'facts'>> =>
  RULES.map(({ id, severity, summary, facts }) => ({ id, severity, summary, facts }))
