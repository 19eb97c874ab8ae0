import { checkPrelude, INTEGRATIONS } from '@gateproof/core'
import { installStreamingGlobals, invokeStreaming } from '@gateproof/testing'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  hostileThrown,
  prototypeNames,
  splittingString,
  throwingGetters,
} from '../../../test/support/hostile.js'
import { judgeStreamed } from '../src/stream-verdict.js'

let restore: () => void = () => undefined
beforeAll(() => {
  restore = installStreamingGlobals()
})
afterAll(() => restore())

type Global = {
  awslambda: {
    streamifyResponse<H>(handler: H): H
    HttpResponseStream: { from(stream: unknown, prelude: unknown): NodeJS.WritableStream }
  }
}
const lambda = () => (globalThis as unknown as Global).awslambda

/** Preludes a handler might write: hostile statuses, header names and values, cookies, traps. */
const prelude: fc.Arbitrary<() => unknown> = fc.oneof(
  fc
    .record(
      {
        statusCode: fc.oneof(fc.integer({ min: -1, max: 1000 }), fc.string(), fc.double()),
        headers: fc.dictionary(
          fc.oneof(fc.string(), prototypeNames, splittingString),
          fc.oneof(fc.string(), splittingString, fc.integer()),
        ),
        cookies: fc.array(fc.oneof(fc.string(), splittingString)),
        multiValueHeaders: fc.dictionary(fc.string(), fc.array(splittingString)),
      },
      { requiredKeys: ['statusCode'] },
    )
    .map((value) => () => value),
  throwingGetters,
)

/** What the handler does after its prelude: write and end, throw before writing, or throw mid-body. */
const plan = fc.record({
  prelude,
  body: fc.oneof(fc.string(), fc.uint8Array({ maxLength: 64 })),
  failure: fc.constantFrom('none', 'before-first-write', 'mid-body'),
  thrown: hostileThrown,
})

describe('gateproof check judges any streamed invocation (ST3, ST9, ST20, hostile generators)', () => {
  it('never throws, never prints a raw control character, and has no findings only for a clean prelude delivered whole', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...INTEGRATIONS), plan, async (door, p) => {
        const handler = lambda().streamifyResponse(async (_event: unknown, raw: unknown) => {
          if (p.failure === 'before-first-write') throw p.thrown()
          const stream = lambda().HttpResponseStream.from(raw, p.prelude())
          stream.write(p.body)
          if (p.failure === 'mid-body') throw p.thrown()
          stream.end()
        })
        const streamed = await invokeStreaming(handler, {}, undefined, { timeoutMs: 1_000 })
        const result = judgeStreamed(door, { name: 'p', request: 'GET /' }, streamed, {
          waitMs: 1_000,
          albMultiValueHeaders: false,
        })
        // biome-ignore lint/suspicious/noControlCharactersInRegex: the property is their absence
        expect(result.explanation).not.toMatch(/[\u0000-\u001f]/)
        expect(result.client.status).toBeGreaterThanOrEqual(100)
        expect(result.client.status).toBeLessThan(600)
        if (result.client.gatewayError) {
          expect(result.findings.some((f) => f.severity === 'error')).toBe(true)
        }
        const streams = door === 'rest' || door === 'function-url'
        if (streams && result.findings.length === 0) {
          expect(streamed.ended).toBe('complete')
          expect(checkPrelude(streamed.prelude, door).ok).toBe(true)
        }
        if (streamed.ended === 'truncated') expect(result.findings.length).toBeGreaterThan(0)
      }),
      { numRuns: 150 },
    )
  })
})
