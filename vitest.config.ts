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

// @middy/validator/transpile pulls in @silverbucket/ajv-formats-draft2019, which imports Node's
// deprecated `punycode` built-in (a DEP0040 warning in every run that loads it). Vitest transforms
// that one package so its `punycode` import resolves to the userland package of the same API.
alias.push({ find: /^punycode$/, replacement: 'punycode/punycode.es6.js' })

export default defineConfig({
  resolve: { alias },
  test: {
    server: { deps: { inline: ['@middy/validator', '@silverbucket/ajv-formats-draft2019'] } },
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    testTimeout: 20_000,
    // Quiet output: console lines of a passing test (the error mapper's 5xx line, proxy-shape's
    // unhandled-error line…) are dropped; a failing test still shows everything it printed.
    silent: 'passed-only',
    hookTimeout: 30_000,
    // The skip policy: skipped tests are listed with their reason; with CI=true they fail the run.
    reporters: ['default', './test/support/skip-reporter.ts'],
  },
})
