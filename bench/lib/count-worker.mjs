#!/usr/bin/env node
// Runs under `valgrind --tool=callgrind` for bench/instructions.mjs: calls one variant of
// bench/lib/variants.mjs `total` times (warm-up included), or imports one module. The
// instruction count of a run minus that of a shorter run is the cost of the difference.
//   node count-worker.mjs warm <variant> <success|error> <total>
//   node count-worker.mjs import <file or specifier>
const [mode, ...args] = process.argv.slice(2)
if (mode === 'warm') {
  const [name, path, total] = args
  const { VARIANTS, WORK, invoker } = await import('./variants.mjs')
  const call = invoker(await VARIANTS[name](WORK[path]))
  const writes = [process.stdout.write, process.stderr.write]
  process.stdout.write = () => true
  process.stderr.write = () => true
  for (let i = 0; i < Number(total); i += 1) await call()
  ;[process.stdout.write, process.stderr.write] = writes
} else if (mode === 'import') {
  if (args[0] !== '') await import(args[0])
} else {
  throw new Error(`unknown mode ${mode}`)
}
