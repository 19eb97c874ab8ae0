// The skip policy (issue 13, "honest set-up"): a skipped test is never silent.
// - Locally, the run ends with one line per reason: how many tests were skipped and why
//   (e.g. redis-server is not installed), and how to get them to run.
// - With CI=true, any skipped test fails the run, and the same list says which.
import { spawnSync } from 'node:child_process'
import { relative } from 'node:path'
import type { Reporter, TestModule } from 'vitest/node'

const REDIS_HINT =
  'redis-server is not on PATH (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis; .ci/run installs it)'

const CFN_LINT_HINT = 'cfn-lint is not on PATH (pip install cfn-lint; .ci/run installs it)'

const available = new Map<string, boolean>()
const onPath = (command: string): boolean => {
  let found = available.get(command)
  if (found === undefined) {
    found = spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0
    available.set(command, found)
  }
  return found
}

export interface Skipped {
  name: string
  file: string
  reason: string
}

/** Why a test was skipped: its `ctx.skip(note)`, a missing redis-server or cfn-lint, or a skip in the code. */
export function skipReason(
  note: string | undefined,
  mode: string,
  file: string,
  name: string,
): string {
  if (note) return note
  if (/redis/i.test(`${file} ${name}`) && !onPath('redis-server')) return REDIS_HINT
  if (/cfn-lint/i.test(name) && !onPath('cfn-lint')) return CFN_LINT_HINT
  if (mode === 'todo') return 'marked todo'
  return 'skipped in the code (.skip, .skipIf or .only elsewhere)'
}

export function summarise(skipped: readonly Skipped[], ci: boolean): string {
  const byReason = new Map<string, Skipped[]>()
  for (const test of skipped) {
    byReason.set(test.reason, [...(byReason.get(test.reason) ?? []), test])
  }
  const lines = [
    ci
      ? `CI=true: ${skipped.length} skipped test(s) fail the run (every test must run in CI):`
      : `${skipped.length} test(s) skipped:`,
  ]
  for (const [reason, tests] of byReason) {
    lines.push(`  ${tests.length} because ${reason}`)
    const shown = ci ? tests : tests.slice(0, 3)
    for (const test of shown) lines.push(`    - ${test.file} > ${test.name}`)
    if (shown.length < tests.length) lines.push(`    … and ${tests.length - shown.length} more`)
  }
  return lines.join('\n')
}

export default class SkipReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const skipped: Skipped[] = []
    for (const module of testModules) {
      const file = relative(process.cwd(), module.moduleId)
      for (const test of module.children.allTests()) {
        const result = test.result()
        if (result.state !== 'skipped') continue
        skipped.push({
          name: test.fullName,
          file,
          reason: skipReason(result.note, test.options.mode, file, test.fullName),
        })
      }
    }
    if (skipped.length === 0) return
    const ci = process.env.CI === 'true' || process.env.CI === '1'
    process.stderr.write(`\n${summarise(skipped, ci)}\n`)
    if (ci) process.exitCode = 1
  }
}
