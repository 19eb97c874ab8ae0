import { setTimeout as sleep } from 'node:timers/promises'
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda'
import { gateproof, getDeadline } from 'gateproof'

/**
 * On Lambda Managed Instances one Node worker thread serves many requests at once and
 * module scope is per worker, so an in-flight cap and an adaptive (latency-driven) limit
 * see real concurrency — unlike standard Lambda, where each environment runs one request.
 * Size `inFlight` below the worker's share of `PerExecutionEnvironmentMaxConcurrency`
 * (64 per vCPU for Node.js by default) so the function answers 429 before Lambda throttles.
 */
export const WORKER_IN_FLIGHT = 8

export async function render(_event: APIGatewayProxyEventV2, context: Context) {
  // Stands in for CPU- or IO-bound work that honours the deadline.
  await sleep(50, undefined, { signal: getDeadline(context)?.signal })
  return { statusCode: 200, body: 'rendered' }
}

export const handler = gateproof<APIGatewayProxyEventV2, APIGatewayProxyResultV2>(render, {
  loadShedder: {
    inFlight: WORKER_IN_FLIGHT,
    adaptive: {
      algorithm: 'gradient2',
      initialLimit: WORKER_IN_FLIGHT,
      minLimit: 2,
      maxLimit: WORKER_IN_FLIGHT,
    },
    priority: (event) => (event.rawPath.startsWith('/health') ? 'critical' : 'normal'),
  },
})
