#!/usr/bin/env node
// Warm overhead per invocation of the full gateproof() preset beside what people use today,
// on the success path and on the error path, one run, side by side: a raw handler, Middy
// alone, Middy + http-error-handler (the baseline), Powertools middlewares, Powertools'
// `Router`, hono's `handle()` and lambda-api — every variant doing the same work
// (bench/lib/variants.mjs).
// Target (issue 18): the preset's success path ≤ 1.25× Middy + http-error-handler; its error
// path (EMF line + log line) ≤ a hand-written Powertools onError doing the same.
// Wall-clock figures; bench/instructions.mjs counts instructions for the same variants, which
// other load on the machine does not change.
// Imports the BUILT packages (`pnpm build` first). Writes bench/results/overhead.{json,md}.
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { machine, median, record, sizesFromEnv, table } from './harness.mjs'
import { BASELINE, PRESET, VARIANTS, WORK } from './lib/variants.mjs'

const options = sizesFromEnv({ warmup: 10_000, rounds: 7, iterations: 10_000 })
const HAND_WRITTEN = 'Middy + hand-written Powertools onError'

const worker = fileURLToPath(new URL('./lib/time-worker.mjs', import.meta.url))
// Each sample is one fresh process per variant (its own JIT feedback, as in a Lambda
// environment running one handler); rounds interleave the variants so that other load on the
// machine hits each alike; the figure is the median over rounds. CPU time is the figure the
// targets use: waiting for a core that other processes hold does not inflate it.
const samples = { wall: {}, cpu: {} }
for (let round = 0; round < options.rounds; round += 1) {
  for (const path of Object.keys(WORK)) {
    for (const name of Object.keys(VARIANTS)) {
      const out = JSON.parse(
        String(
          execFileSync(process.execPath, [
            worker,
            name,
            path,
            String(options.warmup),
            String(options.iterations),
          ]),
        ),
      )
      for (const clock of ['wall', 'cpu']) {
        samples[clock][path] ??= {}
        samples[clock][path][name] ??= []
        samples[clock][path][name].push(out[clock])
      }
    }
  }
}
const medians = (byPath) =>
  Object.fromEntries(
    Object.entries(byPath).map(([path, byName]) => [
      path,
      Object.fromEntries(Object.entries(byName).map(([name, ns]) => [name, median(ns)])),
    ]),
  )
const results = medians(samples.cpu)
const wall = medians(samples.wall)

const ratio = results.success[PRESET] / results.success[BASELINE]
const errorRatio = results.error[PRESET] / results.error[HAND_WRITTEN]
const us = (ns) => `${(ns / 1000).toFixed(2)} µs`
const rows = Object.keys(results.success).map((name) => [
  name,
  us(results.success[name]),
  `${(results.success[name] / results.success[BASELINE]).toFixed(2)}×`,
  us(results.error[name]),
  us(wall.success[name]),
  us(wall.error[name]),
])
const markdown = `# Warm overhead per invocation

${table(['variant', 'success (CPU)', 'vs baseline', 'error (CPU)', 'success (wall)', 'error (wall)'], rows)}

Preset success path / ${BASELINE}: **${ratio.toFixed(2)}×** (target ≤ 1.25×).
Preset error path / ${HAND_WRITTEN}: **${errorRatio.toFixed(2)}×** (target ≤ 1×).
Every variant answers a REST \`GET /orders/42\` with the same 536-byte JSON body, or a thrown
\`Error\` with its own 500 (routers: one route, their default error answer). Each variant
runs in a fresh process: ${options.warmup} warm-up invocations, then the mean of
${options.iterations}; the figure is the median of ${options.rounds} interleaved rounds. The
event's arrival time is refreshed before each call. CPU: the process's user + system time per
invocation (the ratios use it); wall: elapsed time, which load on a shared machine inflates. The error paths of \`gateproof()\` and of the hand-written
onError also write one EMF line and one log line (Powertools, output discarded);
http-error-handler writes neither. Node ${process.version}; ${machine().cpu}.
`
record(
  'overhead',
  {
    machine: machine(),
    options,
    cpuNs: results,
    wallNs: wall,
    presetOverBaseline: ratio,
    presetErrorOverHandWritten: errorRatio,
  },
  markdown,
)
console.log(markdown)
