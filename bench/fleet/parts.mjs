// The gateproof packages the simulation runs: the built dist (after `pnpm build`), or the
// TypeScript sources bundled by esbuild (`--from-source`, or when a dist is missing).
import { existsSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))
const DIST = ['gateproof', 'redis-limiter', 'testing']

export async function resolveParts({ fromSource = false } = {}) {
  const built = DIST.every((pkg) => existsSync(`${root}packages/${pkg}/dist/index.js`))
  if (built && !fromSource) {
    return { path: new URL('./parts-dist.mjs', import.meta.url).href, source: 'dist' }
  }
  const { build } = await import('esbuild')
  const dir = `${root}node_modules/.cache/gateproof-fleet`
  mkdirSync(dir, { recursive: true })
  const outfile = `${dir}/parts.mjs`
  await build({
    stdin: {
      contents: [
        "export { gateproof } from 'gateproof'",
        "export { redisLimiter } from '@gateproof/redis-limiter'",
        "export { simulateGateway } from '@gateproof/testing'",
      ].join('\n'),
      resolveDir: root,
      loader: 'ts',
      sourcefile: 'fleet-parts.ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    tsconfig: `${root}tsconfig.json`,
    // Third-party packages stay imports, resolved from the repository's node_modules.
    packages: 'external',
    outfile,
    logLevel: 'warning',
  })
  return { path: new URL(`file://${outfile}`).href, source: 'sources (esbuild bundle)' }
}
