#!/usr/bin/env node
// One variant in a fresh process, as in a Lambda execution environment that runs one handler:
// no other variant's shapes in the JIT's feedback for the code they share (Middy's core).
// Prints the mean ns per call over `iterations` calls after `warmup` calls.
//   node time-worker.mjs <variant> <success|error> <warmup> <iterations>
import { invoker, VARIANTS, WORK } from './variants.mjs'

const [name, path, warmup, iterations] = process.argv.slice(2)
const call = invoker(await VARIANTS[name](WORK[path]))
const write = process.stdout.write.bind(process.stdout)
process.stdout.write = () => true
process.stderr.write = () => true
for (let i = 0; i < Number(warmup); i += 1) await call()
const start = process.hrtime.bigint()
for (let i = 0; i < Number(iterations); i += 1) await call()
const ns = Number(process.hrtime.bigint() - start) / Number(iterations)
write(String(ns))
