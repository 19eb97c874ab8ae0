import { hasSplittingChars, INTEGRATIONS } from '@gateproof/core'
import { proxyShape, validateProxyResult } from '@gateproof/proxy-shape'
import { simulateGateway } from '@gateproof/testing'
import middy from '@middy/core'
import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  foreignEvents,
  hostileThrown,
  prototypeNames,
  splittingString,
} from '../../../test/support/hostile.js'
import { context, DOORS, doorEvent, internalError, rulesOf, through } from './helpers.js'

const RUNS = process.env.CI ? 2_000 : 200

/** Every string a header carries, wherever the response put it. */
function headerStrings(response: unknown): string[] {
  const r = response as Record<string, unknown>
  const out: string[] = []
  for (const [name, value] of Object.entries((r.headers as object) ?? {}))
    out.push(name, String(value))
  for (const [name, values] of Object.entries((r.multiValueHeaders as object) ?? {})) {
    out.push(name, ...(values as string[]))
  }
  out.push(...((r.cookies as string[]) ?? []))
  if (typeof r.statusDescription === 'string') out.push(r.statusDescription)
  return out
}

describe('H3: CR, LF and NUL never leave in a header', () => {
  it.each(DOORS)(
    'H3 %s: repair removes the header, the entry or the cookie and records control-characters',
    async (door) => {
      const result = {
        statusCode: 200,
        headers: { 'X-Evil': 'a\r\nSet-Cookie: s=1', 'X-Ok': 'fine', 'Bad\nName': 'x' },
        multiValueHeaders: { 'X-List': ['good', 'b\0ad'] },
        cookies: ['a=1', 'b=2\r\nX-Evil: 1'],
        body: 'ok',
      }
      const rules = rulesOf(result, door).filter(([, rule]) => rule === 'control-characters')
      expect(rules.length).toBeGreaterThan(0)
      const response = await through(door, result)
      for (const text of headerStrings(response)) expect(hasSplittingChars(text)).toBe(false)
      expect(JSON.stringify(response)).toContain('fine')
      expect(JSON.stringify(response)).toContain('good')
    },
  )

  it.each(DOORS)('H3 %s: strict renders the 500', async (door) => {
    const result = { statusCode: 200, headers: { 'X-Evil': 'a\r\nb' }, body: 'ok' }
    expect(await through(door, result, { mode: 'strict' })).toEqual(internalError(door))
  })

  it('H3: an ALB statusDescription with CR/LF is replaced by the standard one', async () => {
    const response = await through('alb', {
      statusCode: 200,
      statusDescription: '200 OK\r\nX-Evil: 1',
      headers: {},
      body: '',
      isBase64Encoded: false,
    })
    expect(response).toMatchObject({ statusDescription: '200 OK' })
  })

  it('H3: control characters in any header position never leave, and the front door delivers (property)', async () => {
    const text = fc.oneof(fc.string(), splittingString)
    const result = fc.record(
      {
        statusCode: fc.constantFrom(200, 201, 404),
        headers: fc.dictionary(fc.oneof(text, prototypeNames), text),
        multiValueHeaders: fc.dictionary(fc.oneof(text, prototypeNames), fc.array(text)),
        cookies: fc.array(text),
        body: fc.string(),
      },
      { requiredKeys: ['statusCode'] },
    )
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...DOORS), result, async (door, value) => {
        const response = await through(door, value)
        for (const item of headerStrings(response)) expect(hasSplittingChars(item)).toBe(false)
        const integration = door === 'alb-multi' ? 'alb' : door
        const client = simulateGateway(
          integration,
          { kind: 'returned', value: response },
          { albMultiValueHeaders: door === 'alb-multi' },
        )
        expect(client.gatewayError).toBe(false)
      }),
      { numRuns: RUNS },
    )
  })
})

describe('H4: prototype-named headers stay own keys', () => {
  it.each(['http-v2', 'function-url', 'alb'] as const)(
    'H4 %s: folding multiValueHeaders named constructor/toString/hasOwnProperty never reads Object.prototype',
    async (door) => {
      const result = {
        statusCode: 200,
        multiValueHeaders: JSON.parse(
          '{"constructor":["x"],"toString":["y"],"hasOwnProperty":["z"],"__proto__":["p"]}',
        ),
        body: '',
      }
      const response = (await through(door, result)) as { headers: Record<string, string> }
      expect(JSON.stringify(response)).not.toContain('native code')
      expect(response.headers.constructor).toBe('x')
      expect(response.headers.toString).toBe('y')
      expect(Object.getPrototypeOf(response.headers)).toBe(Object.prototype)
    },
  )

  it('H4: ALB multi-value mode moves prototype-named headers without reading Object.prototype', async () => {
    const response = await through('alb-multi', {
      statusCode: 200,
      headers: { constructor: 'x' },
      multiValueHeaders: {},
      body: '',
      isBase64Encoded: false,
    })
    expect(response).toMatchObject({ multiValueHeaders: { constructor: ['x'] } })
  })
})

describe('H9: the response is judged once', () => {
  it('H9: a getter that answers differently on each read is read once, and that value is sent', async () => {
    let reads = 0
    const result = {
      get statusCode() {
        reads += 1
        return reads === 1 ? 200 : 'not a status'
      },
      headers: {
        get 'X-Flip'() {
          reads += 1
          return reads <= 2 ? 'ok' : 'a\r\nb'
        },
      },
      body: 'ok',
    }
    for (const door of DOORS) {
      reads = 0
      const response = await through(door, result)
      // What leaves is plain data, the same however often Lambda serialises it.
      expect(JSON.parse(JSON.stringify(response))).toEqual(response)
      expect(response).toMatchObject(
        door === 'alb-multi'
          ? { statusCode: 200, multiValueHeaders: { 'X-Flip': ['ok'] } }
          : { statusCode: 200, headers: { 'X-Flip': 'ok' } },
      )
    }
  })

  it.each(DOORS)(
    'H9 %s: a Promise or a stream as the body is a violation, never "{}"',
    async (door) => {
      const { Readable } = await import('node:stream')
      for (const body of [Promise.resolve('x'), Readable.from(['x']), new ReadableStream()]) {
        const result = { statusCode: 200, body }
        expect(rulesOf(result, door)).toContainEqual(['$.body', 'body-type'])
        expect(await through(door, result)).toEqual(internalError(door))
      }
    },
  )

  it('H9: a Promise as the whole result is not a response on any front door', () => {
    for (const integration of INTEGRATIONS) {
      expect(validateProxyResult(Promise.resolve({}), integration).valid).toBe(false)
    }
  })
})

describe('H2: proxyShape alone steps aside for events of no HTTP front door', () => {
  it('H2: the result comes back untouched and an error is rethrown (property over foreign events)', async () => {
    await fc.assert(
      fc.asyncProperty(foreignEvents, async (event) => {
        const result = { batchItemFailures: [{ itemIdentifier: '1' }] }
        const returns = middy(async () => result).use(proxyShape())
        expect(await returns(event as never, context())).toBe(result)
        const error = new Error('retry me')
        const throws = middy(async () => {
          throw error
        }).use(proxyShape())
        await expect(throws(event as never, context())).rejects.toBe(error)
      }),
      { numRuns: 100 },
    )
  })
})

describe('H1 and H6: an unhandled hostile throw', () => {
  afterEach(() => vi.restoreAllMocks())

  it('H1: renders the 500 whatever was thrown, and H6: writes one JSON line without a Logger', async () => {
    const lines = vi.spyOn(console, 'error').mockImplementation(() => {})
    await fc.assert(
      fc.asyncProperty(hostileThrown, fc.constantFrom(...DOORS), async (make, door) => {
        lines.mockClear()
        const handler = middy(async () => {
          throw make()
        }).use(proxyShape())
        expect(await handler(doorEvent(door) as never, context())).toEqual(internalError(door))
        expect(lines).toHaveBeenCalledTimes(1)
        expect(JSON.parse(String(lines.mock.calls[0]?.[0]))).toMatchObject({
          level: 'ERROR',
          statusCode: 500,
        })
      }),
      { numRuns: RUNS },
    )
  })
})

describe('H6: a strict-mode 500 without a Logger', () => {
  afterEach(() => vi.restoreAllMocks())

  it('H6: a response rendered as 500 (strict) writes one JSON line naming the rule; logger: false silences it', async () => {
    const lines = vi.spyOn(console, 'error').mockImplementation(() => {})
    for (const door of DOORS) {
      lines.mockClear()
      const handler = middy(async () => ({ statusCode: 200, body: { a: 1 } })).use(
        proxyShape({ mode: 'strict' }),
      )
      expect(await handler(doorEvent(door) as never, context())).toEqual(internalError(door))
      expect(lines).toHaveBeenCalledTimes(1)
      expect(JSON.parse(String(lines.mock.calls[0]?.[0]))).toMatchObject({
        level: 'ERROR',
        message: 'response shape violation',
        statusCode: 500,
        action: 'rendered',
      })
    }
    lines.mockClear()
    const silent = middy(async () => ({ statusCode: 200, body: { a: 1 } })).use(
      proxyShape({ mode: 'strict', logger: false }),
    )
    await silent(doorEvent('rest') as never, context())
    expect(lines).not.toHaveBeenCalled()
  })
})
