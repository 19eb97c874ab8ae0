// Issue 13, "the facts live in the project": docs/gateway-facts.md is where every fact the code relies on is
// written down, and every citation of it — a Markdown link, a row id in a test name or comment (`R17`, `H2-3`,
// `AZ9`, `F-throttle`), a section (`§2.1`) — must point at something that is there.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { FACT_ROWS } from '@gateproof/testing'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const FACTS = join(ROOT, 'docs/gateway-facts.md')
const facts = readFileSync(FACTS, 'utf8')
// This file names rows the page lacks on purpose (the last test).
const SELF = fileURLToPath(import.meta.url)

/** Row ids as the code cites them. Ids the facts page does not have fail the test below. */
const ROW_ID =
  /\b(?:R-format|R\d{1,2}|H[12]-\d{1,2}|A\d|U\d|AZ\d{1,2}|ST\d{1,2}|IT\d|MI\d|(?:F|HDR|BODY|Q|GR)-[a-z][a-z0-9]*(?:-[a-z0-9]+)*)\b/g
const SECTION = /§(\d{1,2})(?:\.(\d{1,2}))?/g

/** The ids in the first cell of the facts page's table rows. */
function rowIds(markdown: string): Set<string> {
  const ids = new Set<string>()
  for (const line of markdown.split('\n')) {
    const cell = /^\|\s*([A-Za-z0-9-]+)\s*\|/.exec(line)?.[1]
    if (cell && /\d|-/.test(cell) && !/^-+$/.test(cell)) ids.add(cell)
  }
  return ids
}

/** `1`, `1.1`, … for every numbered heading of the facts page. */
function sections(markdown: string): Set<string> {
  const found = new Set<string>()
  for (const match of markdown.matchAll(/^#{2,3} (\d{1,2})(?:\.(\d{1,2}))?[ .]/gm)) {
    found.add(match[2] ? `${match[1]}.${match[2]}` : (match[1] as string))
  }
  return found
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  const found = new Set<string>()
  for (const match of markdown.matchAll(/^#{1,6} (.+)$/gm)) {
    found.add(
      (match[1] as string)
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-'),
    )
  }
  return found
}

const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', 'cdk.out', 'results', '.changeset'])

/** Source, tests and docs that may cite the facts (not the facts page itself). */
function citingFiles(dir = ROOT): string[] {
  const files: string[] = []
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name) || name.startsWith('.')) continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) files.push(...citingFiles(path))
    else if (
      /\.(ts|mts|mjs|js|md)$/.test(name) &&
      path !== FACTS &&
      path !== SELF &&
      !name.endsWith('.d.ts')
    ) {
      files.push(path)
    }
  }
  return files
}

/** Markdown outside fenced code blocks. */
const prose = (markdown: string): string =>
  markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1\s*$/gm, '')

const ids = rowIds(facts)
const numbered = sections(facts)
const files = citingFiles()

describe('docs/gateway-facts.md (issue 13)', () => {
  it('has every section §1–§12 and keeps evidence levels and UNCONFIRMED marks', () => {
    for (let n = 0; n <= 12; n++) expect(numbered, `§${n}`).toContain(String(n))
    for (const level of ['DOC', 'VAL', 'EMU', 'COMM', 'SRC', 'UNCONFIRMED']) {
      expect(facts).toContain(`**${level}**`)
    }
    expect(facts.match(/UNCONFIRMED/g)?.length).toBeGreaterThan(50)
  })

  it('has a row for every fact the gateway simulator encodes (FACT_ROWS)', () => {
    const missing = Object.keys(FACT_ROWS).filter((id) => id !== 'unconfirmed' && !ids.has(id))
    expect(missing).toEqual([])
  })

  it('gives each simulator row the evidence level the simulator assumes (UNCONFIRMED stays UNCONFIRMED)', () => {
    const lines = facts.split('\n')
    const mismatched: string[] = []
    for (const [id, level] of Object.entries(FACT_ROWS)) {
      if (id === 'unconfirmed') continue
      const row = lines.find((line) => new RegExp(`^\\|\\s*${id}\\s*\\|`).test(line))
      if (!row?.includes(level)) mismatched.push(`${id}: simulator says ${level}`)
    }
    expect(mismatched).toEqual([])
  })

  it('has every row id that code, tests and docs cite (R6, H2-3, AZ9, ST12, F-throttle …)', () => {
    const missing: string[] = []
    for (const file of files) {
      const text = readFileSync(file, 'utf8')
      for (const [id] of text.matchAll(ROW_ID)) {
        if (!ids.has(id)) missing.push(`${relative(ROOT, file)}: ${id}`)
      }
    }
    expect(missing).toEqual([])
  })

  it('has every section that code, tests and docs cite (§2.1, §10.2 …)', () => {
    const missing: string[] = []
    for (const file of files) {
      const text = readFileSync(file, 'utf8')
      for (const match of text.matchAll(SECTION)) {
        // `RFC 9110 §5.5` cites another document.
        if (/RFC \d+ $/.test(text.slice(Math.max(0, match.index - 12), match.index))) continue
        const section = match[2] ? `${match[1]}.${match[2]}` : (match[1] as string)
        if (!numbered.has(section)) missing.push(`${relative(ROOT, file)}: §${section}`)
      }
    }
    expect(missing).toEqual([])
  })

  it('every mention of gateway-facts.md in a Markdown file is a link that resolves', () => {
    const problems: string[] = []
    for (const file of files.filter((f) => f.endsWith('.md'))) {
      const text = prose(readFileSync(file, 'utf8'))
      for (const line of text.split('\n')) {
        if (!line.includes('gateway-facts')) continue
        for (const [link, target] of line.matchAll(
          /\[[^\]]*\]\(([^)\s]*gateway-facts\.md[^)\s]*)\)/g,
        )) {
          const [path, anchor] = (target as string).split('#')
          const resolved = resolve(dirname(file), path as string)
          if (resolved !== FACTS)
            problems.push(`${relative(ROOT, file)}: ${link} does not reach docs/gateway-facts.md`)
          else if (anchor && !anchors(facts).has(anchor)) {
            problems.push(`${relative(ROOT, file)}: ${link} names no heading of the facts page`)
          }
        }
        const unlinked = line.replace(/\[[^\]]*\]\([^)]*\)/g, '')
        if (unlinked.includes('gateway-facts.md')) {
          problems.push(
            `${relative(ROOT, file)}: "${line.trim()}" names gateway-facts.md without linking it`,
          )
        }
      }
    }
    expect(problems).toEqual([])
  })

  it('recognises a citation of a row the page lacks (the checks above can fail)', () => {
    expect([...'see R99 and AZ77, §13'.matchAll(ROW_ID)].map(([id]) => id)).toEqual(['R99', 'AZ77'])
    expect(ids.has('R99')).toBe(false)
    expect(numbered.has('13')).toBe(false)
  })
})
