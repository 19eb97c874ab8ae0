// Child process of heap.test.ts (H10): runs the preset N times with Powertools Metrics and
// Logger passed in and prints heapUsed after a full GC at each checkpoint, as one JSON line
// on fd 3 (stdout and stderr carry the Powertools lines and may be discarded).
import { writeSync } from 'node:fs'
import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import { gateproof } from '../../packages/gateproof/dist/index.js'
import { lambdaContext, restEvent } from '../../packages/testing/dist/index.js'

const [telemetry = 'on', mix = 'mixed', ...checkpoints] = process.argv.slice(2)
const marks = checkpoints.map(Number)
const options =
  telemetry === 'on'
    ? {
        metrics: new Metrics({ namespace: 'heap', serviceName: 'orders' }),
        logger: new Logger({ serviceName: 'orders' }),
      }
    : { logger: false }
let n = 0
const handler = gateproof(async () => {
  n += 1
  if (mix === 'mixed' && n % 2 === 0) throw new Error('boom')
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' }
}, options)
const event = restEvent()
const context = lambdaContext({ remainingMs: 900_000 })

const heap = () => {
  for (let i = 0; i < 4; i++) globalThis.gc()
  return process.memoryUsage().heapUsed
}
const results = {}
let done = 0
for (const mark of marks) {
  for (; done < mark; done++) {
    event.requestContext.requestTimeEpoch = Date.now()
    await handler(event, context)
    // Let queued writes drain as they would between Lambda invocations.
    if (done % 1000 === 0) await new Promise((resolve) => setImmediate(resolve))
  }
  await new Promise((resolve) => setTimeout(resolve, 50))
  results[mark] = heap()
  results[`queued@${mark}`] = process.stdout.writableLength + process.stderr.writableLength
}
writeSync(3, `${JSON.stringify(results)}\n`)
