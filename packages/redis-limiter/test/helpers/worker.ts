/**
 * One "execution environment" in the cross-process tests: its own process, its
 * own ioredis connection, its own limiter built from this package's source. The
 * parent forks it (bundled by `bundleWorker`) and talks over IPC.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { redisLimiter } from '../../src/index.js'

export type WorkerTask =
  | { kind: 'concurrency'; port: number; key: string; limit: number; loops: number; runMs: number }
  | {
      kind: 'rate'
      port: number
      key: string
      perSecond: number
      burst: number
      loops: number
      runMs: number
    }
  | { kind: 'hold'; port: number; key: string; limit: number; leases: number; deadlineAt: number }
  | {
      /** Default options, as a function would run them: the issue 14 fleet scenarios. */
      kind: 'fleet'
      port: number
      /** A second redis-server that counts requests in flight; never paused. */
      observerPort: number
      key: string
      limit: number
      loops: number
      runMs: number
    }

export type WorkerReport =
  | { kind: 'ready' }
  | {
      kind: 'concurrency'
      admitted: number
      rejected: number
      maxObserved: number
      fallbacks: number
    }
  | { kind: 'rate'; sentAt: number[]; answeredAt: number[]; fallbacks: number }
  | { kind: 'held'; admitted: number }
  | {
      kind: 'fleet'
      admitted: number
      rejected: number
      maxObserved: number
      /** Longest wait for one decision, ms. */
      maxDecisionMs: number
      /**
       * Longest the process's event loop was late, ms: time the machine did not run this
       * process, which no budget timer can take back.
       */
      maxLoopDelayMs: number
    }

const send = (report: WorkerReport) => process.send?.(report)

async function runConcurrency(task: Extract<WorkerTask, { kind: 'concurrency' }>, redis: Redis) {
  const limiter = redisLimiter({
    client: redis,
    concurrency: { limit: task.limit },
    budgetMs: 1000,
    failure: 'closed',
  })
  const counter = `${task.key}:observed`
  const stopAt = Date.now() + task.runMs
  let admitted = 0
  let rejected = 0
  let maxObserved = 0
  let fallbacks = 0
  const loop = async () => {
    while (Date.now() < stopAt) {
      const decision = await limiter.acquire({
        key: task.key,
        priority: 'critical',
        deadlineAt: Date.now() + 10_000,
      })
      if (!decision.admitted) {
        if (decision.reason === 'unavailable') fallbacks += 1
        rejected += 1
        await sleep(Math.random() * 2)
        continue
      }
      admitted += 1
      // Counted between admission and release, so it can never exceed the holders.
      maxObserved = Math.max(maxObserved, await redis.incr(counter))
      await sleep(Math.random() * 3)
      await redis.decr(counter)
      await decision.release()
    }
  }
  await Promise.all(Array.from({ length: task.loops }, loop))
  send({ kind: 'concurrency', admitted, rejected, maxObserved, fallbacks })
}

async function runRate(task: Extract<WorkerTask, { kind: 'rate' }>, redis: Redis) {
  const limiter = redisLimiter({
    client: redis,
    rate: { perSecond: task.perSecond, burst: task.burst },
    budgetMs: 1000,
    failure: 'closed',
  })
  const stopAt = Date.now() + task.runMs
  // Each admission happened on Redis between these two instants of this host's clock.
  const sentAt: number[] = []
  const answeredAt: number[] = []
  let fallbacks = 0
  const loop = async () => {
    while (Date.now() < stopAt) {
      const sent = Date.now()
      const decision = await limiter.acquire({
        key: task.key,
        priority: 'critical',
        deadlineAt: sent + 10_000,
      })
      if (decision.admitted) {
        sentAt.push(sent)
        answeredAt.push(Date.now())
      } else if (decision.reason === 'unavailable') fallbacks += 1
      else await sleep(Math.min(decision.retryAfterMs, Math.max(0, stopAt - Date.now())))
    }
  }
  await Promise.all(Array.from({ length: task.loops }, loop))
  send({ kind: 'rate', sentAt, answeredAt, fallbacks })
}

async function runHold(task: Extract<WorkerTask, { kind: 'hold' }>, redis: Redis) {
  const limiter = redisLimiter({
    client: redis,
    concurrency: { limit: task.limit },
    budgetMs: 1000,
    failure: 'closed',
  })
  let admitted = 0
  for (let i = 0; i < task.leases; i += 1) {
    const decision = await limiter.acquire({
      key: task.key,
      priority: 'critical',
      deadlineAt: task.deadlineAt,
    })
    if (decision.admitted) admitted += 1
  }
  send({ kind: 'held', admitted })
  // Holds its leases until the parent kills it; never releases them.
  await new Promise(() => {})
}

async function runFleet(task: Extract<WorkerTask, { kind: 'fleet' }>, redis: Redis) {
  // Built during "init", as a handler module would, and connected before the first request.
  const limiter = redisLimiter({ client: redis, concurrency: { limit: task.limit } })
  await limiter.ready
  const observer = new Redis({ host: '127.0.0.1', port: task.observerPort })
  await observer.ping()
  send({ kind: 'ready' })
  await new Promise((resolve) => process.once('message', resolve))
  const counter = `${task.key}:observed`
  const stopAt = Date.now() + task.runMs
  let admitted = 0
  let rejected = 0
  let maxObserved = 0
  let maxDecisionMs = 0
  const loopDelay = monitorEventLoopDelay({ resolution: 5 })
  loopDelay.enable()
  const loop = async () => {
    while (Date.now() < stopAt) {
      const started = performance.now()
      const decision = await limiter.acquire({
        key: task.key,
        priority: 'normal',
        deadlineAt: Date.now() + 3_000,
      })
      maxDecisionMs = Math.max(maxDecisionMs, performance.now() - started)
      if (!decision.admitted) {
        rejected += 1
        await sleep(Math.random() * 2)
        continue
      }
      admitted += 1
      // Counted between admission and release, so it can never exceed the holders.
      maxObserved = Math.max(maxObserved, await observer.incr(counter))
      await sleep(Math.random() * 3)
      await observer.decr(counter)
      decision.release()
    }
  }
  await Promise.all(Array.from({ length: task.loops }, loop))
  loopDelay.disable()
  const maxLoopDelayMs = loopDelay.max / 1e6
  observer.disconnect()
  return { kind: 'fleet', admitted, rejected, maxObserved, maxDecisionMs, maxLoopDelayMs } as const
}

process.once('message', async (task: WorkerTask) => {
  if (task.kind === 'fleet') {
    // Cold: the client and the limiter are created now, all processes at once.
    const redis = new Redis({ host: '127.0.0.1', port: task.port })
    redis.on('error', () => {})
    const report = await runFleet(task, redis)
    // Lets the releases of the last tick, and the ZREM of an admission whose reply came after
    // its request gave up, leave before the connection closes: the first PING's reply comes after
    // every earlier reply, whose handlers queue their ZREMs; the second goes out after those.
    await redis.ping().catch(() => {})
    await new Promise((resolve) => setImmediate(resolve))
    await redis.ping().catch(() => {})
    // Reported only now: the parent counts the leases left as soon as every report is in.
    send(report)
    redis.disconnect()
    if (process.connected) process.disconnect?.()
    return
  }
  const redis = new Redis({ host: '127.0.0.1', port: task.port })
  await redis.ping()
  send({ kind: 'ready' })
  await new Promise((resolve) => process.once('message', resolve))
  if (task.kind === 'concurrency') await runConcurrency(task, redis)
  else if (task.kind === 'rate') await runRate(task, redis)
  else await runHold(task, redis)
  redis.disconnect()
  process.disconnect?.()
})
