// One Lambda execution environment of the fleet simulation: its own process, one
// invocation at a time, a real Middy handler (plain, or composed with gateproof), its
// own Redis connection. The front process (run.mjs) invokes it over IPC and plays the
// downstream the handler calls.
import { performance } from 'node:perf_hooks'
import middy from '@middy/core'
import { Redis } from 'ioredis'
import { real } from './model.mjs'

const { FLEET_MODE: mode, FLEET_PARTS: partsPath, FLEET_REDIS_PORT: redisPort } = process.env
const model = JSON.parse(process.env.FLEET_MODEL)
const { gateproof, redisLimiter } = await import(partsPath)

const pendingCalls = new Map()
let nextCall = 0

/** The partner API: the front serves `downstreamSlots` calls at once, FIFO beyond. */
function callDownstream() {
  const call = nextCall++
  process.send({ kind: 'downstream', call })
  return new Promise((resolve) => pendingCalls.set(call, resolve))
}

async function report() {
  await callDownstream()
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: '{"report":"ready"}',
  }
}

let decisionMs
const redis =
  mode === 'gateproof-redis'
    ? new Redis({ host: '127.0.0.1', port: Number(redisPort), maxRetriesPerRequest: 1 })
    : undefined
if (redis) await redis.ping()

/** Measures each admission decision: the Redis round trip as the handler sees it. */
function timed(limiter) {
  return {
    name: limiter.name,
    async acquire(request) {
      const started = performance.now()
      try {
        return await limiter.acquire(request)
      } finally {
        decisionMs = performance.now() - started
      }
    },
  }
}

function buildHandler() {
  if (mode === 'plain') return middy(report)
  const scaled = (ms) => real(model, ms)
  const limiter = redis
    ? timed(
        redisLimiter({
          client: redis,
          concurrency: { limit: model.limit },
          budgetMs: model.budgetMs,
        }),
      )
    : undefined
  return gateproof(report, {
    integration: 'rest',
    timeoutGuard: {
      integrationTimeoutMs: scaled(model.integrationTimeoutMs),
      marginMs: scaled(model.marginMs),
      onTimeoutBudgetMs: 1,
    },
    loadShedder: {
      deadline: { minRemainingMs: scaled(250) },
      integrationTimeoutMs: scaled(model.integrationTimeoutMs),
      marginMs: scaled(model.marginMs),
      key: () => 'report',
      priority: (event) => event.headers['x-priority'],
      ...(limiter && { limiter }),
    },
  })
}

const handler = buildHandler()

function lambdaContext(id, invokedAt) {
  const timeoutMs = real(model, model.functionTimeoutMs)
  return {
    awsRequestId: id,
    functionName: 'report',
    functionVersion: '$LATEST',
    memoryLimitInMB: '1024',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - invokedAt)),
  }
}

/** What Lambda's runtime does: run the handler, or end the invocation at the function timeout. */
async function invoke(id, event) {
  const invokedAt = Date.now()
  const started = performance.now()
  decisionMs = undefined
  let timer
  const timeout = new Promise((resolve) => {
    timer = setTimeout(
      () => resolve({ kind: 'function-timeout' }),
      real(model, model.functionTimeoutMs),
    )
  })
  const run = Promise.resolve()
    .then(() => handler(event, lambdaContext(id, invokedAt)))
    .then(
      (value) => ({ kind: 'returned', value }),
      () => ({ kind: 'threw' }),
    )
  const outcome = await Promise.race([run, timeout])
  clearTimeout(timer)
  process.send({ kind: 'result', id, outcome, decisionMs, handlerMs: performance.now() - started })
}

process.on('message', (message) => {
  if (message.kind === 'invoke') void invoke(message.id, message.event)
  else if (message.kind === 'downstream-done') {
    pendingCalls.get(message.call)?.()
    pendingCalls.delete(message.call)
  } else if (message.kind === 'stop') {
    redis?.disconnect()
    process.disconnect()
  }
})
process.send({ kind: 'ready' })
