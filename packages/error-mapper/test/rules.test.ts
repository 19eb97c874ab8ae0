import { ConditionalCheckFailedException, ThrottlingException } from '@aws-sdk/client-dynamodb'
import { restEvent } from '@gateproof/testing'
import middy from '@middy/core'
import httpJsonBodyParser from '@middy/http-json-body-parser'
import createError from 'http-errors'
import { describe, expect, it } from 'vitest'
import {
  BUILT_IN_RULES,
  type ErrorRule,
  errorMapper,
  jsonBodyParserRule,
  mapError,
  type RuleContext,
} from '../src/index.js'
import { answerTo, context, expectedResponse, FRONT_DOORS, withParsedBody } from './support.js'

const REST = FRONT_DOORS.find((door) => door.integration === 'rest')!

const conditionalCheckFailed = () =>
  new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: { httpStatusCode: 400 },
  })

const sdkThrottle = () =>
  new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } })

const connectionRefused = () =>
  Object.assign(new Error('connect ECONNREFUSED 10.0.3.7:6379'), { code: 'ECONNREFUSED' })

const CONTEXT: RuleContext = { integration: 'rest', throttleStatus: 503, retryAfterSeconds: 1 }

describe('user rules', () => {
  it('match by class and run before the built-in rules (an SDK client fault becomes 409)', async () => {
    const rules: ErrorRule[] = [
      {
        name: 'optimistic-lock',
        match: { instanceOf: ConditionalCheckFailedException },
        map: { status: 409, detail: 'The order changed meanwhile; reload it and retry.' },
      },
    ]
    const response = await answerTo(conditionalCheckFailed(), restEvent(), { rules })
    expect(withParsedBody(response)).toEqual(
      expectedResponse(REST, {
        status: 409,
        title: 'Conflict',
        errorType: 'ConflictException',
        detail: 'The order changed meanwhile; reload it and retry.',
      }),
    )
  })

  it('match by name, one of a list; an exposed 4xx without detail shows the thrown message', async () => {
    class EntityNotFound extends Error {
      override name = 'EntityNotFound'
    }
    const rules: ErrorRule[] = [
      { name: 'not-found', match: { name: ['EntityNotFound', 'NoSuchKey'] }, map: { status: 404 } },
    ]
    const response = await answerTo(new EntityNotFound('Order 42 does not exist'), restEvent(), {
      rules,
    })
    expect(withParsedBody(response)).toEqual(
      expectedResponse(REST, {
        status: 404,
        title: 'Not Found',
        errorType: 'NotFoundException',
        detail: 'Order 42 does not exist',
      }),
    )
  })

  it('match by code, with a Retry-After of their own', async () => {
    const rules: ErrorRule[] = [
      {
        name: 'cache-down',
        match: { code: ['ECONNREFUSED', 'ETIMEDOUT'] },
        map: { status: 503, retryAfterSeconds: 5 },
      },
    ]
    const response = await answerTo(connectionRefused(), restEvent(), { rules })
    expect(withParsedBody(response)).toEqual(
      expectedResponse(REST, {
        status: 503,
        title: 'Service Unavailable',
        errorType: 'ServiceUnavailableException',
        retryAfter: '5',
      }),
    )
  })

  it('match by predicate and map by function, with the rule context', () => {
    const seen: RuleContext[] = []
    const rule: ErrorRule = {
      name: 'quota',
      match: (error) => error instanceof Error && error.message.startsWith('quota:'),
      map: (_error, context) => {
        seen.push(context)
        return { status: 429, errorType: 'QuotaExceeded', title: 'Quota exceeded' }
      },
    }
    const mapped = mapError(new Error('quota: tenant 7'), [rule, ...BUILT_IN_RULES], CONTEXT)
    expect(mapped).toEqual({
      rule: 'quota',
      status: 429,
      title: 'Quota exceeded',
      expose: true,
      errorType: 'QuotaExceeded',
      detail: 'quota: tenant 7',
      headers: {},
      retryAfterSeconds: 1,
    })
    expect(seen).toEqual([CONTEXT])
  })

  it('combine name and code: both must match', () => {
    const rule: ErrorRule = {
      name: 'pg-unique',
      match: { name: 'DatabaseError', code: '23505' },
      map: { status: 409 },
    }
    const duplicate = Object.assign(new Error('duplicate key'), {
      name: 'DatabaseError',
      code: '23505',
    })
    const other = Object.assign(new Error('deadlock'), { name: 'DatabaseError', code: '40P01' })
    expect(mapError(duplicate, [rule], CONTEXT).status).toBe(409)
    expect(mapError(other, [rule], CONTEXT)).toMatchObject({ rule: 'fallback', status: 500 })
  })

  it('can never show the thrown message of a 5xx, even exposed; only their own detail', () => {
    const secret = new Error('password authentication failed for user "orders"')
    const exposedWithout = mapError(
      secret,
      [{ name: 'r', match: () => true, map: { status: 502, expose: true } }],
      CONTEXT,
    )
    expect(exposedWithout).not.toHaveProperty('detail')
    const exposedWith = mapError(
      secret,
      [
        {
          name: 'r',
          match: () => true,
          map: { status: 502, expose: true, detail: 'Payments are down.' },
        },
      ],
      CONTEXT,
    )
    expect(exposedWith).toMatchObject({ status: 502, expose: true, detail: 'Payments are down.' })
  })

  it('keep their headers but not the ones the renderer owns, and drop values with CR/LF (H3)', async () => {
    const rules: ErrorRule[] = [
      {
        name: 'gone',
        match: () => true,
        map: {
          status: 410,
          headers: {
            Link: '</orders/43>; rel="successor-version"',
            'Content-Type': 'text/html',
            'Content-Length': '0',
            'Transfer-Encoding': 'chunked',
            'x-amzn-ErrorType': 'Spoofed',
            'X-Injected': 'a\r\nSet-Cookie: session=stolen',
          },
        },
      },
    ]
    const response = await answerTo(new Error('gone'), restEvent(), { rules })
    expect(withParsedBody(response)).toEqual(
      expectedResponse(REST, {
        status: 410,
        title: 'Gone',
        errorType: 'GoneException',
        detail: 'gone',
        headers: {
          Link: '</orders/43>; rel="successor-version"',
        },
      }),
    )
  })

  it('whose map throws or returns no error status answer 500 and name the failed rule', () => {
    const throwing: ErrorRule = {
      name: 'throws',
      match: () => true,
      map: () => {
        throw new Error('bug')
      },
    }
    const invalid: ErrorRule = { name: 'invalid', match: () => true, map: () => ({ status: 200 }) }
    for (const rule of [throwing, invalid]) {
      expect(mapError(createError(404), [rule, ...BUILT_IN_RULES], CONTEXT)).toMatchObject({
        rule: 'fallback',
        failedRule: rule.name,
        status: 500,
      })
    }
  })

  it('whose matcher throws do not match; the next rule decides', () => {
    const hostile: ErrorRule = {
      name: 'hostile',
      match: () => {
        throw new Error('bug')
      },
      map: { status: 418 },
    }
    expect(mapError(createError(404), [hostile, ...BUILT_IN_RULES], CONTEXT)).toMatchObject({
      rule: 'http-status',
      status: 404,
    })
  })
})

describe('built-in rules as data', () => {
  it('can be reordered or dropped with builtInRules (without json-body-parser, its 422 stays 422)', async () => {
    const handler = middy(() => ({ statusCode: 200, body: '' }))
      .use(httpJsonBodyParser())
      .use(
        errorMapper({
          builtInRules: BUILT_IN_RULES.filter((rule) => rule !== jsonBodyParserRule),
        }),
      )
    const response = (await handler(
      restEvent({ headers: { 'Content-Type': 'application/json' }, body: '{' }),
      context(),
    )) as Record<string, unknown>
    expect(withParsedBody(response)).toMatchObject({
      statusCode: 422,
      body: { detail: 'Invalid or malformed JSON was provided' },
    })
  })

  it('can be extended at the end, e.g. to give the fallback 500 a title of its own', async () => {
    const response = await answerTo('boom', restEvent(), {
      builtInRules: [
        ...BUILT_IN_RULES,
        {
          name: 'catch-all',
          match: () => true,
          map: { status: 500, title: 'Something went wrong' },
        },
      ],
    })
    expect(withParsedBody(response)).toEqual(
      expectedResponse(REST, {
        status: 500,
        title: 'Something went wrong',
        errorType: 'InternalServerErrorException',
      }),
    )
  })

  it('are frozen, so one handler cannot change another’s', () => {
    expect(Object.isFrozen(BUILT_IN_RULES)).toBe(true)
  })
})

describe('options that shape the answer', () => {
  it('throttleStatus: 429 answers an SDK throttle 429 with Retry-After and a generic detail', async () => {
    const response = await answerTo(sdkThrottle(), restEvent(), { throttleStatus: 429 })
    expect(withParsedBody(response)).toEqual(
      expectedResponse(REST, {
        status: 429,
        title: 'Too Many Requests',
        errorType: 'TooManyRequestsException',
        detail: 'Too many requests. Retry later.',
        retryAfter: '1',
      }),
    )
  })

  it('retryAfterSeconds sets Retry-After where the error brings no hint', async () => {
    const response = await answerTo(sdkThrottle(), restEvent(), { retryAfterSeconds: 4 })
    expect(response.headers).toMatchObject({ 'Retry-After': '4' })
  })

  it('errorTypes overrides the x-amzn-ErrorType of a status', async () => {
    const response = await answerTo(createError(404, 'no order 42'), restEvent(), {
      errorTypes: { 404: 'OrderNotFound' },
    })
    expect(withParsedBody(response)).toEqual(
      expectedResponse(REST, {
        status: 404,
        title: 'Not Found',
        errorType: 'OrderNotFound',
        detail: 'no order 42',
      }),
    )
  })

  it("format: 'message' answers in API Gateway's own {message} shape", async () => {
    const response = await answerTo(createError(404, 'no order 42'), restEvent(), {
      format: 'message',
    })
    expect(withParsedBody(response)).toEqual({
      statusCode: 404,
      headers: { 'Content-Type': 'application/json', 'x-amzn-ErrorType': 'NotFoundException' },
      body: { message: 'no order 42', errorType: 'NotFoundException', requestId: REST.requestId },
      isBase64Encoded: false,
    })
  })

  it('a formatter that throws falls back to the problem format', async () => {
    const response = await answerTo(createError(404, 'no order 42'), restEvent(), {
      format: () => {
        throw new Error('formatter bug')
      },
    })
    expect(withParsedBody(response)).toEqual(
      expectedResponse(REST, {
        status: 404,
        title: 'Not Found',
        errorType: 'NotFoundException',
        detail: 'no order 42',
      }),
    )
  })

  it('integration overrides detection (a REST-shaped event answered as HTTP API: timeout → 503)', async () => {
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError')
    const response = await answerTo(timeout, restEvent(), { integration: 'http-v1' })
    expect(response).toMatchObject({ statusCode: 503, headers: { 'Retry-After': '1' } })
  })
})
