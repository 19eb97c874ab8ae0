import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { main } from '../src/main.js'
import { memoryIo } from './helpers.js'

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))

describe('gateproof doctor, registered by @gateproof/observability (issue 17)', () => {
  it('gateproof doctor examples/rest-api/template.yaml checks the example and exits by its findings', async () => {
    const io = { ...memoryIo(), cwd: repoRoot }
    const code = await main(['doctor', 'examples/rest-api/template.yaml', '--json'], io)
    const findings = JSON.parse(io.out()) as Array<{ rule: string; severity: string }>
    expect(code).toBe(findings.some((f) => f.severity === 'error') ? 1 : 0)
    expect(findings.filter((f) => f.severity === 'error')).toEqual([])
    expect(io.err()).toBe('')
  })

  it('gateproof doctor --help names the CDK app it takes (cdk.json), as serve and check do', async () => {
    const io = { ...memoryIo(), cwd: repoRoot }
    expect(await main(['doctor', '--help'], io)).toBe(0)
    expect(io.out()).toMatch(
      /^Usage: gateproof doctor <template\|cdk\.out\|cdk\.json>\.\.\. \[options\]/,
    )
    expect(io.out()).toContain('synthesized first')
    expect(io.out()).toContain('--shedding-limit')
  })

  it('a CDK app that fails to synthesize is a failure, exit 1, as serve and check have it (the README’s exit codes)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gateproof-cdk-broken-'))
    try {
      writeFileSync(join(dir, 'cdk.json'), JSON.stringify({ app: 'npx tsx app.ts' }))
      writeFileSync(join(dir, 'app.ts'), "throw new Error('no account configured')\n")
      const io = { ...memoryIo(), cwd: dir }
      expect(await main(['doctor', 'cdk.json'], io)).toBe(1)
      expect(io.err()).toContain('no account configured')
      const checked = { ...memoryIo(), cwd: dir }
      expect(await main(['check', '--template', 'cdk.json'], checked)).toBe(1)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('gateproof doctor on a file that is not there exits 2 with the path named', async () => {
    const io = { ...memoryIo(), cwd: repoRoot }
    expect(await main(['doctor', 'examples/nope/template.yaml'], io)).toBe(2)
    expect(io.err()).toMatch(/examples\/nope\/template\.yaml: no such file/)
  })

  it('gateproof doctor takes a CDK app as serve and check do: cdk.json is synthesized (TypeScript), then checked', async () => {
    const io = { ...memoryIo(), cwd: repoRoot }
    const code = await main(
      ['doctor', 'examples/cdk-gateway-responses/cdk.json', '--json', '--fail-on', 'none'],
      io,
    )
    expect(io.err()).toBe('')
    expect(code).toBe(0)
    // This app ships gateproof's gateway responses: nothing to find.
    expect(JSON.parse(io.out())).toEqual([])
  }, 60_000)

  it('…and finds what is wrong in one: a CDK app whose REST API lacks the gateway responses (exit 1)', async () => {
    const io = { ...memoryIo(), cwd: repoRoot }
    const code = await main(['doctor', 'packages/cli/test/fixtures/cdk-bare-api', '--json'], io)
    expect(io.err()).toBe('')
    const findings = JSON.parse(io.out()) as Array<{ rule: string }>
    expect(findings.map((f) => f.rule)).toContain('rest-default-responses')
    expect(code).toBe(1)
  }, 60_000)
})
