import { keyBy } from '@gateproof/redis-limiter'
import { albEvent, httpApiEvent, restEvent } from '@gateproof/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

/** Events no front door sends, and objects built to break readers. */
const hostileEvent = fc.oneof(
  fc.anything(),
  fc.constant('proxy' as const),
  fc.constant(
    Object.defineProperty({}, 'headers', {
      get() {
        throw new Error('getter')
      },
      enumerable: true,
    }),
  ),
  fc.record({
    headers: fc.dictionary(
      fc.constantFrom('__proto__', 'constructor', 'x-amz-tenant-id', 'X-Api-Key'),
      fc.anything(),
    ),
  }),
  fc.constant(
    Object.freeze({ headers: Object.assign(Object.create(null), { 'x-api-key': 'k\r\n\u0000' }) }),
  ),
  fc.constant({ Records: [{ eventSource: 'aws:sqs' }] }),
)

function throwingProxy(): object {
  const trap = () => {
    throw new Error('trap')
  }
  return new Proxy({}, { get: trap, has: trap, getOwnPropertyDescriptor: trap, ownKeys: trap })
}

describe('keyBy (issue 14: keys by tenant, API key, header)', () => {
  it('R14 tenant: the x-amz-tenant-id header, any casing', () => {
    expect(keyBy.tenant()(restEvent({ headers: { 'X-Amz-Tenant-Id': 'acme' } }))).toBe('acme')
    expect(keyBy.tenant()(httpApiEvent({ headers: { 'x-amz-tenant-id': 'globex' } }))).toBe(
      'globex',
    )
    expect(keyBy.tenant({ fallback: 'shared' })(albEvent())).toBe('shared')
  })

  it('R14 apiKey: REST identity.apiKey first, else the x-api-key header', () => {
    const rest = restEvent({ headers: { 'x-api-key': 'from-header' } })
    rest.requestContext.identity.apiKey = 'from-gateway'
    expect(keyBy.apiKey()(rest)).toBe('from-gateway')
    expect(keyBy.apiKey()(httpApiEvent({ headers: { 'x-api-key': 'k-1' } }))).toBe('k-1')
    expect(keyBy.apiKey()(httpApiEvent())).toBe('anonymous')
  })

  it('R14 header: any header, bounded length', () => {
    expect(keyBy.header('x-customer')(restEvent({ headers: { 'X-Customer': 'c-9' } }))).toBe('c-9')
    const long = 'a'.repeat(10_000)
    expect(keyBy.header('x-customer')(restEvent({ headers: { 'x-customer': long } }))).toHaveLength(
      128,
    )
    expect(() => keyBy.header('')).toThrow('keyBy.header needs a header name')
  })

  it('R14 property: never throws and always returns a non-empty string of at most 128 characters', () => {
    const keys = [keyBy.tenant(), keyBy.apiKey(), keyBy.header('x-api-key')]
    fc.assert(
      fc.property(hostileEvent, (generated) => {
        // Built here, not by fast-check, which would trip the traps while cloning or printing.
        const event = generated === 'proxy' ? throwingProxy() : generated
        for (const key of keys) {
          const value = key(event)
          expect(typeof value).toBe('string')
          expect(value.length).toBeGreaterThan(0)
          expect(value.length).toBeLessThanOrEqual(128)
        }
      }),
    )
  })
})
