#!/usr/bin/env node
// Cold-start cost of the preset:
//   - ESM import time of `gateproof` in a fresh Node process, beside the baseline a handler
//     on Middy + http-error-handler + Powertools Metrics and Logger imports anyway;
//   - the esbuild-bundled, minified size of a handler on the full preset and of the same
//     handler on the baseline, with Middy and Powertools bundled in and left external.
// Targets (issue 8): the preset adds < 5 ms import time and < 15 KB minified over the baseline.
// Imports the BUILT packages (`pnpm build` first). Writes bench/results/cold-start.{json,md}.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { machine, median, record, table } from './harness.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const RUNS = Number(process.env.RUNS ?? 15)

const BASELINE = `
import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import middy from '@middy/core'
import httpErrorHandler from '@middy/http-error-handler'
const metrics = new Metrics({ namespace: 'orders' })
const logger = new Logger({ serviceName: 'orders' })
export const handler = middy(async () => ({ statusCode: 200, body: 'ok' })).use(httpErrorHandler())
`
const PRESET = `
import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import { gateproof } from 'gateproof'
const metrics = new Metrics({ namespace: 'orders' })
const logger = new Logger({ serviceName: 'orders' })
export const handler = gateproof(async () => ({ statusCode: 200, body: 'ok' }), { metrics, logger })
`

const work = mkdtempSync(join(root, 'bench', '.cold-'))
try {
  const files = {}
  for (const [name, source] of Object.entries({ baseline: BASELINE, preset: PRESET })) {
    files[name] = join(work, `${name}.mjs`)
    writeFileSync(files[name], source)
  }

  // Each sample is a fresh process timing its own `import()` of the handler module.
  const importMs = (file) => {
    const script = `const t = performance.now(); await import(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - t))`
    const samples = []
    for (let i = 0; i < RUNS; i += 1) {
      samples.push(
        Number(
          execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root }),
        ),
      )
    }
    return median(samples)
  }
  // Interleave so background load hits both alike.
  const imports = { baseline: [], preset: [] }
  for (let i = 0; i < 3; i += 1) {
    imports.baseline.push(importMs(files.baseline))
    imports.preset.push(importMs(files.preset))
  }
  const importTime = { baseline: median(imports.baseline), preset: median(imports.preset) }

  const EXTERNAL = ['@middy/*', '@aws-lambda-powertools/*']
  const size = async (file, external) => {
    const result = await build({
      entryPoints: [file],
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'node',
      target: 'node22',
      write: false,
      external,
      nodePaths: [join(root, 'node_modules')],
      absWorkingDir: root,
    })
    return result.outputFiles[0].contents.byteLength
  }
  const sizes = {}
  for (const name of ['baseline', 'preset']) {
    sizes[name] = {
      bundled: await size(files[name], []),
      external: await size(files[name], EXTERNAL),
    }
  }

  // What a Lambda deployment usually ships: one minified bundle per handler.
  const bundles = {}
  for (const name of ['baseline', 'preset']) {
    bundles[name] = join(work, `${name}.bundle.mjs`)
    await build({
      entryPoints: [files[name]],
      outfile: bundles[name],
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'node',
      target: 'node22',
      nodePaths: [join(root, 'node_modules')],
      absWorkingDir: root,
      // Bundled CommonJS dependencies (http-errors) call require() for Node builtins.
      banner: {
        js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
    })
  }
  const bundledImports = { baseline: [], preset: [] }
  for (let i = 0; i < 3; i += 1) {
    bundledImports.baseline.push(importMs(bundles.baseline))
    bundledImports.preset.push(importMs(bundles.preset))
  }
  const bundledImportTime = {
    baseline: median(bundledImports.baseline),
    preset: median(bundledImports.preset),
  }

  const addedMs = importTime.preset - importTime.baseline
  const addedBundledMs = bundledImportTime.preset - bundledImportTime.baseline
  const addedKb = (sizes.preset.bundled - sizes.baseline.bundled) / 1024
  const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`
  const markdown = `# Cold start

${table(
  [
    'handler',
    'import, node_modules',
    'import, one bundle',
    'bundle, all in',
    'bundle, Middy + Powertools external',
  ],
  [
    [
      'Middy + http-error-handler + Powertools',
      `${importTime.baseline.toFixed(1)} ms`,
      `${bundledImportTime.baseline.toFixed(1)} ms`,
      kb(sizes.baseline.bundled),
      kb(sizes.baseline.external),
    ],
    [
      'gateproof() + Powertools',
      `${importTime.preset.toFixed(1)} ms`,
      `${bundledImportTime.preset.toFixed(1)} ms`,
      kb(sizes.preset.bundled),
      kb(sizes.preset.external),
    ],
  ],
)}

The preset adds **${addedBundledMs.toFixed(1)} ms** of import time as a bundle (${addedMs.toFixed(1)} ms as
unbundled ESM from node_modules; target < 5 ms) and **${addedKb.toFixed(1)} KB**
minified (target < 15 KB). Import time: median over 3 × ${RUNS} fresh \`node\` processes each timing
\`await import(handler)\`, of the unbundled ESM in node_modules and of one minified esbuild bundle
(Middy and Powertools inside); sizes: esbuild, minified, ESM, node22.
Node ${process.version}; ${machine().cpu}.
`
  record(
    'cold-start',
    {
      machine: machine(),
      runs: RUNS,
      importMs: importTime,
      bundledImportMs: bundledImportTime,
      bytes: sizes,
      addedMs,
      addedBundledMs,
      addedKb,
    },
    markdown,
  )
  console.log(markdown)
} finally {
  rmSync(work, { recursive: true, force: true })
}
