// The README's rule table is the user's list of what doctor checks: it must render as one table
// (a blank line ends a Markdown table, and the rows after it show as plain text) and name every
// rule of `doctor --list-rules`, in that order, with its severity.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { doctorRules } from '../src/index.js'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

/** The lines of the first Markdown table after `heading`, up to the first line that is not a row. */
function tableAfter(heading: string): string[][] {
  const lines = readme.split('\n')
  const from = lines.indexOf(heading)
  const first = lines.findIndex((line, i) => i > from && line.startsWith('|'))
  const rows: string[][] = []
  for (let i = first; i < lines.length && lines[i]?.startsWith('|'); i++) {
    rows.push(
      (lines[i] as string)
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    )
  }
  return rows
}

describe('the README says what doctor checks (issue 17)', () => {
  it('the Rules section is one table naming every rule of --list-rules, in order, with its severity', () => {
    const [header, , ...rows] = tableAfter('### Rules')
    expect(header).toEqual(['rule', 'severity', 'facts', 'what it finds'])
    expect(rows.map((row) => row[0])).toEqual(doctorRules().map((rule) => `\`${rule.id}\``))
    for (const [index, rule] of doctorRules().entries()) {
      expect(rows[index]?.[1]).toMatch(new RegExp(`^${rule.severity}\\b`))
    }
  })
})
