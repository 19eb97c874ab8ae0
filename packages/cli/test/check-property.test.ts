import { INTEGRATIONS } from '@gateproof/core'
import { validateProxyResult } from '@gateproof/proxy-shape'
import type { FunctionOutcome } from '@gateproof/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  hostileThrown,
  oddObjects,
  prototypeNames,
  revokedProxy,
  splittingString,
  throwingGetters,
  throwingProxy,
} from '../../../test/support/hostile.js'
import { judge } from '../src/verdict.js'

const integration = fc.constantFrom(...INTEGRATIONS)

/** Results a handler might return: anything, hostile objects, responses with traps inside. */
const hostileResult: fc.Arbitrary<() => unknown> = fc.oneof(
  fc.anything().map((value) => () => value),
  oddObjects,
  throwingGetters,
  throwingProxy,
  revokedProxy,
  fc
    .record({
      statusCode: fc.oneof(fc.integer({ min: 100, max: 599 }), fc.string()),
      headers: fc.dictionary(
        fc.oneof(fc.string(), prototypeNames, splittingString),
        fc.oneof(fc.string(), splittingString, fc.integer(), fc.boolean()),
      ),
      body: fc.oneof(fc.string(), fc.object(), fc.constant('x'.repeat(7_000_000))),
      isBase64Encoded: fc.oneof(fc.boolean(), fc.constant('yes')),
    })
    .map((response) => () => response),
  fc.constant(() => Object.assign(Object.create(null), { statusCode: 200, body: 'ok' })),
  fc.constant(() => Object.freeze({ statusCode: 200, headers: Object.freeze({}), body: 'ok' })),
  fc.constant(() => JSON.parse('{"statusCode":200,"__proto__":{"polluted":true},"body":"ok"}')),
)

const outcome: fc.Arbitrary<() => FunctionOutcome> = fc.oneof(
  hostileResult.map((make) => () => ({ kind: 'returned' as const, value: make() })),
  hostileThrown.map((make) => () => ({ kind: 'threw' as const, error: make() })),
  fc.constantFrom(
    () => ({ kind: 'integration-timeout' as const }),
    () => ({ kind: 'function-timeout' as const }),
  ),
)

const options = { waitMs: 100, albMultiValueHeaders: false }
const probe = { name: 'ordinary request', request: 'GET /orders/{id}' }

describe('gateproof check judges any outcome (issue 17, hostile generators)', () => {
  it('never throws, and a front-door answer always comes with an error finding that explains it', () => {
    fc.assert(
      fc.property(integration, outcome, (door, make) => {
        const result = judge(door, probe, make(), options)
        expect(
          result.explanation.startsWith(`${result.frontDoor} client sees ${result.client.status}`),
        ).toBe(true)
        if (result.client.gatewayError) {
          expect(result.findings.some((f) => f.severity === 'error')).toBe(true)
          expect(result.explanation).toContain(' because ')
        }
      }),
      { numRuns: 300 },
    )
  })

  it('no findings only when the client gets the function’s own, valid response', () => {
    fc.assert(
      fc.property(integration, hostileResult, (door, make) => {
        const value = make()
        const result = judge(door, probe, { kind: 'returned', value }, options)
        if (result.findings.length === 0) {
          expect(result.client.gatewayError).toBe(false)
          expect(validateProxyResult(value, door).valid).toBe(true)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('a response echoing CR/LF/NUL into a header is never reported clean', () => {
    fc.assert(
      fc.property(integration, splittingString, (door, value) => {
        const result = judge(
          door,
          probe,
          {
            kind: 'returned',
            value: {
              statusCode: 200,
              headers: { location: value },
              body: '',
              isBase64Encoded: false,
            },
          },
          options,
        )
        expect(result.findings.length).toBeGreaterThan(0)
      }),
      { numRuns: 100 },
    )
  })
})
