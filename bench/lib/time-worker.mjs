#!/usr/bin/env node
// One variant in a fresh process, as in a Lambda execution environment that runs one handler:
// no other variant's shapes in the JIT's feedback for the code they share (Middy's core).
// Prints `{ wall, cpu }`: mean ns per call over `iterations` calls after `warmup` calls, as
// wall-clock time and as the process's CPU time (user + system), which time spent waiting
// for a core that other processes hold does not inflate.
//   node time-worker.mjs <variant> <success|error> <warmup> <iterations>
import { invoker, VARIANTS, WORK } from './variants.mjs'

const [name, path, warmup, iterations] = process.argv.slice(2)
const call = invoker(await VARIANTS[name](WORK[path]))
const write = process.stdout.write.bind(process.stdout)
process.stdout.write = () => true
process.stderr.write = () => true
for (let i = 0; i < Number(warmup); i += 1) await call()
const cpuStart = process.cpuUsage()
const start = process.hrtime.bigint()
for (let i = 0; i < Number(iterations); i += 1) await call()
const wall = Number(process.hrtime.bigint() - start) / Number(iterations)
const { user, system } = process.cpuUsage(cpuStart)
write(JSON.stringify({ wall, cpu: ((user + system) * 1000) / Number(iterations) }))
