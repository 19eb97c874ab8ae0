#!/usr/bin/env node
// Runs under `valgrind --tool=callgrind` for bench/redis-limiter-instructions.mjs (or with
// `--cpu-prof`): `total` rate decisions of one variant at `concurrency` against a redis-server
// already listening on `port`, after a fixed warm-up. The instruction count of a run minus
// that of a run with total 0 is the cost of the decisions.
//   node redis-count-worker.mjs <gateproof|rate-limiter-flexible> <concurrency> <total> <port> [dist]
import { existsSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { Redis } from 'ioredis'
import { RateLimiterRedis } from 'rate-limiter-flexible'

const [name, concurrencyArg, totalArg, portArg, dist] = process.argv.slice(2)
const concurrency = Number(concurrencyArg)
const total = Number(totalArg)
const WARMUP = Number(process.env.WARMUP ?? 20_000)
const client = new Redis({ host: '127.0.0.1', port: Number(portArg) })
await client.ping()
const request = { key: 'bench', priority: 'normal', deadlineAt: Number.POSITIVE_INFINITY }
let decide
if (name === 'gateproof') {
  const { redisLimiter } = await import(
    dist
      ? pathToFileURL(dist).href
      : new URL('../../packages/redis-limiter/dist/index.js', import.meta.url).href
  )
  const ours = redisLimiter({ client, rate: { perSecond: 1_000_000, burst: 1_000_000 } })
  await ours.ready
  decide = async () => {
    const decision = await ours.acquire(request)
    if (!decision.admitted) throw new Error('gateproof refused')
  }
} else {
  const peer = new RateLimiterRedis({
    storeClient: client,
    points: 1_000_000_000,
    duration: 3600,
    keyPrefix: 'rlf',
  })
  decide = () => peer.consume('bench')
}

async function run(count) {
  let next = 0
  const loop = async () => {
    while (next++ < count) await decide()
  }
  await Promise.all(Array.from({ length: concurrency }, loop))
}

await run(WARMUP)
// Under `valgrind --instr-atstart=no` the driver switches counting on now and answers.
// Under `valgrind --instr-atstart=no` the driver switches counting on, then creates the file
// GO; spinning (not sleeping in a system call) lets callgrind take the command.
if (process.env.GO) {
  // From a collected heap, runs of different lengths do not differ by a collection that one
  // happened to need (the young generation is 64 MB there: no scavenge within 32,000 decisions).
  globalThis.gc?.()
  process.stdout.write('warm\n')
  while (!existsSync(process.env.GO)) {}
}
const before = process.cpuUsage()
const started = process.hrtime.bigint()
await run(total)
const used = process.cpuUsage(before)
const seconds = Number(process.hrtime.bigint() - started) / 1e9
if (process.env.REPORT === '1' && total > 0) {
  console.log(
    JSON.stringify({
      cpuUsPerDecision: (used.user + used.system) / total,
      userUsPerDecision: used.user / total,
      perSecond: total / seconds,
    }),
  )
}
client.disconnect()
