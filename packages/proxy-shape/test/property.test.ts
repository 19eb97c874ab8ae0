import { Logger } from '@aws-lambda-powertools/logger'
import { INTEGRATIONS, type Integration } from '@gateproof/core'
import { type ProxyShapeMode, proxyShape, validateProxyResult } from '@gateproof/proxy-shape'
import { captureOutput, simulateGateway } from '@gateproof/testing'
import middy from '@middy/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { inspect, inspectFully } from '../src/inspect.js'
import { SHAPE_TARGETS, shapeProfile } from '../src/profiles.js'
import { isPlainlyValid } from '../src/shortcut.js'
import { context, DOORS, type Door, doorEvent, integrationOf } from './helpers.js'

const RUNS = process.env.CI ? 10_000 : 1_000
const TIMEOUT = process.env.CI ? 600_000 : 120_000

// Built once: generating megabytes per run would make the suite crawl. Bodies over
// Lambda's 6 MB and ALB's 1 MB; header values over REST's 10 240-byte budget and
// ALB's 16 KB line (three of them pass ALB's 32 KB).
const HUGE_BODIES = ['h'.repeat(6 * 1024 * 1024 + 1), 'm'.repeat(1024 * 1024 + 1)]
const HUGE_HEADERS = ['k'.repeat(11_000), 'l'.repeat(17_000)]

const rich = fc.anything({
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withSparseArray: true,
  withTypedArray: true,
  withObjectString: true,
  maxDepth: 3,
})

const bytes = fc
  .uint8Array({ maxLength: 64 })
  .chain((array) => fc.constantFrom<unknown>(array, Buffer.from(array), array.buffer))

const huge = fc.constantFrom(...HUGE_BODIES)
const hugeHeader = fc.constantFrom(...HUGE_HEADERS)

const circular = rich.map((value) => {
  const holder: Record<string, unknown> = { value }
  holder.self = holder
  return holder
})

const scalar = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.bigInt())

const statusCode = fc.oneof(
  fc.integer({ min: 100, max: 599 }),
  fc.integer({ min: 100, max: 599 }).map(String),
  fc.integer({ min: 100, max: 599 }).map((n) => ` ${n} `),
  fc.integer(),
  fc.double(),
  fc.string(),
  rich,
)

const headerMap = fc.dictionary(
  fc.oneof(
    fc.string({ minLength: 1 }),
    fc.constantFrom('Content-Type', 'content-type', 'Set-Cookie'),
  ),
  fc.oneof(
    { arbitrary: scalar, weight: 12 },
    { arbitrary: rich, weight: 2 },
    { arbitrary: hugeHeader, weight: 1 },
  ),
  { maxKeys: 6 },
)

const multiValueMap = fc.dictionary(
  fc.oneof(fc.string({ minLength: 1 }), fc.constantFrom('Set-Cookie', 'Vary')),
  fc.oneof(
    fc.array(fc.oneof({ arbitrary: scalar, weight: 5 }, { arbitrary: rich, weight: 1 }), {
      maxLength: 4,
    }),
    scalar,
    rich,
  ),
  { maxKeys: 4 },
)

// Weights keep multi-megabyte values to about 2 % of runs: enough cases, a bearable suite.
const body = fc.oneof(
  { arbitrary: fc.string(), weight: 18 },
  { arbitrary: fc.json(), weight: 6 },
  { arbitrary: fc.base64String(), weight: 6 },
  { arbitrary: fc.jsonValue(), weight: 6 },
  { arbitrary: rich, weight: 9 },
  { arbitrary: bytes, weight: 6 },
  { arbitrary: circular, weight: 3 },
  { arbitrary: huge, weight: 1 },
)

/** Objects that look like responses, correct or nearly so: where the interesting bugs are. */
const responseLike = fc.record(
  {
    statusCode,
    headers: fc.oneof({ arbitrary: headerMap, weight: 5 }, { arbitrary: rich, weight: 1 }),
    multiValueHeaders: fc.oneof(
      { arbitrary: multiValueMap, weight: 5 },
      { arbitrary: rich, weight: 1 },
    ),
    body,
    isBase64Encoded: fc.oneof(fc.boolean(), fc.constantFrom('true', 'false', null, 1)),
    cookies: fc.oneof(fc.array(scalar, { maxLength: 3 }), scalar),
    statusDescription: fc.oneof(fc.string(), rich),
    extra: rich,
    message: fc.string(),
  },
  { requiredKeys: [] },
)

const result = fc.oneof(
  { arbitrary: responseLike, weight: 36 },
  { arbitrary: rich, weight: 12 },
  { arbitrary: fc.jsonValue(), weight: 6 },
  { arbitrary: bytes, weight: 3 },
  { arbitrary: circular, weight: 3 },
  { arbitrary: huge, weight: 1 },
)

type Outcome = { kind: 'returned'; value: unknown } | { kind: 'threw'; value: unknown }

const outcome: fc.Arbitrary<Outcome> = fc.oneof(
  { arbitrary: result.map((value) => ({ kind: 'returned' as const, value })), weight: 9 },
  { arbitrary: rich.map((value) => ({ kind: 'threw' as const, value })), weight: 1 },
)

function handlerFor(mode: ProxyShapeMode, integration?: 'universal') {
  return middy(async (event: { outcome?: Outcome }) => {
    const { outcome } = event
    if (outcome?.kind === 'threw') throw outcome.value
    return outcome?.value
  }).use(proxyShape({ mode, integration, logger: new Logger({ serviceName: 'property' }) }))
}

const clientSees = (integration: Integration, door: Door, value: unknown) =>
  simulateGateway(
    integration,
    { kind: 'returned', value },
    { albMultiValueHeaders: door === 'alb-multi' },
  )

describe.each(['repair', 'strict'] as const)(
  '%s mode: no handler result reaches the client as a gateway error',
  (mode) => {
    it.each(DOORS)(
      '%s (F-unhandled, R6, R7, R12, R17, H1-2, H2-3, A4, §2.1, §6.4)',
      async (door) => {
        const integration = integrationOf(door)
        const handler = handlerFor(mode)
        let gatewayErrorsWithout = 0
        await fc.assert(
          fc.asyncProperty(outcome, async (generated) => {
            const unguarded =
              generated.kind === 'threw'
                ? simulateGateway(integration, { kind: 'threw' })
                : clientSees(integration, door, generated.value)
            if (unguarded.gatewayError) gatewayErrorsWithout += 1

            const capture = captureOutput() // unhandled errors are logged
            let response: unknown
            try {
              response = await handler(
                { ...(doorEvent(door) as object), outcome: generated } as never,
                context(),
              )
            } finally {
              capture.stop()
            }
            const client = clientSees(integration, door, response)
            expect(client.gatewayError).toBe(false)
            expect(
              validateProxyResult(response, integration, {
                albMultiValueHeaders: door === 'alb-multi',
              }),
            ).toEqual({ valid: true, violations: [] })
            if (mode === 'strict' && client.status === 500) {
              expect(JSON.parse(String((response as { body: string }).body))).toMatchObject({
                status: 500,
                errorType: 'InternalServerErrorException',
              })
            }
          }),
          { numRuns: RUNS },
        )
        // The generator must produce plenty of results the front door would reject on its own.
        expect(gatewayErrorsWithout).toBeGreaterThan(RUNS / 5)
      },
      TIMEOUT,
    )
  },
)

describe('universal shape', () => {
  it(
    'integration universal: whatever the event, the response is one REST, HTTP API, Function URLs and ALB all deliver',
    async () => {
      const handler = handlerFor('repair', 'universal')
      await fc.assert(
        fc.asyncProperty(outcome, async (generated) => {
          const capture = captureOutput()
          let response: unknown
          try {
            response = await handler({ outcome: generated }, context())
          } finally {
            capture.stop()
          }
          for (const integration of INTEGRATIONS) {
            const client = simulateGateway(integration, { kind: 'returned', value: response })
            expect(client.gatewayError, integration).toBe(false)
          }
        }),
        { numRuns: Math.ceil(RUNS / 4) },
      )
    },
    TIMEOUT,
  )
})

describe('the rule engine', () => {
  it.each([...SHAPE_TARGETS.map((target) => [target, false] as const), ['alb', true] as const])(
    '%s (multi-value headers: %s): every repair it builds passes its own rules',
    (target, multi) => {
      const profile = shapeProfile(target, multi)
      let repairs = 0
      fc.assert(
        fc.property(result, (value) => {
          const inspection = inspect(value, profile)
          if (inspection.violations.length === 0 || inspection.unfixable) return
          repairs += 1
          expect(inspect(inspection.repaired, profile).violations).toEqual([])
        }),
        { numRuns: RUNS },
      )
      expect(repairs).toBeGreaterThan(RUNS / 20)
    },
    TIMEOUT,
  )
})

/** Mostly absent: a key most front doors do not read would disqualify most cases. */
const rarely = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary, weight: 1 })

const stringy = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.string(), weight: 9 }, { arbitrary, weight: 1 })

const headerDictionary = fc.dictionary(fc.string({ minLength: 1 }), stringy(scalar), { maxKeys: 4 })
const multiValueDictionary = fc.dictionary(
  fc.string({ minLength: 1 }),
  fc.array(stringy(scalar), { maxLength: 3 }),
  { maxKeys: 3 },
)

/**
 * Responses as handlers usually build them, mostly valid: what the shortcut is for.
 * `multi`: headers as ALB's multi-value mode wants them.
 */
const usual = (multi: boolean) =>
  fc
    .record({
      statusCode: fc.oneof(fc.integer({ min: 100, max: 599 }), fc.integer({ min: 0, max: 1000 })),
      statusDescription: rarely(fc.string()),
      headers: multi
        ? rarely(headerDictionary)
        : fc.oneof(
            { arbitrary: headerDictionary, weight: 8 },
            { arbitrary: fc.constant(undefined), weight: 2 },
            { arbitrary: fc.constant(null), weight: 1 },
            { arbitrary: hugeHeader.map((value) => ({ 'x-big': value })), weight: 1 },
          ),
      multiValueHeaders: multi ? multiValueDictionary : rarely(multiValueDictionary),
      cookies: rarely(fc.array(stringy(scalar), { maxLength: 2 })),
      body: fc.oneof({ arbitrary: fc.string(), weight: 9 }, { arbitrary: huge, weight: 1 }),
      isBase64Encoded: fc.oneof(
        { arbitrary: fc.constant(false), weight: 6 },
        { arbitrary: fc.constant(undefined), weight: 3 },
        { arbitrary: fc.constant(true), weight: 1 },
      ),
      extra: rarely(fc.string()),
    })
    .map((fields) =>
      Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)),
    )

describe('the shortcut for common valid responses', () => {
  it.each([...SHAPE_TARGETS.map((target) => [target, false] as const), ['alb', true] as const])(
    '%s (multi-value headers: %s): what it lets through, the full walk finds valid',
    (target, multi) => {
      const profile = shapeProfile(target, multi)
      let taken = 0
      fc.assert(
        fc.property(
          fc.oneof({ arbitrary: usual(multi), weight: 9 }, { arbitrary: result, weight: 1 }),
          (value) => {
            if (!isPlainlyValid(value, profile)) return
            taken += 1
            expect(inspectFully(value, profile).violations).toEqual([])
          },
        ),
        { numRuns: RUNS },
      )
      expect(taken).toBeGreaterThan(RUNS / 100)
    },
    TIMEOUT,
  )
})
