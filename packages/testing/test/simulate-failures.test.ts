import type { Integration } from '@gateproof/core'
import { type FunctionOutcome, simulateGateway } from '@gateproof/testing'
import { describe, expect, it } from 'vitest'

const REST_5XX = {
  'Content-Type': 'application/json',
  'x-amzn-ErrorType': 'InternalServerErrorException',
}
const JSON_TYPE = { 'content-type': 'application/json' }
const albPage = (rows: string[]) => ({
  status: 502,
  headers: { 'content-type': 'text/html', server: 'awselb/2.0' },
  body: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n',
  gatewayError: true,
  rows,
  confirmed: false,
})

const simulate = (integration: Integration, outcome: FunctionOutcome) =>
  simulateGateway(integration, outcome)

describe('§2.1 unhandled exception (threw)', () => {
  it('REST answers 502 {"message": "Internal server error"}', () => {
    expect(simulate('rest', { kind: 'threw', error: new Error('boom') })).toEqual({
      status: 502,
      headers: REST_5XX,
      body: '{"message": "Internal server error"}',
      gatewayError: true,
      rows: ['F-unhandled'],
      confirmed: true,
    })
  })

  it.each(['http-v1', 'http-v2'] as const)(
    'HTTP API (%s) answers 500 {"message":"Internal Server Error"}',
    (integration) => {
      expect(simulate(integration, { kind: 'threw' })).toEqual({
        status: 500,
        headers: JSON_TYPE,
        body: '{"message":"Internal Server Error"}',
        gatewayError: true,
        rows: ['F-unhandled'],
        confirmed: true,
      })
    },
  )

  it('ALB answers 502 (page body expected, not verified)', () => {
    expect(simulate('alb', { kind: 'threw' })).toEqual(albPage(['F-unhandled', 'BODY-alb-error']))
  })

  it('a Function URL answers 502 Internal Server Error in plain text', () => {
    expect(simulate('function-url', { kind: 'threw' })).toEqual({
      status: 502,
      headers: {},
      body: 'Internal Server Error',
      gatewayError: true,
      rows: ['F-unhandled'],
      confirmed: true,
    })
  })
})

describe('§2.1 function timeout (function-timeout)', () => {
  it('REST answers 502, as for any function error', () => {
    expect(simulate('rest', { kind: 'function-timeout' })).toEqual({
      status: 502,
      headers: REST_5XX,
      body: '{"message": "Internal server error"}',
      gatewayError: true,
      rows: ['F-timeout'],
      confirmed: true,
    })
  })

  it.each(['http-v1', 'http-v2'] as const)('HTTP API (%s) answers 500', (integration) => {
    expect(simulate(integration, { kind: 'function-timeout' })).toEqual({
      status: 500,
      headers: JSON_TYPE,
      body: '{"message":"Internal Server Error"}',
      gatewayError: true,
      rows: ['F-timeout'],
      confirmed: true,
    })
  })

  it('ALB answers 502 (page body expected, not verified)', () => {
    expect(simulate('alb', { kind: 'function-timeout' })).toEqual(
      albPage(['F-timeout', 'BODY-alb-error']),
    )
  })

  it('a Function URL answers 502 (expected, not verified)', () => {
    expect(simulate('function-url', { kind: 'function-timeout' })).toEqual({
      status: 502,
      headers: {},
      body: 'Internal Server Error',
      gatewayError: true,
      rows: ['F-timeout', 'unconfirmed'],
      confirmed: false,
    })
  })
})

describe('§2.1 integration timeout (integration-timeout)', () => {
  it('REST answers 504 {"message": "Endpoint request timed out"}', () => {
    expect(simulate('rest', { kind: 'integration-timeout' })).toEqual({
      status: 504,
      headers: { 'Content-Type': 'application/json' },
      body: '{"message": "Endpoint request timed out"}',
      gatewayError: true,
      rows: ['F-integration-timeout'],
      confirmed: true,
    })
  })

  it.each(['http-v1', 'http-v2'] as const)(
    'HTTP API (%s) answers 503 {"message":"Service Unavailable"}, not 504',
    (integration) => {
      expect(simulate(integration, { kind: 'integration-timeout' })).toEqual({
        status: 503,
        headers: JSON_TYPE,
        body: '{"message":"Service Unavailable"}',
        gatewayError: true,
        rows: ['F-integration-timeout'],
        confirmed: true,
      })
    },
  )

  it('ALB has none of its own: the function timeout applies, 502 (page body expected, not verified)', () => {
    expect(simulate('alb', { kind: 'integration-timeout' })).toEqual(
      albPage(['F-integration-timeout', 'F-timeout', 'BODY-alb-error']),
    )
  })

  it('a Function URL has none of its own: the function timeout applies, 502 (expected, not verified)', () => {
    expect(simulate('function-url', { kind: 'integration-timeout' })).toEqual({
      status: 502,
      headers: {},
      body: 'Internal Server Error',
      gatewayError: true,
      rows: ['F-integration-timeout', 'F-timeout', 'unconfirmed'],
      confirmed: false,
    })
  })
})

describe('§2.1 throttled by Lambda (throttled)', () => {
  it('REST answers 500, not 429', () => {
    expect(simulate('rest', { kind: 'throttled' })).toEqual({
      status: 500,
      headers: REST_5XX,
      body: '{"message": "Internal server error"}',
      gatewayError: true,
      rows: ['F-throttle'],
      confirmed: true,
    })
  })

  it.each(['http-v1', 'http-v2'] as const)(
    'HTTP API (%s) answers 500 (expected, not verified)',
    (integration) => {
      expect(simulate(integration, { kind: 'throttled' })).toEqual({
        status: 500,
        headers: JSON_TYPE,
        body: '{"message":"Internal Server Error"}',
        gatewayError: true,
        rows: ['F-throttle', 'unconfirmed'],
        confirmed: false,
      })
    },
  )

  it('ALB answers 502, not 429 (page body expected, not verified)', () => {
    expect(simulate('alb', { kind: 'throttled' })).toEqual(
      albPage(['F-throttle', 'BODY-alb-error']),
    )
  })

  it('a Function URL passes the 429 on (body expected, not verified)', () => {
    expect(simulate('function-url', { kind: 'throttled' })).toEqual({
      status: 429,
      headers: JSON_TYPE,
      body: '{"message":"Rate Exceeded."}',
      gatewayError: true,
      rows: ['F-throttle', 'BODY-furl-throttle'],
      confirmed: false,
    })
  })
})
