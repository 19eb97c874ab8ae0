import { type CheckResult, printable } from './verdict.js'

function counts(results: CheckResult[]) {
  const findings = results.flatMap((r) => r.findings)
  return {
    checked: results.length,
    failing: results.filter((r) => r.findings.length > 0).length,
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
  }
}

/** The report for people: per front door, per request, what the client sees and why. */
export function formatText(what: string, results: CheckResult[]): string {
  const lines = [`gateproof check ${what}`]
  let door = ''
  for (const result of results) {
    if (result.frontDoor !== door) {
      door = result.frontDoor
      lines.push('', door)
    }
    const mark = result.findings.length === 0 ? '✓' : '✗'
    lines.push(`  ${mark} ${result.probe} (${result.request}): ${result.explanation}`)
    for (const finding of result.findings) {
      const where = finding.path ? ` at ${finding.path}` : ''
      const row = finding.row ? ` [${finding.row}]` : ''
      lines.push(
        `      ${finding.severity} ${finding.rule}${where}: ${printable(finding.message)}${row}`,
      )
    }
    if (!result.confirmed) {
      lines.push('      (this answer rests on an UNCONFIRMED facts row: the best documented guess)')
    }
  }
  const c = counts(results)
  lines.push(
    '',
    c.failing === 0
      ? `${c.checked} checked: every client gets the function's answer, no findings`
      : `${c.checked} checked, ${c.failing} with findings: ${c.errors} error(s), ${c.warnings} warning(s)`,
    '',
  )
  return lines.join('\n')
}

/** The report for CI. */
export function formatJson(what: string, results: CheckResult[]): string {
  const c = counts(results)
  return `${JSON.stringify({ target: what, ok: c.failing === 0, ...c, results }, null, 2)}\n`
}
