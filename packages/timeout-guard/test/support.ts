import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import type { Integration, ProxyEvent } from '@gateproof/core'
import { type Capture, captureOutput, eventFor } from '@gateproof/testing'
import type { APIGatewayProxyResult } from 'aws-lambda'
import { afterEach, beforeEach, vi } from 'vitest'

/** 2026-11-22T12:00:00Z: every fake-timer test starts here. */
export const T0 = Date.UTC(2026, 10, 22, 12, 0, 0)

/**
 * Fake timers that Middy sees too: Middy core imports `setTimeout` from `node:timers`,
 * which only `fakeNodeBuiltins` replaces.
 */
export const useFakeClock = (now = T0) => vi.useFakeTimers({ fakeNodeBuiltins: true, now })

export interface EachTestCapture extends Capture {
  /** Ends the running test's capture (and fake clock) and starts afresh, as for each run of a property. */
  restart(): void
}

/**
 * Captures what Powertools prints during each test of the calling file or block, on fake
 * timers from T0 unless `fakeClock` is false. The returned capture reads the running test's.
 */
export function captureEachTest({ fakeClock = true } = {}): EachTestCapture {
  let current: Capture | undefined
  const start = () => {
    if (fakeClock) useFakeClock()
    current = captureOutput()
  }
  const end = () => {
    current?.stop()
    if (fakeClock) vi.useRealTimers()
  }
  beforeEach(start)
  afterEach(end)
  const running = (): Capture => {
    if (current === undefined) throw new Error('captureEachTest: read inside a test')
    return current
  }
  return {
    get lines() {
      return running().lines
    },
    metrics: () => running().metrics(),
    logs: () => running().logs(),
    stop: () => running().stop(),
    restart() {
      end()
      start()
    },
  }
}

/** A handler that never settles, as one stuck on a dependency that never answers. */
export const hangs = (): Promise<APIGatewayProxyResult> => new Promise(() => {})

/** An `onTimeout` hook (or anything) that never settles. */
export const neverSettles = (): Promise<void> => new Promise(() => {})

/** Tracks whether a promise has settled, without awaiting it. */
export function watch<T>(promise: Promise<T>): { readonly settled: boolean; result: Promise<T> } {
  const state = { settled: false, result: promise }
  promise.then(
    () => {
      state.settled = true
    },
    () => {
      state.settled = true
    },
  )
  return state
}

/** An event from each front door, received by the gateway at `arrivedAt`. */
export const eventFrom = (integration: Integration, arrivedAt: number): ProxyEvent =>
  eventFor(integration, undefined, { arrivedAt })

/** The request id each event factory carries (ALB events have none: Lambda's is used). */
export const gatewayRequestId: Record<Exclude<Integration, 'alb'>, string> = {
  rest: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
  'http-v1': 'JJbxmHrwvHcFxmA=',
  'http-v2': 'JKJaXmPLvHcESHA=',
  'function-url': 'd2d0f7a6-34c3-4e0b-9a5c-0e1e2fxmpl34',
}

export const powertools = () => ({
  metrics: new Metrics({ namespace: 'test', serviceName: 'orders' }),
  logger: new Logger({ serviceName: 'orders' }),
})

/** A proxy result with its JSON body parsed, for whole-response equality. */
export function withParsedBody(response: unknown): unknown {
  if (typeof response !== 'object' || response === null) return response
  const { body } = response as { body?: unknown }
  return { ...response, body: typeof body === 'string' ? JSON.parse(body) : body }
}
