import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const root = new URL('../', import.meta.url)
const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'))
const sources = readdirSync(new URL('src/', root)).filter((file) => file.endsWith('.ts'))
const read = (file: string) => readFileSync(new URL(`src/${file}`, root), 'utf8')
const LOADS_CDK =
  /(?:^|\n)\s*(?:import(?!\s+type\b)[^'"]*from\s*|import\s*\(\s*|require\s*\(\s*)['"](?:aws-cdk-lib|constructs)/

describe('@gateproof/observability package', () => {
  it('loads aws-cdk-lib and constructs only from the /cdk subpath: doctor and the generator work without CDK', () => {
    expect(sources.filter((file) => LOADS_CDK.test(read(file)))).toEqual(['cdk.ts'])
    expect(sources.filter((file) => /from '\.\/cdk\.js'/.test(read(file)))).toEqual([])
  })

  it('exports the /cdk subpath and declares aws-cdk-lib and constructs as optional peers, no side effects', () => {
    expect(manifest.exports['./cdk']).toEqual({
      types: './dist/cdk.d.ts',
      default: './dist/cdk.js',
    })
    expect(manifest.dependencies).not.toHaveProperty('aws-cdk-lib')
    expect(manifest.peerDependenciesMeta).toEqual({
      'aws-cdk-lib': { optional: true },
      constructs: { optional: true },
    })
    expect(manifest.sideEffects).toBe(false)
  })
})
