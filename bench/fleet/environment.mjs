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

let decision
let decisions = 0
const redis =
  mode === 'gateproof-redis'
    ? new Redis({ host: '127.0.0.1', port: Number(redisPort), maxRetriesPerRequest: 1 })
    : undefined

if (redis) {
  // Where a decision's time goes: the script call is timed from when the limiter hands it
  // to the client to when the reply is read (this reaction is attached before the
  // limiter's, so it runs first). The time outside is this process's own work.
  const evalsha = redis.evalsha.bind(redis)
  redis.evalsha = (...args) => {
    const sentAt = performance.now()
    const reply = evalsha(...args)
    if (decision && decision.sentAt === undefined) {
      const current = decision
      current.sentAt = sentAt
      const read = () => {
        current.repliedAt = performance.now()
      }
      reply.then(read, read)
    }
    return reply
  }
}

/**
 * Measures each admission decision as the handler sees it: from the load shedder asking the
 * limiter to the answer, and how much of it the Redis round trip was.
 */
function timed(limiter) {
  return {
    name: limiter.name,
    async acquire(request) {
      const current = { startedAt: performance.now(), first: decisions === 0 }
      decisions += 1
      decision = current
      try {
        return await limiter.acquire(request)
      } finally {
        current.endedAt = performance.now()
      }
    },
  }
}

/** The decision of the last invocation, as sent to the front: total and parts, in ms. */
function decisionReport(current) {
  if (current?.endedAt === undefined) return undefined
  const { startedAt, sentAt, repliedAt, endedAt } = current
  const roundTrip = sentAt !== undefined && repliedAt !== undefined
  return {
    ms: endedAt - startedAt,
    beforeSendMs: roundTrip ? sentAt - startedAt : undefined,
    roundTripMs: roundTrip ? repliedAt - sentAt : undefined,
    afterReplyMs: roundTrip ? endedAt - repliedAt : undefined,
    first: current.first,
  }
}

let limiterReady

function buildHandler() {
  if (mode === 'plain') return middy(report)
  const scaled = (ms) => real(model, ms)
  const redisOne = redis
    ? redisLimiter({
        client: redis,
        concurrency: { limit: model.limit },
        budgetMs: model.budgetMs,
        // retrying-clients-wait: a refused request waits briefly for a slot (real ms).
        maxWaitMs: Number(process.env.FLEET_MAX_WAIT_MS ?? 0),
      })
    : undefined
  limiterReady = redisOne?.ready
  const limiter = redisOne ? timed(redisOne) : undefined
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
// What a function does at init with the example's `await limiter.ready`: the connection is
// made before the first invocation.
if (limiterReady) await limiterReady

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
  decision = undefined
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
  process.send({
    kind: 'result',
    id,
    outcome,
    decision: decisionReport(decision),
    handlerMs: performance.now() - started,
  })
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
