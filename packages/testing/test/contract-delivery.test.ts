import {
  type ErrorDescription,
  type ErrorFormat,
  INTEGRATIONS,
  type Integration,
  type RenderedErrorResponse,
  renderErrorResponse,
} from '@gateproof/core'
import { albEvent, simulateGateway } from '@gateproof/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

const FORMATS: Array<[string, ErrorFormat]> = [
  ['problem', 'problem'],
  ['message', 'message'],
  [
    'a custom formatter',
    (contract) => ({ body: `${contract.status} ${contract.title}`, contentType: 'text/plain' }),
  ],
]

/** The headers as the simulator shows them for this front door (ALB: lower-case names). */
function headersAsDelivered(integration: Integration, rendered: RenderedErrorResponse) {
  const entries = rendered.headers
    ? Object.entries(rendered.headers)
    : Object.entries(rendered.multiValueHeaders ?? {}).map(([n, v]) => [n, v.join(', ')] as const)
  return Object.fromEntries(
    entries.map(([name, value]) => [integration === 'alb' ? name.toLowerCase() : name, value]),
  )
}

const deliver = (integration: Integration, rendered: RenderedErrorResponse, multi = false) =>
  simulateGateway(
    integration,
    { kind: 'returned', value: rendered },
    { albMultiValueHeaders: multi },
  )

const throttled: ErrorDescription = {
  status: 429,
  detail: 'Request rate exceeded. Retry after 2 seconds.',
  requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
  retryAfterSeconds: 2,
  headers: { 'Access-Control-Allow-Origin': '*' },
}

describe('the error contract reaches the client unchanged', () => {
  describe.each(FORMATS)('in the %s format', (_name, format) => {
    it.each([
      ['rest', ['R-format'], true],
      ['http-v1', ['H1-1', 'HDR-http-x-amzn'], false],
      ['http-v2', ['H2-3', 'HDR-http-x-amzn'], false],
      ['function-url', ['U4', 'U6'], true],
      ['alb', ['A1'], true],
    ] as const)('through %s (rows %j)', (integration, rows, confirmed) => {
      const event = integration === 'alb' ? albEvent() : undefined
      const rendered = renderErrorResponse(throttled, { format, integration, event })
      expect(deliver(integration, rendered)).toEqual({
        status: 429,
        headers: headersAsDelivered(integration, rendered),
        body: rendered.body,
        gatewayError: false,
        rows,
        confirmed,
      })
    })
  })

  it('through an ALB target group with multi-value headers (A2)', () => {
    const event = albEvent({}, { multiValueHeaders: true })
    const rendered = renderErrorResponse(throttled, { integration: 'alb', event })
    expect(deliver('alb', rendered, true)).toEqual({
      status: 429,
      headers: {
        'access-control-allow-origin': '*',
        'content-type': 'application/problem+json',
        'x-amzn-errortype': 'TooManyRequestsException',
        'retry-after': '2',
      },
      body: rendered.body,
      gatewayError: false,
      rows: ['A2', 'A1'],
      confirmed: true,
    })
  })

  it('turns what would have been the gateway 502/500 into the function own answer on every front door', () => {
    for (const integration of INTEGRATIONS) {
      const thrown = simulateGateway(integration, { kind: 'threw' })
      const rendered = renderErrorResponse({ status: 500 }, { integration, event: albEvent() })
      const delivered = deliver(integration, rendered)
      expect(thrown.gatewayError).toBe(true)
      expect(delivered).toMatchObject({ status: 500, gatewayError: false, body: rendered.body })
    }
  })

  it('holds for any error description, status and front door (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          status: fc.integer({ min: 400, max: 599 }),
          detail: fc.string(),
          title: fc.option(fc.string(), { nil: undefined }),
          errorType: fc.option(fc.string(), { nil: undefined }),
          requestId: fc.option(fc.string(), { nil: undefined }),
          retryAfterSeconds: fc.option(fc.double({ min: -10, max: 1e6 }), { nil: undefined }),
          headers: fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
          extensions: fc.option(fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 2 }), {
            nil: undefined,
          }),
        }),
        fc.constantFrom(...INTEGRATIONS),
        fc.constantFrom(...FORMATS.map(([, format]) => format)),
        fc.boolean(),
        (error, integration, format, multi) => {
          const event = albEvent({}, { multiValueHeaders: multi })
          const rendered = renderErrorResponse(error, { integration, format, event })
          const delivered = deliver(integration, rendered, integration === 'alb' && multi)
          expect(delivered.gatewayError).toBe(false)
          expect(delivered.status).toBe(error.status)
          expect(delivered.body).toBe(rendered.body)
        },
      ),
      { numRuns: 300 },
    )
  })
})
