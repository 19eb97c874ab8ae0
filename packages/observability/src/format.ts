import type { Finding, Severity } from './findings.js'

export interface FormatOptions {
  /** ANSI colours; the CLI turns them on only for a TTY. Default false. */
  color?: boolean
}

const COLORS: Record<Severity, string> = { error: '31', warning: '33', info: '36' }

const paint = (text: string, code: string, on: boolean) =>
  on ? `\u001b[${code}m${text}\u001b[0m` : text

/**
 * A readable report: one block per finding (severity, rule, resource, facts, message, fix),
 * grouped by template, then a count line.
 */
export function formatFindings(findings: readonly Finding[], options: FormatOptions = {}): string {
  const color = options.color === true
  const lines: string[] = []
  let template: string | undefined
  for (const finding of findings) {
    if (finding.template !== template) {
      template = finding.template
      lines.push(paint(template, '1', color))
    }
    const severity = paint(finding.severity.padEnd(7), COLORS[finding.severity], color)
    lines.push(`  ${severity} ${finding.rule}  ${finding.resource}  [${finding.facts.join(', ')}]`)
    lines.push(`          ${finding.message}`)
    lines.push(`          fix: ${finding.fix}`)
  }
  lines.push(summaryLine(findings))
  return `${lines.join('\n')}\n`
}

export function summaryLine(findings: readonly Finding[]): string {
  const count = (severity: Severity) => findings.filter((f) => f.severity === severity).length
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
  return `${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${count('info')} info`
}
