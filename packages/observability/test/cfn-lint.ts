import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Whether cfn-lint is installed; tests that need it say so when it is not, instead of passing. */
export const cfnLintAvailable = spawnSync('cfn-lint', ['--version']).status === 0
export const CFN_LINT_MISSING =
  'cfn-lint is not installed (pip install cfn-lint): cfn-lint tests skipped'
if (!cfnLintAvailable) console.warn(CFN_LINT_MISSING)

/** Runs cfn-lint on a template object; resolves to its output, empty when it found nothing. */
export function cfnLint(template: unknown, ignoreChecks: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'gateproof-cfn-lint-'))
  const path = join(dir, 'template.json')
  writeFileSync(path, JSON.stringify(template, null, 2))
  try {
    const ignore = ignoreChecks.length > 0 ? ['--ignore-checks', ...ignoreChecks] : []
    execFileSync('cfn-lint', ['--format', 'parseable', ...ignore, '--', path], { encoding: 'utf8' })
    return ''
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string }
    return `${stdout ?? ''}${stderr ?? ''}` || String(error)
  }
}

const SAM_TRANSLATE = fileURLToPath(new URL('./sam-translate.py', import.meta.url))

/** SAM's own translation of a SAM template (long-form intrinsics) to CloudFormation. */
export function samTranslate(template: unknown): unknown {
  const dir = mkdtempSync(join(tmpdir(), 'gateproof-sam-'))
  const path = join(dir, 'template.json')
  writeFileSync(path, JSON.stringify(template))
  return JSON.parse(execFileSync('python3', [SAM_TRANSLATE, path], { encoding: 'utf8' }))
}
