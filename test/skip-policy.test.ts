// Issue 13, "honest set-up": a skipped test is never silent; with CI=true it fails the run.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { skipReason, summarise } from './support/skip-reporter.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url))

function runFixture(ci: boolean) {
  const env = { ...process.env, CI: ci ? 'true' : '' }
  const run = spawnSync(
    process.execPath,
    [vitest, 'run', '--config', 'test/fixtures/skip-policy/vitest.config.ts'],
    { cwd: root, env, encoding: 'utf8' },
  )
  return { status: run.status, output: `${run.stdout}${run.stderr}` }
}

describe('the skip policy (issue 13)', () => {
  it('without CI, a run with a skipped test passes and ends saying how many were skipped and why', () => {
    const run = runFixture(false)
    expect(run.status).toBe(0)
    expect(run.output).toContain('1 test(s) skipped:')
    expect(run.output).toContain('1 because the fixture service is not installed')
  })

  it('with CI=true, any skipped test fails the run and is named', () => {
    const run = runFixture(true)
    expect(run.status).toBe(1)
    expect(run.output).toContain('CI=true: 1 skipped test(s) fail the run')
    expect(run.output).toContain('one-skipped.fixture.ts > needs a service this machine lacks')
  })

  it('names the reason: the skip note first, then a missing redis-server, then the code', () => {
    expect(skipReason('no Docker', 'skip', 'test/x.test.ts', 'x')).toBe('no Docker')
    expect(skipReason(undefined, 'todo', 'test/x.test.ts', 'x')).toBe('marked todo')
    expect(skipReason(undefined, 'skip', 'test/x.test.ts', 'x')).toMatch(/skipped in the code/)
  })

  it('lists every skipped test under CI and the first three of each reason otherwise', () => {
    const tests = Array.from({ length: 5 }, (_, i) => ({
      name: `t${i}`,
      file: 'a.test.ts',
      reason: 'redis-server is not on PATH',
    }))
    const local = summarise(tests, false)
    expect(local).toContain('5 because redis-server is not on PATH')
    expect(local).toContain('… and 2 more')
    expect(
      summarise(tests, true)
        .split('\n')
        .filter((l) => l.includes('a.test.ts > ')),
    ).toHaveLength(5)
  })
})
