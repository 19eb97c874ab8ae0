// One process of the wake-up experiment (run.mjs): a limiter of its own, connected and warmed
// during "init", then decisions at random (exponential) intervals, each on an idle process
// that has to be woken up, as a Lambda environment is between invocations. Reports every
// decision's time (acquire to answer, real ms) to the parent.
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'

const { FLEET_PARTS: partsPath, FLEET_REDIS_PORT: redisPort } = process.env
const { meanGapMs, runMs, limit, budgetMs, seed } = JSON.parse(process.env.DECIDER)
const { redisLimiter } = await import(partsPath)

const redis = new Redis({ host: '127.0.0.1', port: Number(redisPort), maxRetriesPerRequest: 1 })
const limiter = redisLimiter({ client: redis, concurrency: { limit }, budgetMs })
await limiter.ready

let state = seed >>> 0
const random = () => {
  state = (state * 1664525 + 1013904223) >>> 0
  return state / 4294967296
}

process.send({ kind: 'ready' })
await new Promise((resolve) => process.once('message', resolve))
const samples = []
const stopAt = performance.now() + runMs
for (;;) {
  await sleep(-Math.log(1 - random()) * meanGapMs)
  if (performance.now() >= stopAt) break
  const started = performance.now()
  const decision = await limiter.acquire({
    key: 'wake-up',
    priority: 'normal',
    deadlineAt: Date.now() + 1000,
  })
  samples.push(performance.now() - started)
  if (decision.admitted) decision.release()
}
process.send({ kind: 'samples', samples })
redis.disconnect()
process.disconnect()
