// A newcomer copies the shell lines of a README as they are. `@gateproof/cli` is a dev dependency
// (or the workspace's), never a global install: a bare `gateproof …` line is "command not found".
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { blocks, documents, ROOT } from '../scripts/snippets.mjs'

describe('README shell lines run as written (issue 13: docs samples are real)', () => {
  it('every gateproof command in a sh block goes through a package runner (npx, pnpm exec)', () => {
    const bare: string[] = []
    for (const doc of documents()) {
      const text = readFileSync(join(ROOT, doc), 'utf8')
      for (const block of blocks(text)) {
        if (!['sh', 'bash', 'shell'].includes(block.language)) continue
        for (const line of block.content.split('\n')) {
          if (/^\s*(?:\$\s+)?gateproof\s/.test(line)) bare.push(`${doc}: ${line.trim()}`)
        }
      }
    }
    expect(bare).toEqual([])
  })
})
