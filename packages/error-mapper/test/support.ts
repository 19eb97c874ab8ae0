import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import type { Integration, ProxyEvent } from '@gateproof/core'
import {
  albEvent,
  functionUrlEvent,
  httpApiEvent,
  httpApiV1Event,
  lambdaContext,
  restEvent,
} from '@gateproof/testing'
import middy from '@middy/core'
import { type ErrorMapperOptions, errorMapper } from '../src/index.js'

/**
 * One front door as a test sends to it. `row` is the gateway-facts row the simulator
 * cites for delivering a well-formed result; `rows` names every row a test relies on.
 */
export interface FrontDoor {
  label: string
  integration: Integration
  row: string
  rows: string
  event: () => ProxyEvent
  requestId: string
  albMultiValueHeaders?: boolean
}

// ALB events carry no request id; the Lambda one stands in (core's `requestIdOf`).
export const LAMBDA_REQUEST_ID = '5a8b2d4e-0000-4000-8000-00000000a1b0'

export const FRONT_DOORS: readonly FrontDoor[] = [
  {
    label: 'REST',
    integration: 'rest',
    row: 'R-format',
    rows: 'R-format, R6',
    event: () => restEvent(),
    requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
  },
  {
    label: 'HTTP API 1.0',
    integration: 'http-v1',
    row: 'H1-1',
    rows: 'H1-1, H1-2, HDR-http-x-amzn',
    event: () => httpApiV1Event(),
    requestId: 'JJbxmHrwvHcFxmA=',
  },
  {
    label: 'HTTP API 2.0',
    integration: 'http-v2',
    row: 'H2-3',
    rows: 'H2-3, HDR-http-x-amzn',
    event: () => httpApiEvent(),
    requestId: 'JKJaXmPLvHcESHA=',
  },
  {
    label: 'ALB',
    integration: 'alb',
    row: 'A1',
    rows: 'A1',
    event: () => albEvent(),
    requestId: LAMBDA_REQUEST_ID,
  },
  {
    label: 'ALB with multi-value headers',
    integration: 'alb',
    row: 'A2',
    rows: 'A2',
    event: () => albEvent(undefined, { multiValueHeaders: true }),
    requestId: LAMBDA_REQUEST_ID,
    albMultiValueHeaders: true,
  },
  {
    label: 'Function URL',
    integration: 'function-url',
    row: 'U4',
    rows: 'U4',
    event: () => functionUrlEvent(),
    requestId: 'd2d0f7a6-34c3-4e0b-9a5c-0e1e2fxmpl34',
  },
]

export const context = () => lambdaContext({ awsRequestId: LAMBDA_REQUEST_ID })

/** Real Powertools instances, as a handler creates them once at init. */
export const powertools = () => ({
  metrics: new Metrics({ namespace: 'test', serviceName: 'orders' }),
  logger: new Logger({ serviceName: 'orders' }),
})

/** Runs a real Middy handler that throws `thrown`, with only the error mapper attached. */
export async function answerTo(
  thrown: unknown,
  event: ProxyEvent,
  options: ErrorMapperOptions = {},
): Promise<Record<string, unknown>> {
  const handler = middy(() => {
    throw thrown
  }).use(errorMapper(options))
  return (await handler(event, context())) as Record<string, unknown>
}

/** What the client should see, written out independently of the renderer. */
export interface ExpectedError {
  status: number
  title: string
  errorType: string
  detail?: string
  errors?: Array<{ pointer: string; detail: string }>
  retryAfter?: string
  headers?: Record<string, string>
}

/** The whole proxy result for `door`, with the body parsed (compare with `withParsedBody`). */
export function expectedResponse(door: FrontDoor, expected: ExpectedError) {
  const body = {
    type: 'about:blank',
    title: expected.title,
    status: expected.status,
    ...(expected.detail === undefined ? {} : { detail: expected.detail }),
    errorType: expected.errorType,
    requestId: door.requestId,
    ...(expected.errors === undefined ? {} : { errors: expected.errors }),
  }
  const headers: Record<string, string> = {
    ...expected.headers,
    'Content-Type': 'application/problem+json',
    'x-amzn-ErrorType': expected.errorType,
    ...(expected.retryAfter === undefined ? {} : { 'Retry-After': expected.retryAfter }),
  }
  const alb = door.integration === 'alb'
  return {
    statusCode: expected.status,
    ...(alb ? { statusDescription: `${expected.status} ${expected.title}` } : {}),
    ...(door.albMultiValueHeaders
      ? {
          multiValueHeaders: Object.fromEntries(
            Object.entries(headers).map(([name, value]) => [name, [value]]),
          ),
        }
      : { headers }),
    body,
    isBase64Encoded: false,
  }
}

export const withParsedBody = (response: Record<string, unknown>) => ({
  ...response,
  body: JSON.parse(response.body as string) as unknown,
})
