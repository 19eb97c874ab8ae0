import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const packagesDir = fileURLToPath(new URL('./packages/', import.meta.url))

// Tests run against the TypeScript sources, so a change is tested without a build.
const alias = readdirSync(packagesDir).map((dir) => ({
  find: dir === 'gateproof' ? /^gateproof$/ : new RegExp(`^@gateproof/${dir}$`),
  replacement: `${packagesDir}${dir}/src/index.ts`,
}))
// Subpath exports, also from source.
alias.push({
  find: /^@gateproof\/observability\/cdk$/,
  replacement: `${packagesDir}observability/src/cdk.ts`,
})

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // The skip policy: skipped tests are listed with their reason; with CI=true they fail the run.
    reporters: ['default', './test/support/skip-reporter.ts'],
  },
})
