import type { Integration } from '@gateproof/core'
import {
  type ProxyShapeOptions,
  proxyShape,
  type ShapeTarget,
  validateProxyResult,
} from '@gateproof/proxy-shape'
import { eventFor, lambdaContext } from '@gateproof/testing'
import middy from '@middy/core'

/** Every front door, ALB in both header modes (A2). */
export const DOORS = ['rest', 'http-v1', 'http-v2', 'function-url', 'alb', 'alb-multi'] as const
export type Door = (typeof DOORS)[number]

export const integrationOf = (door: Door): Integration => (door === 'alb-multi' ? 'alb' : door)

export const doorEvent = (door: Door): unknown =>
  eventFor(integrationOf(door), {}, { multiValueHeaders: door === 'alb-multi' })

export const LAMBDA_REQUEST_ID = '9f2c4d1e-0000-4000-8000-00000000beef'

/** The id the error contract carries: the gateway's, else Lambda's (ALB events have none). */
export const REQUEST_IDS: Record<Door, string> = {
  rest: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
  'http-v1': 'JJbxmHrwvHcFxmA=',
  'http-v2': 'JKJaXmPLvHcESHA=',
  'function-url': 'd2d0f7a6-34c3-4e0b-9a5c-0e1e2fxmpl34',
  alb: LAMBDA_REQUEST_ID,
  'alb-multi': LAMBDA_REQUEST_ID,
}

export const context = () => lambdaContext({ awsRequestId: LAMBDA_REQUEST_ID })

/** Runs a handler returning `value` through real Middy with `proxyShape` first in the chain. */
export async function through(
  door: Door,
  value: unknown,
  options: ProxyShapeOptions = {},
): Promise<unknown> {
  const handler = middy(async () => value).use(proxyShape(options))
  return handler(doorEvent(door), context())
}

/** The 500 gateproof renders for what cannot be repaired: the error contract, never a message. */
export function internalError(door: Door): Record<string, unknown> {
  const body = JSON.stringify({
    type: 'about:blank',
    title: 'Internal Server Error',
    status: 500,
    errorType: 'InternalServerErrorException',
    requestId: REQUEST_IDS[door],
  })
  const headers = {
    'Content-Type': 'application/problem+json',
    'x-amzn-ErrorType': 'InternalServerErrorException',
  }
  if (door === 'alb-multi') {
    return {
      statusCode: 500,
      statusDescription: '500 Internal Server Error',
      multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
      body,
      isBase64Encoded: false,
    }
  }
  if (door === 'alb') {
    return {
      statusCode: 500,
      statusDescription: '500 Internal Server Error',
      headers,
      body,
      isBase64Encoded: false,
    }
  }
  return { statusCode: 500, headers, body, isBase64Encoded: false }
}

/** `[path, rule]` of each violation, for compact expectations. */
export function rulesOf(result: unknown, door: Door | 'universal'): Array<[string, string]> {
  const target: ShapeTarget = door === 'universal' ? door : integrationOf(door)
  return validateProxyResult(result, target, {
    albMultiValueHeaders: door === 'alb-multi',
  }).violations.map(({ path, rule }) => [path, rule])
}
