import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { matchRoute } from '../src/local-gateway.js'

// Literal path segments and parameter names as API Gateway allows them.
const literal = fc.stringMatching(/^[a-z0-9_-]{1,8}$/)
const paramName = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_]{0,7}$/)
/** What a client may put in a segment, hostile included: CR/LF/NUL, `/`, `%`, `{`, unicode. */
const segmentValue = fc
  .oneof(
    fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme' }),
    fc.constantFrom('42\r\nX-Injected: 1', 'a/b', '%2F', '{id}', '\u0000', '..', 'ü€😀'),
  )
  .filter((value) => value.length > 0)

const route = fc
  .array(
    fc.oneof(
      literal.map((l) => ({ literal: l })),
      paramName.map((p) => ({ param: p })),
    ),
    {
      minLength: 1,
      maxLength: 4,
    },
  )
  .filter((segments) => {
    const names = segments.flatMap((s) => ('param' in s ? [s.param] : []))
    return new Set(names).size === names.length
  })

describe('local gateway routes (issue 13: "route path parameters from the CLI")', () => {
  it('a path built from a route template gives back every parameter value, however hostile', () => {
    fc.assert(
      fc.property(
        route,
        fc.array(segmentValue, { minLength: 4, maxLength: 4 }),
        (segments, values) => {
          const template = `/${segments.map((s) => ('param' in s ? `{${s.param}}` : s.literal)).join('/')}`
          const expected: Record<string, string> = {}
          const path = `/${segments
            .map((s, i) => {
              if (!('param' in s)) return s.literal
              expected[s.param] = values[i] as string
              return encodeURIComponent(values[i] as string)
            })
            .join('/')}`
          const matched = matchRoute([`GET ${template}`], path, 'GET')
          expect(matched).toEqual({
            resource: template,
            routeKey: `GET ${template}`,
            pathParameters: expected,
          })
        },
      ),
    )
  })

  it('any request path, malformed percent escapes included, is matched or not without throwing', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom('%', '%E0%A4%A', '%zz', ''), (raw, bad) => {
        const path = `/orders/${raw}${bad}`
        const matched = matchRoute(['/orders/{id}', '/files/{path+}'], path, 'GET')
        if (matched) expect(matched.resource).toMatch(/^\/(orders|files)\//)
      }),
    )
  })

  it('a route with a method matches only that method; without one (or ANY) every method', () => {
    const methods = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS')
    fc.assert(
      fc.property(methods, methods, fc.boolean(), (routeMethod, requestMethod, lower) => {
        const request = lower ? requestMethod.toLowerCase() : requestMethod
        const matched = matchRoute([`${routeMethod} /orders/{id}`], '/orders/1', request)
        expect(matched !== undefined).toBe(routeMethod === requestMethod)
        expect(matchRoute(['/orders/{id}'], '/orders/1', request)?.routeKey).toBe(
          'ANY /orders/{id}',
        )
        expect(matchRoute(['ANY /orders/{id}'], '/orders/1', request)).toBeDefined()
      }),
    )
  })
})
