#!/usr/bin/env node
// Instruction counts (valgrind callgrind, `Ir`) for the warm path and for import: unlike
// wall-clock time they do not move with other load on the machine, so they show what a
// change saves even on a busy shared CPU.
//   - warm: instructions per invocation of each variant of bench/lib/variants.mjs, as
//     (Ir of WARMUP + CALLS invocations − Ir of WARMUP invocations) / CALLS, each run a fresh
//     `node` with NODE_FLAGS below (deterministic JIT and GC schedule);
//   - import: Ir of importing each bundle of bench/lib/bundles.mjs, minus an empty module.
// Needs `valgrind` (apt-get install valgrind). Slow (each run ~5–60 s under valgrind):
//   ONLY=warm|import   VARIANTS='gateproof(),Middy + http-error-handler'   CALLS=4000 WARMUP=4000
//   PATHS=success   HANDLERS='gateproof()'   PACKAGES='gateproof,@gateproof/core'   ALL=1 (all)
// Imports the BUILT packages (`pnpm build` first). Writes bench/results/instructions.{json,md}.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { machine, record, table } from './harness.mjs'
import * as bundles from './lib/bundles.mjs'
import { CALLGRIND_NODE_FLAGS } from './lib/callgrind.mjs'
import { BASELINE, PRESET, VARIANTS, WORK } from './lib/variants.mjs'

const worker = fileURLToPath(new URL('./lib/count-worker.mjs', import.meta.url))
const WARMUP = Number(process.env.WARMUP ?? 12000)
const CALLS = Number(process.env.CALLS ?? 8000)
const ONLY = process.env.ONLY
const selected = process.env.VARIANTS?.split(',').map((name) => name.trim())
const HAND_WRITTEN = 'Middy + hand-written Powertools onError'

try {
  execFileSync('valgrind', ['--version'])
} catch {
  console.log('instructions: valgrind is not installed (apt-get install valgrind); skipped')
  process.exit(0)
}

const NODE_FLAGS = CALLGRIND_NODE_FLAGS

/** Instructions executed by `node <args>` from start to exit. */
function instructions(args) {
  // valgrind reports on stderr; the worker's own output is of no interest.
  const { stderr: out, status } = spawnSync(
    'valgrind',
    [
      '--tool=callgrind',
      '--callgrind-out-file=/dev/null',
      process.execPath,
      ...NODE_FLAGS,
      worker,
      ...args,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 },
  )
  if (status !== 0) throw new Error(`node ${args.join(' ')} failed under valgrind:\n${out}`)
  const match = /Collected : (\d+)/.exec(out)
  if (!match) throw new Error(`no instruction count in:\n${out}`)
  return Number(match[1])
}

const result = { machine: machine(), warmup: WARMUP, calls: CALLS, warm: {}, imports: {} }
const sections = []
const fmt = (n) => Math.round(n).toLocaleString('en-US')

// The figures the targets compare, unless VARIANTS names others (then on both paths): each
// costs two valgrind runs of minutes, so the default set is small. ALL=1 measures everything.
const DEFAULT_WARM = [
  ['success', BASELINE],
  ['success', PRESET],
  ['error', PRESET],
  ['error', HAND_WRITTEN],
]
const ALL = process.env.ALL === '1'
const warmSet = ALL
  ? Object.keys(WORK).flatMap((path) => Object.keys(VARIANTS).map((name) => [path, name]))
  : selected
    ? (process.env.PATHS?.split(',') ?? Object.keys(WORK)).flatMap((path) =>
        selected.map((name) => [path, name]),
      )
    : DEFAULT_WARM

if (ONLY !== 'import') {
  result.warm = { success: {}, error: {} }
  for (const [path, name] of warmSet) {
    const before = instructions(['warm', name, path, String(WARMUP)])
    const after = instructions(['warm', name, path, String(WARMUP + CALLS)])
    result.warm[path][name] = (after - before) / CALLS
    console.log(`warm ${path} ${name}: ${fmt(result.warm[path][name])} Ir/call`)
  }
  const { success, error } = result.warm
  const ratio = (a, b, path) => (path[a] !== undefined && path[b] ? path[a] / path[b] : undefined)
  result.presetOverBaseline = ratio(PRESET, BASELINE, success)
  result.presetErrorOverHandWritten = ratio(PRESET, HAND_WRITTEN, error)
  const names = [...new Set(warmSet.map(([, name]) => name))]
  const cell = (value) => (value === undefined ? '–' : fmt(value))
  sections.push(`## Warm path, instructions per invocation

${table(
  ['variant', 'success', 'vs baseline', 'error'],
  names.map((name) => [
    name,
    cell(success[name]),
    success[name] !== undefined && success[BASELINE]
      ? `${(success[name] / success[BASELINE]).toFixed(2)}×`
      : '–',
    cell(error[name]),
  ]),
)}

${PRESET} success / ${BASELINE}: **${result.presetOverBaseline?.toFixed(2) ?? '–'}×** (target ≤ 1.25×);
${PRESET} error / ${HAND_WRITTEN}: **${result.presetErrorOverHandWritten?.toFixed(2) ?? '–'}×** (target ≤ 1×).
(Ir of ${WARMUP} + ${CALLS} invocations − Ir of ${WARMUP}) / ${CALLS}, the same work as bench/overhead.mjs.
Differences of two runs also catch one-off work (a JIT compilation, a major GC) that lands between
them: read a few hundred instructions either way as noise.`)
}

if (ONLY !== 'warm') {
  const work = mkdtempSync(join(bundles.root, 'bench', '.ir-'))
  try {
    const { handlers, packages, empty } = await bundles.buildAll(work)
    const floor = instructions(['import', empty.file])
    const count = (group) =>
      Object.fromEntries(
        Object.entries(group).map(([name, { file }]) => {
          const ir = instructions(['import', file]) - floor
          console.log(`import ${name}: ${fmt(ir)} Ir`)
          return [name, ir]
        }),
      )
    const pick = (group, list) =>
      list === undefined
        ? group
        : Object.fromEntries(Object.entries(group).filter(([name]) => list.includes(name)))
    const only = (name, fallback) =>
      process.env[name]?.split(',').map((item) => item.trim()) ?? (ALL ? undefined : fallback)
    result.imports = {
      handlers: count(
        pick(
          handlers,
          only('HANDLERS', [
            bundles.BASELINE,
            bundles.PRESET,
            'gateproof({ proxyShape: false })',
            'gateproof({ streaming: true })',
          ]),
        ),
      ),
      packages: count(pick(packages, only('PACKAGES', []))),
    }
    const base = result.imports.handlers[bundles.BASELINE] ?? 0
    sections.push(`## Import, instructions (one minified bundle, minus an empty module)

${table(
  ['handler', 'import Ir', 'vs baseline'],
  Object.entries(result.imports.handlers).map(([name, ir]) => [
    name,
    fmt(ir),
    `${ir - base >= 0 ? '+' : ''}${fmt(ir - base)}`,
  ]),
)}

${
  Object.keys(result.imports.packages).length === 0
    ? 'Packages on their own: `ALL=1` (wall-clock figures in cold-start.md).'
    : table(
        ['package (whole namespace, dependencies inside)', 'import Ir'],
        Object.entries(result.imports.packages).map(([name, ir]) => [name, fmt(ir)]),
      )
}`)
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

const markdown = `# Instruction counts (valgrind callgrind)

${sections.join('\n\n')}

Each figure comes from fresh \`node ${NODE_FLAGS.join(' ')}\` processes under
\`valgrind --tool=callgrind\`: repeatable within ~1 % whatever else runs on the machine; the large
young generation keeps scavenges out of most measured windows, so warm figures are the code's own
work and allocation. Node ${process.version}; ${machine().cpu}.
`
record('instructions', result, markdown)
console.log(markdown)
