import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { doctorCommand, type Finding } from '../src/index.js'
import { fixture } from './helpers.js'

function capture() {
  let text = ''
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk)
      done()
    },
  })
  return { stream, text: () => text }
}

async function run(...argv: string[]) {
  const stdout = capture()
  const stderr = capture()
  const code = await doctorCommand.run(argv, {
    stdout: stdout.stream,
    stderr: stderr.stream,
    cwd: fixture('.'),
  })
  return { code, stdout: stdout.text(), stderr: stderr.text() }
}

describe('gateproof doctor (the command)', () => {
  it('meets the CLI command contract: a name, a summary and run(argv, io) → exit code', () => {
    expect(doctorCommand.name).toBe('doctor')
    expect(doctorCommand.summary).toBeTypeOf('string')
  })

  it('exits 0 for a clean template and prints the count line, without colours off a TTY', async () => {
    const { code, stdout } = await run('cloudformation.yaml')
    expect(code).toBe(0)
    expect(stdout).toBe('0 errors, 0 warnings, 0 info\n')
  })

  it('exits 1 on an error finding, and prints findings as JSON with --json', async () => {
    const { code, stdout } = await run('sam-bare.yaml', '--json')
    expect(code).toBe(1)
    const findings = JSON.parse(stdout) as Finding[]
    expect(findings.map((f) => f.rule)).toContain('rest-default-responses')
    expect(findings[0]).toMatchObject({
      severity: 'error',
      facts: expect.any(Array),
      fix: expect.any(String),
    })
  })

  it('--fail-on none never fails; --fail-on warning fails on warnings', async () => {
    expect((await run('sam-bare.yaml', '--fail-on', 'none')).code).toBe(0)
    const warningsOnly = await run(
      'sam-bare.yaml',
      '--disable',
      'rest-default-responses',
      '--fail-on',
      'warning',
    )
    expect(warningsOnly.code).toBe(1)
    expect(warningsOnly.stdout).toMatch(/0 errors, [1-9]\d* warnings?/)
  })

  it('exits 2 with a clear message for a malformed template, a missing file or a bad flag', async () => {
    const malformed = await run('malformed-template.txt')
    expect(malformed).toMatchObject({ code: 2 })
    expect(malformed.stderr).toMatch(
      /^gateproof doctor: .*malformed-template\.txt: not valid JSON or YAML/,
    )
    expect((await run('missing.yaml')).stderr).toMatch(/no such file/)
    expect((await run('cloudformation.yaml', '--fail-on', 'sometimes')).code).toBe(2)
    expect((await run()).code).toBe(2)
  })

  it('--list-rules prints every rule with its facts rows; --help prints the usage', async () => {
    const { stdout } = await run('--list-rules')
    expect(stdout).toContain('rest-throttle-hidden (error) [§2.1 throttled/REST')
    expect((await run('--help')).stdout).toMatch(/^Usage: gateproof doctor/)
  })
})

describe('formatFindings (the default output)', () => {
  it('prints a table per template, colours only when asked (the CLI asks on a TTY)', async () => {
    const { stdout } = await run('sam-bare.yaml')
    expect(stdout).toMatch(
      /sam-bare\.yaml\n {2}SEVERITY RULE +RESOURCE +FACTS\n {2}error {4}rest-default-responses +OrdersApi +§2\.1/,
    )
    expect(stdout).not.toContain('\u001b[')
    const colored = await run('sam-bare.yaml', '--color')
    expect(colored.stdout).toContain('\u001b[31merror')
  })
})
