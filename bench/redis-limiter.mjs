#!/usr/bin/env node
// @gateproof/redis-limiter side by side with rate-limiter-flexible's RateLimiterRedis on one
// redis-server (issue 14): rate decisions per second and per-decision p99 at concurrency 1, 16
// and 64, in interleaved rounds, with the same ioredis and client options for both. Every
// request is admitted (the limits are far away), so this measures the cost of a decision.
// Also records Redis commands per decision (INFO commandstats) and the round trips of a lease,
// and two figures that move less than wall-clock time on a shared machine: this process's CPU
// time per decision (process.cpuUsage: the JS side, client included) and redis-server's time
// per decision and per script call (INFO commandstats usec of EVALSHA/EVAL).
//
//   node bench/redis-limiter.mjs            (ROUNDS, DECISIONS, CONCURRENCY=1,16,64 to change;
//   DIST=path/to/dist/index.js: another build of ours, e.g. an older one, RECORD=0 not to record)
import { loadavg } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { pathToFileURL } from 'node:url'
import { Redis } from 'ioredis'
import { RateLimiterRedis } from 'rate-limiter-flexible'
import { startRedis } from './fleet/redis.mjs'
import { machine, median, record, table } from './harness.mjs'

const { redisLimiter } = await import(
  process.env.DIST
    ? pathToFileURL(process.env.DIST).href
    : '../packages/redis-limiter/dist/index.js'
)

const loadAtStart = loadavg()[0]
const ROUNDS = Number(process.env.ROUNDS ?? 7)
const DECISIONS = Number(process.env.DECISIONS ?? 20_000)
const CONCURRENCY = (process.env.CONCURRENCY ?? '1,16,64').split(',').map(Number)
const AUTOPIPELINING = process.env.AUTOPIPELINING === '1'
const RECORD = process.env.RECORD !== '0'

const redis = await startRedis()
const { port } = redis
process.on('exit', () => redis.stop())
const clientOptions = { host: '127.0.0.1', port, enableAutoPipelining: AUTOPIPELINING }
const admin = new Redis(clientOptions)
const oursClient = new Redis(clientOptions)
const peerClient = new Redis(clientOptions)
await Promise.all([admin.ping(), oursClient.ping(), peerClient.ping()])

const ours = redisLimiter({ client: oursClient, rate: { perSecond: 1_000_000, burst: 1_000_000 } })
await ours.ready
const peer = new RateLimiterRedis({
  storeClient: peerClient,
  points: 1_000_000_000,
  duration: 3600,
  keyPrefix: 'rlf',
})
const request = { key: 'bench', priority: 'normal', deadlineAt: Number.POSITIVE_INFINITY }

const variants = {
  gateproof: async () => {
    const decision = await ours.acquire(request)
    if (!decision.admitted) throw new Error('gateproof refused')
  },
  'rate-limiter-flexible': async () => {
    await peer.consume('bench')
  },
}

/** Redis µs spent in scripts since the last RESETSTAT, and the script calls. */
async function scriptTime() {
  const info = await admin.info('commandstats')
  let usec = 0
  let calls = 0
  for (const match of info.matchAll(/^cmdstat_(evalsha|eval):calls=(\d+),usec=(\d+)/gm)) {
    calls += Number(match[2])
    usec += Number(match[3])
  }
  return { usec, calls }
}

/** `total` decisions by `concurrency` loops: decisions per second and every latency (ns). */
async function run(fn, concurrency, total) {
  const latencies = new Float64Array(total)
  let next = 0
  const loop = async () => {
    for (;;) {
      const i = next++
      if (i >= total) return
      const start = process.hrtime.bigint()
      await fn()
      latencies[i] = Number(process.hrtime.bigint() - start)
    }
  }
  const start = process.hrtime.bigint()
  await Promise.all(Array.from({ length: concurrency }, loop))
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  return { perSecond: total / seconds, latencies }
}

const percentile = (values, p) => {
  const sorted = Float64Array.from(values).sort()
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]
}

async function commandsPerDecision(fn, concurrency) {
  const total = 2_000
  await admin.config('RESETSTAT')
  await run(fn, concurrency, total)
  const info = await admin.info('commandstats')
  const calls = {}
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    calls[match[1]] = Number(match[2])
  }
  // The INFO and CONFIG calls of this measurement are not the limiter's.
  delete calls.info
  delete calls.config
  const all = Object.values(calls).reduce((a, b) => a + b, 0)
  const fromClient = (calls.evalsha ?? 0) + (calls.eval ?? 0)
  return {
    scriptCallsPerDecision: fromClient / total,
    commandsPerDecision: all / total,
    calls,
  }
}

/** Round trips of one lease: acquire, then release, counted as commands sent by the client. */
async function leaseRoundTrips() {
  const leaseClient = new Redis(clientOptions)
  const limiter = redisLimiter({ client: leaseClient, concurrency: { limit: 10 } })
  await limiter.ready
  const first = await limiter.acquire(request)
  first.admitted && first.release()
  // The release leaves at the end of the tick: the second PING follows its ZREM.
  await leaseClient.ping()
  await leaseClient.ping()
  await admin.config('RESETSTAT')
  const leases = 100
  for (let i = 0; i < leases; i += 1) {
    const decision = await limiter.acquire(request)
    if (!decision.admitted) throw new Error('lease refused')
    decision.release()
    await sleep(0)
  }
  await leaseClient.ping()
  const info = await admin.info('commandstats')
  const count = (name) =>
    Number(info.match(new RegExp(`^cmdstat_${name}:calls=(\\d+)`, 'm'))?.[1] ?? 0)
  leaseClient.disconnect()
  return (count('evalsha') + count('eval') + count('zrem')) / leases
}

// Load both scripts and warm both JITs.
for (const fn of Object.values(variants)) await run(fn, 16, 5_000)

const results = []
for (const concurrency of CONCURRENCY) {
  const samples = Object.fromEntries(Object.keys(variants).map((name) => [name, []]))
  const latencies = Object.fromEntries(Object.keys(variants).map((name) => [name, []]))
  const cpu = Object.fromEntries(Object.keys(variants).map((name) => [name, []]))
  const redisUs = Object.fromEntries(Object.keys(variants).map((name) => [name, []]))
  const perCall = Object.fromEntries(Object.keys(variants).map((name) => [name, []]))
  // Warmed again at this concurrency: a lone decision and a batch take different paths
  // through this limiter (and its scripts), and a warm-up at another concurrency left the
  // first round of this one to the JIT (ours ran up to 35 % slower in it). Both get the same.
  for (const fn of Object.values(variants)) await run(fn, concurrency, 20_000)
  for (let round = 0; round < ROUNDS; round += 1) {
    // Alternate the order: drift from other load on the machine hits both alike.
    const names = Object.keys(variants)
    if (round % 2) names.reverse()
    for (const name of names) {
      await admin.config('RESETSTAT')
      const cpuBefore = process.cpuUsage()
      const { perSecond, latencies: l } = await run(variants[name], concurrency, DECISIONS)
      const used = process.cpuUsage(cpuBefore)
      const script = await scriptTime()
      samples[name].push(perSecond)
      latencies[name].push(l)
      cpu[name].push((used.user + used.system) / DECISIONS)
      redisUs[name].push(script.usec / DECISIONS)
      perCall[name].push(script.calls > 0 ? script.usec / script.calls : 0)
    }
  }
  const row = { concurrency }
  for (const name of Object.keys(variants)) {
    const pooled = new Float64Array(latencies[name].reduce((n, l) => n + l.length, 0))
    let offset = 0
    for (const l of latencies[name]) {
      pooled.set(l, offset)
      offset += l.length
    }
    row[name] = {
      decisionsPerSecond: Math.round(median(samples[name])),
      roundsPerSecond: samples[name].map(Math.round),
      p50Ms: percentile(pooled, 0.5) / 1e6,
      p99Ms: percentile(pooled, 0.99) / 1e6,
      cpuUsPerDecision: median(cpu[name]),
      redisUsPerDecision: median(redisUs[name]),
      redisUsPerScriptCall: median(perCall[name]),
    }
  }
  row.ratio = row.gateproof.decisionsPerSecond / row['rate-limiter-flexible'].decisionsPerSecond
  results.push(row)
  console.log(
    `concurrency ${concurrency}: gateproof ${row.gateproof.decisionsPerSecond}/s p99 ${row.gateproof.p99Ms.toFixed(3)} ms, rate-limiter-flexible ${row['rate-limiter-flexible'].decisionsPerSecond}/s p99 ${row['rate-limiter-flexible'].p99Ms.toFixed(3)} ms, ratio ${row.ratio.toFixed(2)}×`,
  )
  console.log(
    `  per decision: CPU ${row.gateproof.cpuUsPerDecision.toFixed(1)} vs ${row['rate-limiter-flexible'].cpuUsPerDecision.toFixed(1)} µs, Redis ${row.gateproof.redisUsPerDecision.toFixed(2)} vs ${row['rate-limiter-flexible'].redisUsPerDecision.toFixed(2)} µs; rounds ${row.gateproof.roundsPerSecond.join(' ')} vs ${row['rate-limiter-flexible'].roundsPerSecond.join(' ')}`,
  )
}

const commands = {}
for (const concurrency of CONCURRENCY) {
  commands[concurrency] = {}
  // One variant at a time: both share the server whose counters are read.
  for (const [name, fn] of Object.entries(variants)) {
    commands[concurrency][name] = await commandsPerDecision(fn, concurrency)
  }
}
const leaseTrips = await leaseRoundTrips()
console.log('commands per decision', JSON.stringify(commands))
console.log(`lease acquire + release: ${leaseTrips} client commands`)

const redisVersion = (await admin.info('server')).match(/redis_version:(\S+)/)?.[1]
const fmt = (n) => n.toLocaleString('en-US')
const markdown = `
# @gateproof/redis-limiter vs rate-limiter-flexible (RateLimiterRedis)

One redis-server ${redisVersion} on loopback, one ioredis connection per limiter with the same options
(\`enableAutoPipelining: ${AUTOPIPELINING}\`), ${ROUNDS} interleaved rounds of ${fmt(DECISIONS)} decisions per
concurrency, every decision admitted. Decisions per second: median of the rounds; p50/p99: per decision,
over all rounds. Machine: ${machine().cpu}, ${machine().cores} cores shared with other work (load average ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end), Node ${process.version}, ${new Date().toISOString()}.

${table(
  [
    'concurrency',
    'gateproof /s',
    'rate-limiter-flexible /s',
    'ratio',
    'gateproof p50 / p99 ms',
    'peer p50 / p99 ms',
  ],
  results.map((r) => [
    r.concurrency,
    fmt(r.gateproof.decisionsPerSecond),
    fmt(r['rate-limiter-flexible'].decisionsPerSecond),
    `${r.ratio.toFixed(2)}×`,
    `${r.gateproof.p50Ms.toFixed(3)} / ${r.gateproof.p99Ms.toFixed(3)}`,
    `${r['rate-limiter-flexible'].p50Ms.toFixed(3)} / ${r['rate-limiter-flexible'].p99Ms.toFixed(3)}`,
  ]),
)}

Cost per decision, medians of the rounds (these move less with other load than the rates above):
this process's CPU time (\`process.cpuUsage\`, user + system: the limiter and ioredis), and redis-server's
time in the scripts (\`INFO commandstats\` usec of EVALSHA/EVAL) per decision and per script call.

${table(
  [
    'concurrency',
    'gateproof CPU µs',
    'peer CPU µs',
    'gateproof Redis µs / decision',
    'peer Redis µs / decision',
    'gateproof Redis µs / script call',
    'peer Redis µs / script call',
  ],
  results.map((r) => [
    r.concurrency,
    r.gateproof.cpuUsPerDecision.toFixed(1),
    r['rate-limiter-flexible'].cpuUsPerDecision.toFixed(1),
    r.gateproof.redisUsPerDecision.toFixed(2),
    r['rate-limiter-flexible'].redisUsPerDecision.toFixed(2),
    r.gateproof.redisUsPerScriptCall.toFixed(2),
    r['rate-limiter-flexible'].redisUsPerScriptCall.toFixed(2),
  ]),
)}

Redis commands per decision (INFO commandstats; script-internal commands included):

${table(
  [
    'concurrency',
    'gateproof script calls',
    'gateproof commands',
    'peer script calls',
    'peer commands',
  ],
  CONCURRENCY.map((c) => [
    c,
    commands[c].gateproof.scriptCallsPerDecision.toFixed(3),
    commands[c].gateproof.commandsPerDecision.toFixed(2),
    commands[c]['rate-limiter-flexible'].scriptCallsPerDecision.toFixed(3),
    commands[c]['rate-limiter-flexible'].commandsPerDecision.toFixed(2),
  ]),
)}

A lease (concurrency limit) costs ${leaseTrips} client commands: one EVALSHA to acquire, one ZREM to release.
`
if (RECORD) {
  record(
    'redis-limiter',
    {
      machine: machine(),
      redisVersion,
      rounds: ROUNDS,
      decisions: DECISIONS,
      autopipelining: AUTOPIPELINING,
      results,
      commands,
      leaseRoundTrips: leaseTrips,
    },
    markdown,
  )
}
for (const client of [admin, oursClient, peerClient]) client.disconnect()
redis.stop()
