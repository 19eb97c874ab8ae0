#!/usr/bin/env node
// Cold-start cost: each handler variant of bench/lib/bundles.mjs built as one minified esbuild
// bundle (what a Lambda deployment usually ships) and imported in fresh Node processes,
// interleaved so that other load on the machine hits every variant alike; and the same for each
// package on its own (its whole namespace, its dependencies inside).
// Targets (issue 18): gateproof() imports within 3 ms of Middy + http-error-handler +
// http-errors, its bundle within 30 KB; `proxyShape: false` bundles smaller (tree-shaking).
// Wall-clock figures; bench/instructions.mjs counts the instructions of the same imports.
// Imports the BUILT packages (`pnpm build` first). Writes bench/results/cold-start.{json,md}.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { machine, median, record, table } from './harness.mjs'
import { BASELINE, buildAll, PRESET, root } from './lib/bundles.mjs'

const RUNS = Number(process.env.RUNS ?? 25)
// Wall-clock figures move with other work on the machine: the record says how busy it was.
const loadBefore = loadavg()
  .map((n) => n.toFixed(2))
  .join(', ')

// One sample: a fresh process timing its own `import()` of the bundle, as elapsed time and as
// the process's CPU time (user + system), which waiting for a core other processes hold does
// not inflate: the figure the targets use.
const importMs = (file) => {
  const script = `const c = process.cpuUsage(); const t = performance.now(); await import(${JSON.stringify(file)}); const w = performance.now() - t; const u = process.cpuUsage(c); process.stdout.write(JSON.stringify({ wall: w, cpu: (u.user + u.system) / 1000 }))`
  return JSON.parse(
    String(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root })),
  )
}

/** Median import ms (CPU, and wall in `.wall`) of each bundle, over RUNS interleaved rounds. */
function importTimes(bundles) {
  const samples = Object.fromEntries(Object.keys(bundles).map((name) => [name, []]))
  for (let i = 0; i < RUNS; i += 1) {
    for (const [name, { file }] of Object.entries(bundles)) samples[name].push(importMs(file))
  }
  const pick = (clock) =>
    Object.fromEntries(
      Object.entries(samples).map(([name, s]) => [name, median(s.map((x) => x[clock]))]),
    )
  return Object.assign(pick('cpu'), { wall: pick('wall') })
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`
const ms = (n) => `${n.toFixed(1)} ms`
const signed = (n, unit) => `${n >= 0 ? '+' : ''}${n.toFixed(1)} ${unit}`

const work = mkdtempSync(join(root, 'bench', '.cold-'))
try {
  const { handlers, packages, empty } = await buildAll(work)
  const handlerMs = importTimes({ empty, ...handlers })
  const packageMs = importTimes({ empty, ...packages })
  const base = handlers[BASELINE]
  const addedMs = handlerMs[PRESET] - handlerMs[BASELINE]
  const addedKb = (handlers[PRESET].bytes - base.bytes) / 1024

  const markdown = `# Cold start

## Handlers, one minified bundle each

${table(
  ['handler', 'import (CPU)', 'vs baseline', 'import (wall)', 'bundle', 'vs baseline'],
  Object.entries(handlers).map(([name, { bytes }]) => [
    name,
    ms(handlerMs[name] - handlerMs.empty),
    signed(handlerMs[name] - handlerMs[BASELINE], 'ms'),
    ms(handlerMs.wall[name] - handlerMs.wall.empty),
    kb(bytes),
    signed((bytes - base.bytes) / 1024, 'KB'),
  ]),
)}

\`gateproof()\` adds **${signed(addedMs, 'ms')}** of import time (target ≤ +3 ms) and
**${signed(addedKb, 'KB')}** minified (target ≤ +30 KB) over ${BASELINE}.
\`gateproof({ proxyShape: false })\` bundles ${signed((handlers[PRESET].bytes - handlers['gateproof({ proxyShape: false })'].bytes) / 1024, 'KB')} less than
\`gateproof()\`: a part switched off by an option at run time stays in the bundle, since the bundler
cannot know the option (0 KB here means nothing is tree-shaken). For the same reason
\`gateproof({ streaming: true })\` and \`gateproof()\` ship the same code: \`streaming\` is an option of
the one preset, so every handler that imports \`gateproof\` carries the streaming parts; the
streaming row differs only by what building that handler runs.

## Packages on their own (whole namespace, dependencies inside)

${table(
  ['package', 'import (CPU)', 'import (wall)', 'bundle'],
  Object.entries(packages).map(([name, { bytes }]) => [
    name,
    ms(packageMs[name] - packageMs.empty),
    ms(packageMs.wall[name] - packageMs.wall.empty),
    kb(bytes),
  ]),
)}

Import: median over ${RUNS} interleaved rounds of fresh \`node\` processes each timing
\`await import(bundle)\` in CPU time (user + system; the targets use it) and in elapsed time, minus
the same for an empty module (${ms(handlerMs.empty)} CPU). bench/instructions.md counts the same
imports in instructions. Bundles: esbuild,
minified, ESM, node22, every dependency inside. Node ${process.version}; ${machine().cpu};
load average ${loadBefore} before the run, ${loadavg()
    .map((n) => n.toFixed(2))
    .join(', ')} after.
`
  record(
    'cold-start',
    {
      machine: machine(),
      runs: RUNS,
      importCpuMs: handlerMs,
      bytes: Object.fromEntries(Object.entries(handlers).map(([n, b]) => [n, b.bytes])),
      packageImportCpuMs: packageMs,
      packageBytes: Object.fromEntries(Object.entries(packages).map(([n, b]) => [n, b.bytes])),
      addedMs,
      addedKb,
    },
    markdown,
  )
  console.log(markdown)
} finally {
  rmSync(work, { recursive: true, force: true })
}
