#!/usr/bin/env node
// `pnpm bench`: runs every benchmark in turn (after the build the script runs first) and
// rewrites bench/results/. Each benchmark is its own process so none warms another's JIT.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const dir = fileURLToPath(new URL('.', import.meta.url))
const benches = readdirSync(dir)
  .filter((file) => file.endsWith('.mjs') && !['run.mjs', 'harness.mjs'].includes(file))
  .map((file) => `${dir}${file}`)
if (existsSync(`${dir}fleet/run.mjs`)) benches.push(`${dir}fleet/run.mjs`)

for (const bench of benches) {
  console.log(`\n=== ${bench.slice(dir.length)} ===`)
  execFileSync(process.execPath, [bench], { stdio: 'inherit' })
}
