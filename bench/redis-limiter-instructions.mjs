#!/usr/bin/env node
// Client-side instructions per rate decision (valgrind callgrind, `Ir`) of @gateproof/redis-limiter
// and rate-limiter-flexible against one redis-server on loopback: this process's work only (the
// limiter, ioredis, Node's socket code; not the kernel, not redis-server, which runs outside
// valgrind). Unlike decisions per second it does not move with other load on the machine.
// Counting starts after WARMUP decisions (`--instr-atstart=no`, then `callgrind_control -i on`),
// so V8's compiling of the path is not counted; per decision = (Ir of 2 × CALLS decisions and the
// exit − Ir of CALLS decisions and the exit) / CALLS, each a fresh `node` under valgrind with the
// deterministic flags of bench/instructions.mjs, from a heap collected after the warm-up (without
// that, a collection one run needed and the other did not moved the figure by up to ±8,000).
// Garbage collection is therefore not counted; allocation is.
//   node bench/redis-limiter-instructions.mjs
//   CONCURRENCY=16 (or 1,16)  CALLS=16000  WARMUP=100000  VARIANTS=gateproof,rate-limiter-flexible
//   DIST=/path/to/other/redis-limiter/dist/index.js  (compare another build of ours)
// Does not record a results file: the figures go into the notes of bench/results/redis-limiter.md.
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startRedis } from './fleet/redis.mjs'
import { CALLGRIND_NODE_FLAGS } from './lib/callgrind.mjs'

const worker = fileURLToPath(new URL('./lib/redis-count-worker.mjs', import.meta.url))
const CALLS = Number(process.env.CALLS ?? 16_000)
// Long enough that V8 has compiled the batch path: after 20,000 the measured calls still paid
// for optimizing it (19,400–22,000 against 11,700–11,900 instructions per decision at 16).
const WARMUP = Number(process.env.WARMUP ?? 100_000)
const CONCURRENCY = (process.env.CONCURRENCY ?? '16').split(',').map(Number)
const VARIANTS = (process.env.VARIANTS ?? 'gateproof,rate-limiter-flexible').split(',')
const DIST = process.env.DIST ?? ''
const NODE_FLAGS = [...CALLGRIND_NODE_FLAGS, '--expose-gc']

if (spawnSync('valgrind', ['--version']).status !== 0) {
  console.log('valgrind is not installed (apt-get install valgrind); skipped')
  process.exit(0)
}
const redis = await startRedis()
const { port } = redis
process.on('exit', () => redis.stop())

/** Instructions of `node worker args` from the end of its warm-up to its exit. */
async function instructions(args) {
  const go = join(tmpdir(), `redis-limiter-go-${process.pid}`)
  rmSync(go, { force: true })
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '--instr-atstart=no',
      '--callgrind-out-file=/dev/null',
      process.execPath,
      ...NODE_FLAGS,
      worker,
      ...args,
    ],
    { env: { ...process.env, WARMUP: String(WARMUP), GO: go }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let stderr = ''
  child.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  // Counting starts when the worker says it is warm: callgrind_control switches it on (valgrind
  // runs node in its own process, so the pid is the worker's), then the file lets it go on.
  child.stdout.once('data', () => {
    execFileSync('callgrind_control', ['-i', 'on', String(child.pid)], { stdio: 'ignore' })
    writeFileSync(go, '')
  })
  child.stdout.resume()
  const [status] = await once(child, 'exit')
  rmSync(go, { force: true })
  const match = /Collected : (\d+)/.exec(stderr)
  if (status !== 0 || !match) {
    throw new Error(`node ${args.join(' ')} failed under valgrind:\n${stderr}`)
  }
  return Number(match[1])
}

for (const concurrency of CONCURRENCY) {
  for (const name of VARIANTS) {
    const args = (total) => [name, String(concurrency), String(total), String(port), DIST]
    // Both runs end alike (the same exit, a similar heap): the difference is CALLS decisions.
    const base = await instructions(args(CALLS))
    const full = await instructions(args(2 * CALLS))
    const perDecision = Math.round((full - base) / CALLS)
    console.log(
      `concurrency ${concurrency} ${name}${DIST && name === 'gateproof' ? ` (${DIST})` : ''}: ${perDecision.toLocaleString('en-US')} instructions per decision`,
    )
  }
}
redis.stop()
