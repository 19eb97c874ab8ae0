import {
  NotFoundError,
  InternalServerError as PowertoolsInternalServerError,
  RequestValidationError,
  ServiceUnavailableError,
} from '@aws-lambda-powertools/event-handler/http'
import {
  ConditionalCheckFailedException,
  InternalServerError as DynamoDBInternalServerError,
  DynamoDBServiceException,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ResourceNotFoundException,
  ThrottlingException,
} from '@aws-sdk/client-dynamodb'
import { gateproofError, type Integration, isHttpApi } from '@gateproof/core'
import { lambdaContext, restEvent, simulateGateway } from '@gateproof/testing'
import middy from '@middy/core'
import httpJsonBodyParser from '@middy/http-json-body-parser'
import validator from '@middy/validator'
import { transpileSchema } from '@middy/validator/transpile'
import createError from 'http-errors'
import { beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { BUILT_IN_RULES, mapError } from '../src/index.js'
import {
  answerTo,
  type ExpectedError,
  expectedResponse,
  FRONT_DOORS,
  withParsedBody,
} from './support.js'

/** Runs a real Middy chain without the mapper and returns what it threw. */
async function thrownBy(
  handler: (event: never, context: never) => unknown,
  event: unknown,
  context: unknown = lambdaContext(),
) {
  try {
    await handler(event as never, context as never)
  } catch (error) {
    return error
  }
  throw new Error('expected the handler to throw')
}

const real: Record<string, unknown> = {}

beforeAll(async () => {
  // Middy core's own early timeout: the handler never settles, the Lambda budget is 6 ms.
  real.middyTimeout = await thrownBy(
    middy(() => new Promise(() => {}), { timeoutEarlyInMillis: 5 }),
    restEvent(),
    lambdaContext({ remainingMs: 6 }),
  )
  const schema = transpileSchema({
    type: 'object',
    required: ['body'],
    properties: {
      body: {
        type: 'object',
        required: ['name'],
        properties: { name: { type: 'string' }, qty: { type: 'integer', maximum: 10 } },
        additionalProperties: false,
      },
    },
  })
  real.validatorEvent = await thrownBy(middy(() => ({})).use(validator({ eventSchema: schema })), {
    body: { qty: 50, extra: 'card 4111 1111 1111 1111' },
  })
  real.validatorResponse = await thrownBy(
    middy(() => ({ statusCode: 'nope' })).use(
      validator({
        responseSchema: transpileSchema({
          type: 'object',
          required: ['body'],
          properties: { body: { type: 'string' } },
        }),
      }),
    ),
    {},
  )
  const parser = middy(() => ({})).use(httpJsonBodyParser())
  real.malformedJson = await thrownBy(
    parser,
    restEvent({ headers: { 'Content-Type': 'application/json' }, body: '{"card": "4111' }),
  )
  real.unsupportedMediaType = await thrownBy(
    parser,
    restEvent({ headers: { 'Content-Type': 'text/plain' }, body: 'card=4111' }),
  )
  real.zod = z
    .object({ age: z.number().int().positive(), tags: z.array(z.string()) })
    .safeParse({ age: -3, tags: ['a', 5] }).error
})

const sdk = <T>(Exception: new (opts: never) => T, message: string, extra = {}): T =>
  new Exception({ message, $metadata: { httpStatusCode: 400 }, ...extra } as never)

interface Case {
  rule: string
  name: string
  thrown: () => unknown
  expected: (integration: Integration) => ExpectedError
}

const SERVER_ERROR = {
  status: 500,
  title: 'Internal Server Error',
  errorType: 'InternalServerErrorException',
} as const
const UNAVAILABLE = {
  status: 503,
  title: 'Service Unavailable',
  errorType: 'ServiceUnavailableException',
  retryAfter: '1',
} as const

const CASES: Case[] = [
  {
    rule: 'middy-validator',
    name: "@middy/validator's event error → 400 with ajv paths and messages, no values",
    thrown: () => real.validatorEvent,
    expected: () => ({
      status: 400,
      title: 'Bad Request',
      errorType: 'BadRequestException',
      detail: 'Event object failed validation',
      errors: [
        { pointer: '#/body', detail: "must have required property 'name'" },
        { pointer: '#/body', detail: 'must NOT have additional properties' },
        { pointer: '#/body/qty', detail: 'must be <= 10' },
      ],
    }),
  },
  {
    rule: 'middy-validator',
    name: "@middy/validator's response error → 500, nothing exposed",
    thrown: () => real.validatorResponse,
    expected: () => SERVER_ERROR,
  },
  {
    rule: 'json-body-parser',
    name: '@middy/http-json-body-parser malformed JSON (its 422) → 400',
    thrown: () => real.malformedJson,
    expected: () => ({
      status: 400,
      title: 'Bad Request',
      errorType: 'BadRequestException',
      detail: 'Invalid or malformed JSON was provided',
    }),
  },
  {
    rule: 'json-body-parser',
    name: '@middy/http-json-body-parser wrong content type → 415',
    thrown: () => real.unsupportedMediaType,
    expected: () => ({
      status: 415,
      title: 'Unsupported Media Type',
      errorType: 'UnsupportedMediaTypeException',
      detail: 'Unsupported Media Type',
    }),
  },
  {
    rule: 'powertools-http-error',
    name: 'Powertools NotFoundError → 404 with its message',
    thrown: () => new NotFoundError('Order 42 does not exist'),
    expected: () => ({
      status: 404,
      title: 'Not Found',
      errorType: 'NotFoundException',
      detail: 'Order 42 does not exist',
    }),
  },
  {
    rule: 'powertools-http-error',
    name: 'Powertools RequestValidationError → 422 with its issues as errors',
    thrown: () =>
      new RequestValidationError('Validation failed for request', [
        { message: 'Invalid input: expected number', path: ['body', 'age'] },
        { message: 'Required', path: [{ key: 'body' }, { key: 'a/b~c' }] },
      ]),
    expected: () => ({
      status: 422,
      title: 'Unprocessable Entity',
      errorType: 'UnprocessableEntityException',
      detail: 'Validation failed for request',
      errors: [
        { pointer: '#/body/age', detail: 'Invalid input: expected number' },
        { pointer: '#/body/a~1b~0c', detail: 'Required' },
      ],
    }),
  },
  {
    rule: 'powertools-http-error',
    name: 'Powertools InternalServerError → 500 without its message',
    thrown: () => new PowertoolsInternalServerError('connection string postgres://admin:pw@db'),
    expected: () => SERVER_ERROR,
  },
  {
    rule: 'powertools-http-error',
    name: 'Powertools ServiceUnavailableError → 503 with Retry-After',
    thrown: () => new ServiceUnavailableError('replica lag'),
    expected: () => UNAVAILABLE,
  },
  {
    rule: 'schema-issues',
    name: 'zod ZodError → 422 with paths and messages, no values',
    thrown: () => real.zod,
    expected: () => ({
      status: 422,
      title: 'Unprocessable Entity',
      errorType: 'UnprocessableEntityException',
      detail: 'The request did not pass validation.',
      errors: [
        { pointer: '#/age', detail: 'Too small: expected number to be >0' },
        { pointer: '#/tags/1', detail: 'Invalid input: expected string, received number' },
      ],
    }),
  },
  {
    rule: 'aws-throttling',
    name: 'DynamoDB ProvisionedThroughputExceededException → 503 + Retry-After, not a bare 500',
    thrown: () =>
      sdk(
        ProvisionedThroughputExceededException,
        'The level of configured provisioned throughput for table orders-prod was exceeded',
      ),
    expected: () => UNAVAILABLE,
  },
  {
    rule: 'aws-throttling',
    name: 'DynamoDB ThrottlingException → 503 + Retry-After',
    thrown: () => sdk(ThrottlingException, 'Rate of requests exceeds the allowed throughput'),
    expected: () => UNAVAILABLE,
  },
  {
    rule: 'aws-throttling',
    name: 'DynamoDB RequestLimitExceeded → 503 + Retry-After',
    thrown: () => sdk(RequestLimitExceeded, 'Throughput exceeds the current account limit'),
    expected: () => UNAVAILABLE,
  },
  {
    rule: 'aws-throttling',
    name: 'an SDK exception marked $retryable.throttling → 503',
    thrown: () =>
      Object.assign(
        new DynamoDBServiceException({
          name: 'CustomBackoff',
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
          message: 'slow down',
        }),
        { $retryable: { throttling: true } },
      ),
    expected: () => UNAVAILABLE,
  },
  {
    rule: 'aws-throttling',
    name: "a TooManyRequestsException with the service's retryAfterSeconds hint → that Retry-After",
    thrown: () =>
      Object.assign(
        new DynamoDBServiceException({
          name: 'TooManyRequestsException',
          $fault: 'client',
          $metadata: { httpStatusCode: 429 },
          message: 'Rate Exceeded.',
        }),
        { retryAfterSeconds: '7' },
      ),
    expected: () => ({ ...UNAVAILABLE, retryAfter: '7' }),
  },
  {
    rule: 'aws-server-fault',
    name: 'DynamoDB InternalServerError ($fault server) → 503 + Retry-After',
    thrown: () =>
      new DynamoDBInternalServerError({
        message: 'Internal server error in partition 7',
        $metadata: { httpStatusCode: 500 },
      }),
    expected: () => UNAVAILABLE,
  },
  {
    rule: 'aws-client-fault',
    name: 'DynamoDB ResourceNotFoundException (our table is missing) → 500, not 404',
    thrown: () =>
      new ResourceNotFoundException({
        message: 'Requested resource not found: Table: orders-prod not found',
        $metadata: { httpStatusCode: 400 },
      }),
    expected: () => SERVER_ERROR,
  },
  {
    rule: 'aws-client-fault',
    name: 'an AccessDeniedException with $metadata.httpStatusCode 403 → 500, not 403',
    thrown: () =>
      new DynamoDBServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
        message: 'User: arn:aws:sts::123456789012:assumed-role/orders is not authorized',
      }),
    expected: () => SERVER_ERROR,
  },
  {
    rule: 'aws-client-fault',
    name: 'DynamoDB ConditionalCheckFailedException without a user rule → 500',
    thrown: () =>
      new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: { httpStatusCode: 400 },
      }),
    expected: () => SERVER_ERROR,
  },
  {
    rule: 'http-status',
    name: 'http-errors 404 → 404 with its message',
    thrown: () => createError(404, 'Order 42 does not exist'),
    expected: () => ({
      status: 404,
      title: 'Not Found',
      errorType: 'NotFoundException',
      detail: 'Order 42 does not exist',
    }),
  },
  {
    rule: 'http-status',
    name: 'http-errors 403 with expose: false → 403 with the generic title, not 500',
    thrown: () => createError(403, 'user 7 lacks scope orders:admin', { expose: false }),
    expected: () => ({ status: 403, title: 'Forbidden', errorType: 'AccessDeniedException' }),
  },
  {
    rule: 'http-status',
    name: 'http-errors 500 → 500 without its message',
    thrown: () => createError(500, 'password authentication failed for user "orders"'),
    expected: () => SERVER_ERROR,
  },
  {
    rule: 'http-status',
    name: 'http-errors 503 with expose: true → 503 without its message, with Retry-After',
    thrown: () => createError(503, 'redis at 10.0.3.7 down', { expose: true }),
    expected: () => UNAVAILABLE,
  },
  {
    rule: 'http-status',
    name: "the load shedder's 429 keeps Retry-After, RateLimit headers and its errorType",
    thrown: () =>
      gateproofError(429, 'Request rate exceeded. Retry after 2 seconds.', {
        package: '@gateproof/load-shedder',
        data: { reason: 'rate' },
        headers: {
          'Retry-After': '2',
          RateLimit: '"default";r=0;t=2',
          'RateLimit-Policy': '"default";q=10;w=1',
          'x-amzn-ErrorType': 'TooManyRequestsException',
        },
        errorType: 'TooManyRequestsException',
        retryAfterSeconds: 2,
      }),
    expected: () => ({
      status: 429,
      title: 'Too Many Requests',
      errorType: 'TooManyRequestsException',
      detail: 'Request rate exceeded. Retry after 2 seconds.',
      retryAfter: '2',
      headers: { RateLimit: '"default";r=0;t=2', 'RateLimit-Policy': '"default";q=10;w=1' },
    }),
  },
  {
    rule: 'http-status',
    name: "the timeout guard's 504 keeps its status",
    thrown: () =>
      gateproofError(504, 'The handler ran past its deadline', {
        package: '@gateproof/timeout-guard',
      }),
    expected: () => ({
      status: 504,
      title: 'Gateway Timeout',
      errorType: 'GatewayTimeoutException',
    }),
  },
  {
    rule: 'http-status',
    name: 'a plain object with statusCode 409 → 409 with its message',
    thrown: () => ({ statusCode: 409, message: 'Order 42 was changed meanwhile' }),
    expected: () => ({
      status: 409,
      title: 'Conflict',
      errorType: 'ConflictException',
      detail: 'Order 42 was changed meanwhile',
    }),
  },
  {
    rule: 'http-status',
    name: 'an Error with status 418 → 418',
    thrown: () => Object.assign(new Error('short and stout'), { status: 418 }),
    expected: () => ({
      status: 418,
      title: "I'm a Teapot",
      errorType: 'ImATeapotException',
      detail: 'short and stout',
    }),
  },
  ...[
    ['Middy core early timeout (a real one)', () => real.middyTimeout],
    [
      'AbortSignal.timeout TimeoutError',
      () => new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
    ],
    ['an aborted signal AbortError', () => AbortSignal.abort().reason],
  ].map(
    ([name, thrown]): Case => ({
      rule: 'timeout',
      name: `${name as string} → 504, 503 on HTTP API`,
      thrown: thrown as () => unknown,
      expected: (integration) =>
        integration === 'http-v1' || integration === 'http-v2'
          ? UNAVAILABLE
          : { status: 504, title: 'Gateway Timeout', errorType: 'GatewayTimeoutException' },
    }),
  ),
  ...(
    [
      ['a thrown string', () => 'session 9f2c expired for user alice@example.com'],
      ['null', () => null],
      ['undefined', () => undefined],
      ['a number', () => 42],
      ['a plain object', () => ({ reason: 'db password rejected' })],
      ['an Error', () => new Error('ECONNREFUSED 10.0.3.7:5432')],
      [
        'an Error with a status outside 400–599',
        () => Object.assign(new Error('moved'), { statusCode: 302 }),
      ],
    ] as const
  ).map(
    ([name, thrown]): Case => ({
      rule: 'fallback',
      name: `${name} → 500`,
      thrown,
      expected: () => SERVER_ERROR,
    }),
  ),
]

describe('built-in rules', () => {
  describe.each(CASES)('$rule: $name', ({ rule, thrown, expected }) => {
    it('is decided by that rule', () => {
      const mapped = mapError(thrown(), BUILT_IN_RULES, {
        integration: 'rest',
        throttleStatus: 503,
        retryAfterSeconds: 1,
      })
      expect(mapped.rule).toBe(rule)
    })

    it.each(FRONT_DOORS)(
      'answers $label ($rows, F-unhandled) with the whole expected response, delivered as is',
      async (door) => {
        const response = await answerTo(thrown(), door.event())
        const want = expected(door.integration)
        expect(withParsedBody(response)).toEqual(expectedResponse(door, want))
        const client = simulateGateway(
          door.integration,
          { kind: 'returned', value: response },
          { albMultiValueHeaders: door.albMultiValueHeaders },
        )
        expect(client).toMatchObject({ status: want.status, gatewayError: false })
        expect(client.rows).toContain(door.row)
        // Whether HTTP API passes x-amzn-ErrorType through is UNCONFIRMED (gateway-facts §6.1).
        expect(client.confirmed).toBe(!isHttpApi(door.integration))
      },
    )
  })
})
