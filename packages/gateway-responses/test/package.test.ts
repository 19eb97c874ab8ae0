import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const root = new URL('../', import.meta.url)
const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'))
const sources = readdirSync(new URL('src/', root)).filter((file) => file.endsWith('.ts'))

describe('@gateproof/gateway-responses package', () => {
  it('never loads aws-cdk-lib: users without CDK can import it, CDK users pass their ResponseType', () => {
    const loads = sources.filter((file) =>
      /(?:^|\n)\s*(?:import(?!\s+type\b)[^'"]*from\s*|import\s*\(\s*|require\s*\(\s*)['"](?:aws-cdk-lib|constructs)/.test(
        readFileSync(new URL(`src/${file}`, root), 'utf8'),
      ),
    )
    expect(loads).toEqual([])
  })

  it('declares aws-cdk-lib as an optional peer, not a dependency, and no side effects', () => {
    expect(manifest.dependencies).not.toHaveProperty('aws-cdk-lib')
    expect(manifest.peerDependenciesMeta['aws-cdk-lib']).toEqual({ optional: true })
    expect(manifest.sideEffects).toBe(false)
  })
})
