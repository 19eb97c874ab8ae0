// Shared measurement for the benchmarks: interleaved rounds (so drift from other load on
// the machine hits every variant alike), the median of per-round means, and result files.
import { writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'

export const resultsDir = fileURLToPath(new URL('./results/', import.meta.url))

/** Median of a list of numbers. */
export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/**
 * Mean ns per call of each async variant, as the median over `rounds` interleaved rounds
 * of `iterations` calls each, after `warmup` calls of every variant.
 */
export async function compare(
  variants,
  { warmup = 10_000, rounds = 10, iterations = 10_000 } = {},
) {
  for (const fn of Object.values(variants)) for (let i = 0; i < warmup; i += 1) await fn()
  const samples = Object.fromEntries(Object.keys(variants).map((name) => [name, []]))
  for (let round = 0; round < rounds; round += 1) {
    for (const [name, fn] of Object.entries(variants)) {
      const start = process.hrtime.bigint()
      for (let i = 0; i < iterations; i += 1) await fn()
      samples[name].push(Number(process.hrtime.bigint() - start) / iterations)
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([name, s]) => [name, median(s)]))
}

/** Runs `fn` with stdout/stderr writes dropped: Powertools formats and serialises, no terminal I/O. */
export async function quietly(fn) {
  const writes = [process.stdout.write, process.stderr.write]
  process.stdout.write = () => true
  process.stderr.write = () => true
  try {
    return await fn()
  } finally {
    ;[process.stdout.write, process.stderr.write] = writes
  }
}

export const machine = () => ({
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  date: new Date().toISOString(),
  platform: `${process.platform} ${process.arch}`,
})

/** `compare` sizes: WARMUP, ROUNDS and ITERATIONS from the environment where set, else `defaults`. */
export const sizesFromEnv = (defaults) => ({
  warmup: Number(process.env.WARMUP ?? defaults.warmup),
  rounds: Number(process.env.ROUNDS ?? defaults.rounds),
  iterations: Number(process.env.ITERATIONS ?? defaults.iterations),
})

/** The head of a result file: what was measured, on which machine, with which sizes. */
export function runSummary(benchmark, { warmup, rounds, iterations }) {
  const { date, node, platform, cpu, cores } = machine()
  return {
    benchmark,
    date,
    node,
    platform,
    cpu,
    cpuCount: cores,
    warmup,
    rounds,
    iterationsPerRound: iterations,
  }
}

/** Rounds to 0.1 (ns figures in the result files). */
export const round1 = (n) => Math.round(n * 10) / 10

/** Writes `<name>.json` and `<name>.md` into bench/results/. */
export function record(name, json, markdown) {
  writeFileSync(`${resultsDir}${name}.json`, `${JSON.stringify(json, null, 2)}\n`)
  writeFileSync(`${resultsDir}${name}.md`, `${markdown.trim()}\n`)
}

export const table = (header, rows) =>
  [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n')
