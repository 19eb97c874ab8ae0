import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb'
import { type Integration, isErrorStatus, isObject, timeoutStatusFor } from '@gateproof/core'
import { captureOutput, simulateGateway } from '@gateproof/testing'
import middy from '@middy/core'
import fc from 'fast-check'
import createError from 'http-errors'
import { describe, expect, it } from 'vitest'
import { errorMapper } from '../src/index.js'
import { context, FRONT_DOORS, powertools } from './support.js'

/** A thrown value and the status it should be answered with on a front door. */
interface Thrown {
  value: unknown
  status: (integration: Integration) => number
}

// Every message a test throws starts with this, so a leak is easy to spot in a body.
const LEAK = 'leak:'
const always = (status: number) => () => status

const ownStatus = (value: unknown): number | undefined => {
  if (!isObject(value)) return undefined
  if (isErrorStatus(value.statusCode)) return value.statusCode
  return isErrorStatus(value.status) ? value.status : undefined
}

const lineBreak = fc.constantFrom('\r\n', '\n', '\r', '\u2028', '\u0000')
const text = fc.string({ maxLength: 40 })

const anyValue = fc
  .anything()
  .map((value): Thrown => ({ value, status: always(ownStatus(value) ?? 500) }))

const leakyString = text.map((s): Thrown => ({ value: `${LEAK}${s}`, status: always(500) }))

const leakyError = fc
  .tuple(text, lineBreak)
  .map(([s, br]): Thrown => ({ value: new Error(`${LEAK}${br}${s}`), status: always(500) }))

const httpError = fc
  .record({
    status: fc.integer({ min: 400, max: 599 }),
    message: text,
    br: lineBreak,
    expose: fc.option(fc.boolean(), { nil: undefined }),
    header: text,
  })
  .map(({ status, message, br, expose, header }): Thrown => {
    const props: Record<string, unknown> = { headers: { 'X-Note': `a${br}${header}` } }
    if (expose !== undefined) props.expose = expose
    return { value: createError(status, `${LEAK}${br}${message}`, props), status: always(status) }
  })

const timeoutError = fc.tuple(fc.constantFrom('TimeoutError', 'AbortError'), text).map(
  ([name, s]): Thrown => ({
    value: Object.assign(new Error(`${LEAK}${s}`), { name }),
    status: timeoutStatusFor,
  }),
)

const THROTTLES = ['ThrottlingException', 'SlowDown', 'ProvisionedThroughputExceededException']
const sdkError = fc
  .record({
    name: fc.constantFrom(
      ...THROTTLES,
      'AccessDeniedException',
      'ValidationException',
      'ResourceNotFoundException',
      'InternalFailure',
    ),
    fault: fc.constantFrom('client' as const, 'server' as const),
    httpStatusCode: fc.integer({ min: 400, max: 599 }),
    message: text,
  })
  .map(({ name, fault, httpStatusCode, message }): Thrown => {
    const throttled = THROTTLES.includes(name) || httpStatusCode === 429
    return {
      value: new DynamoDBServiceException({
        name,
        $fault: fault,
        $metadata: { httpStatusCode },
        message: `${LEAK}${message}`,
      }),
      status: always(throttled || fault === 'server' ? 503 : 500),
    }
  })

function hostileValues(): Thrown[] {
  const trap = () => {
    throw new Error(`${LEAK}trap`)
  }
  const everyTrapThrows = new Proxy({}, new Proxy({}, { get: () => trap }))
  const revoked = Proxy.revocable({}, {})
  revoked.revoke()
  const throwingGetters = Object.defineProperties(
    {},
    {
      statusCode: { get: trap, enumerable: true },
      message: { get: trap, enumerable: true },
      name: { get: trap, enumerable: true },
    },
  )
  const lyingToString = {
    message: `${LEAK}lying`,
    toString: trap,
    [Symbol.toPrimitive]: trap,
  }
  const circular = new Error(`${LEAK}circular`)
  circular.cause = circular
  const hostileHeaders = Object.assign(createError(404, `${LEAK}headers`), {
    headers: new Proxy({}, { ownKeys: trap }),
  })
  return [
    { value: everyTrapThrows, status: always(500) },
    { value: revoked.proxy, status: always(500) },
    { value: throwingGetters, status: always(500) },
    { value: lyingToString, status: always(500) },
    { value: Object.assign(Object.create(null), { message: `${LEAK}bare` }), status: always(500) },
    { value: circular, status: always(500) },
    // Headers that cannot be read are dropped; the status stands.
    { value: hostileHeaders, status: always(404) },
  ]
}

const thrown = fc.oneof(
  anyValue,
  leakyString,
  leakyError,
  httpError,
  timeoutError,
  sdkError,
  fc.constantFrom(...hostileValues()),
)

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const HEADER_BREAKERS = /[\r\n\u0000\u2028]/

const headerValues = (response: Record<string, unknown>): string[] => [
  ...Object.values((response.headers ?? {}) as Record<string, string>),
  ...Object.values((response.multiValueHeaders ?? {}) as Record<string, string[]>).flat(),
]

describe('any thrown value', () => {
  it('becomes a response the front door delivers with the intended status (F-unhandled), a 5xx body never carries the thrown message, no header splits, one metric and one log line', async () => {
    const { metrics, logger } = powertools()
    await fc.assert(
      fc.asyncProperty(thrown, fc.constantFrom(...FRONT_DOORS), async ({ value, status }, door) => {
        const handler = middy(() => {
          throw value
        }).use(errorMapper({ metrics, logger }))
        const capture = captureOutput()
        let response: Record<string, unknown>
        try {
          response = (await handler(door.event(), context())) as Record<string, unknown>
        } finally {
          capture.stop()
        }
        const intended = status(door.integration)
        expect(response.statusCode).toBe(intended)
        const client = simulateGateway(
          door.integration,
          { kind: 'returned', value: response },
          { albMultiValueHeaders: door.albMultiValueHeaders },
        )
        expect(client).toMatchObject({ status: intended, gatewayError: false })
        if (intended >= 500) expect(response.body).not.toContain(LEAK)
        for (const headerValue of headerValues(response)) {
          expect(headerValue).not.toMatch(HEADER_BREAKERS)
        }
        expect(capture.metrics().map((metric) => metric.name)).toEqual(['Error'])
        expect(capture.logs()).toHaveLength(1)
      }),
      { numRuns: 400 },
    )
  })
})
