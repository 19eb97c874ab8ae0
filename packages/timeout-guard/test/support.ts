import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import type { Integration, ProxyEvent } from '@gateproof/core'
import {
  albEvent,
  functionUrlEvent,
  httpApiEvent,
  httpApiV1Event,
  restEvent,
} from '@gateproof/testing'
import type { APIGatewayProxyResult } from 'aws-lambda'
import { vi } from 'vitest'

/** 2026-11-22T12:00:00Z: every fake-timer test starts here. */
export const T0 = Date.UTC(2026, 10, 22, 12, 0, 0)

/**
 * Fake timers that Middy sees too: Middy core imports `setTimeout` from `node:timers`,
 * which only `fakeNodeBuiltins` replaces.
 */
export const useFakeClock = (now = T0) => vi.useFakeTimers({ fakeNodeBuiltins: true, now })

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
export const eventFrom: Record<Integration, (arrivedAt: number) => ProxyEvent> = {
  rest: (arrivedAt) => restEvent(undefined, { arrivedAt }),
  'http-v1': (arrivedAt) => httpApiV1Event(undefined, { arrivedAt }),
  'http-v2': (arrivedAt) => httpApiEvent(undefined, { arrivedAt }),
  alb: (arrivedAt) => albEvent(undefined, { arrivedAt }),
  'function-url': (arrivedAt) => functionUrlEvent(undefined, { arrivedAt }),
}

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
