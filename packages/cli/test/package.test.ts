import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const read = (path: string) =>
  JSON.parse(readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8')) as {
    bin?: Record<string, string>
    files?: string[]
    dependencies?: Record<string, string>
    peerDependencies?: Record<string, string>
  }

describe('@gateproof/cli packaging (issue 13: "the CLI works right after set-up, no weight on the preset")', () => {
  it('the gateproof bin is a file committed in source, so pnpm install links it before any build', () => {
    const manifest = read('../package.json')
    expect(manifest.bin).toEqual({ gateproof: './bin/gateproof.js' })
    const bin = fileURLToPath(new URL('../bin/gateproof.js', import.meta.url))
    expect(existsSync(bin)).toBe(true)
    expect(readFileSync(bin, 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/)
    expect(readFileSync(bin, 'utf8')).toContain("'../dist/main.js'")
    expect(manifest.files).toEqual(expect.arrayContaining(['bin', 'dist']))
  })

  it('@gateproof/testing has no bin any more: one gateproof binary, from @gateproof/cli', () => {
    expect(read('../../testing/package.json').bin).toBeUndefined()
  })

  it('the runtime preset depends on neither the CLI nor what the CLI needs (esbuild, yaml, testing)', () => {
    const preset = read('../../gateproof/package.json')
    const runtime = { ...preset.dependencies, ...preset.peerDependencies }
    for (const name of [
      '@gateproof/cli',
      '@gateproof/testing',
      '@gateproof/observability',
      'esbuild',
      'yaml',
    ]) {
      expect(runtime).not.toHaveProperty(name)
    }
  })
})
