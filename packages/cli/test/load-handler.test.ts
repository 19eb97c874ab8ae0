// <module>#<export> as a user types it: the export is what follows the last '#', unless that is a
// path — a directory or file name may hold a '#' too ("we#b/handler.mjs" is a module, not "we").
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { parseTarget } from '../src/load-handler.js'

const bin = fileURLToPath(new URL('../bin/gateproof.js', import.meta.url))

describe('<module>#<export> (issue 13: serve and check take a handler as the runtime names it)', () => {
  it('the export follows the last #, handler when there is none', () => {
    expect(parseTarget('./dist/handler.js#main')).toEqual({
      modulePath: './dist/handler.js',
      exportName: 'main',
    })
    expect(parseTarget('src/handler.ts')).toEqual({
      modulePath: 'src/handler.ts',
      exportName: 'handler',
    })
    expect(parseTarget('we#b/handler.mjs#main')).toEqual({
      modulePath: 'we#b/handler.mjs',
      exportName: 'main',
    })
  })

  it('a # in a directory or file name without an export is part of the path, not an export', () => {
    expect(parseTarget('we#b/handler.mjs')).toEqual({
      modulePath: 'we#b/handler.mjs',
      exportName: 'handler',
    })
    expect(parseTarget('build#2/handler.js')).toEqual({
      modulePath: 'build#2/handler.js',
      exportName: 'handler',
    })
  })

  const root = mkdtempSync(join(tmpdir(), 'gateproof-target-'))
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('gateproof check loads a module in a directory whose name holds # and a space (the built CLI, as a user runs it)', async () => {
    mkdirSync(join(root, 'we#b dir'))
    writeFileSync(
      join(root, 'we#b dir', 'h.mjs'),
      'export const handler = async () => ({ statusCode: 200, body: "ok" })\n',
    )
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [bin, 'check', 'we#b dir/h.mjs', '--integration', 'rest', '--json'],
      { cwd: root },
    )
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, checked: 4 })
  }, 30_000)
})
