import type { Finding, Severity } from './findings.js'

export interface FormatOptions {
  /** ANSI colours; the CLI turns them on only for a TTY. Default false. */
  color?: boolean
}

const COLORS: Record<Severity, string> = { error: '31', warning: '33', info: '36' }

const paint = (text: string, code: string, on: boolean) =>
  on ? `\u001b[${code}m${text}\u001b[0m` : text

/**
 * A readable table, one per template: severity, rule, resource and facts rows aligned in
 * columns, the message and the fix indented under each row; then a count line.
 */
export function formatFindings(findings: readonly Finding[], options: FormatOptions = {}): string {
  const color = options.color === true
  const lines: string[] = []
  const byTemplate = new Map<string, Finding[]>()
  for (const finding of findings) {
    byTemplate.set(finding.template, [...(byTemplate.get(finding.template) ?? []), finding])
  }
  for (const [template, group] of byTemplate) {
    const width = (pick: (f: Finding) => string, title: string) =>
      Math.max(title.length, ...group.map((f) => pick(f).length))
    const ruleWidth = width((f) => f.rule, 'RULE')
    const resourceWidth = width((f) => f.resource, 'RESOURCE')
    lines.push(paint(template, '1', color))
    lines.push(
      `  ${'SEVERITY'.padEnd(8)} ${'RULE'.padEnd(ruleWidth)}  ${'RESOURCE'.padEnd(resourceWidth)}  FACTS`,
    )
    for (const finding of group) {
      const severity = paint(finding.severity.padEnd(8), COLORS[finding.severity], color)
      lines.push(
        `  ${severity} ${finding.rule.padEnd(ruleWidth)}  ${finding.resource.padEnd(resourceWidth)}  ${finding.facts.join(', ')}`,
      )
      lines.push(`           ${finding.message}`)
      lines.push(`           fix: ${finding.fix}`)
    }
  }
  lines.push(summaryLine(findings))
  return `${lines.join('\n')}\n`
}

export function summaryLine(findings: readonly Finding[]): string {
  const count = (severity: Severity) => findings.filter((f) => f.severity === severity).length
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
  return `${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${count('info')} info`
}
