/**
 * Hostile generators shared by the hardening tests (issue 12): what an adversarial or
 * merely unlucky handler throws, returns and receives. Each generator names the trap.
 *
 * Thrown values come as thunks (`() => value`): fast-check itself reads generated values
 * (clone checks, printing counterexamples), and a Proxy whose traps throw would break it.
 * A fresh value per call also keeps one run's mutations out of the next.
 */
import fc from 'fast-check'

const boom = (): never => {
  throw new Error('getter says no')
}

/** Fields gateproof might read on a thrown value; each gets a throwing getter somewhere. */
export const THROWN_FIELDS = [
  'name',
  'message',
  'statusCode',
  'status',
  'headers',
  'cause',
  'errorType',
  'expose',
  'code',
  'stack',
  'retryAfterSeconds',
  '$fault',
  '$metadata',
  'constructor',
  'toString',
] as const

/** An Error with throwing getters on some of its fields. */
export const throwingGetters = fc
  .subarray([...THROWN_FIELDS], { minLength: 1 })
  .map((fields) => () => {
    const error = new Error('hostile')
    for (const field of fields) Object.defineProperty(error, field, { get: boom })
    return error
  })

/** A Proxy whose every trap throws (or only some of them). */
export const throwingProxy = fc
  .subarray(['get', 'has', 'getPrototypeOf', 'ownKeys', 'getOwnPropertyDescriptor'] as const, {
    minLength: 1,
  })
  .map((traps) => () => {
    const handler: ProxyHandler<object> = {}
    for (const trap of traps) (handler as Record<string, unknown>)[trap] = boom
    return new Proxy(new Error('proxied'), handler)
  })

/** A revoked Proxy: every operation on it throws a TypeError. */
export const revokedProxy = fc.constant(() => {
  const { proxy, revoke } = Proxy.revocable({}, {})
  revoke()
  return proxy
})

/** `cause` chains that loop back on themselves. */
export const circularCause = fc.integer({ min: 1, max: 8 }).map((length) => () => {
  const errors = Array.from({ length }, (_, i) => new Error(`link ${i}`))
  errors.forEach((error, i) => {
    error.cause = errors[(i + 1) % length]
  })
  return errors[0]
})

/** Frozen and null-prototype objects with status-like fields of every type. */
export const oddObjects = fc
  .record(
    {
      statusCode: fc.oneof(fc.integer({ min: -5, max: 700 }), fc.string(), fc.constant(null)),
      status: fc.oneof(fc.integer({ min: 400, max: 599 }), fc.double()),
      message: fc.oneof(fc.string(), fc.integer()),
      name: fc.oneof(fc.string(), fc.constantFrom('TimeoutError', 'AbortError')),
      errorType: fc.oneof(fc.string(), fc.constant('A'.repeat(500))),
      headers: fc.oneof(
        fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer())),
        fc.constant({ 'Retry-After': '1\r\nX-Evil: 1' }),
        fc.constant(null),
      ),
      expose: fc.anything(),
    },
    { requiredKeys: [] },
  )
  .chain((fields) =>
    fc.constantFrom(
      () => Object.freeze({ ...fields }),
      () => Object.assign(Object.create(null), fields),
      () => Object.freeze(Object.assign(new Error('frozen'), fields)),
    ),
  )

/** Everything: `fc.anything()` plus every hostile shape. */
export const hostileThrown: fc.Arbitrary<() => unknown> = fc.oneof(
  fc.anything().map((value) => () => value),
  fc
    .constantFrom(null, undefined, 0, 42, '', 'a string', Symbol('thrown'), 10n)
    .map((value) => () => value),
  throwingGetters,
  throwingProxy,
  revokedProxy,
  circularCause,
  oddObjects,
)

/** Strings with CR, LF or NUL somewhere (response splitting). */
export const splittingString = fc
  .tuple(fc.string(), fc.constantFrom('\r', '\n', '\0', '\r\n'), fc.string())
  .map(([a, c, b]) => `${a}${c}${b}`)

/** Header names that find `Object.prototype` members on a careless lookup (H4). */
export const prototypeNames = fc.constantFrom(
  'constructor',
  'toString',
  'hasOwnProperty',
  '__proto__',
  'valueOf',
  '__defineGetter__',
)

/** Events of other triggers: none of the five HTTP front doors (H2). */
export const foreignEvents: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant({
    Records: [{ eventSource: 'aws:sqs', messageId: '1', body: '{}', receiptHandle: 'r' }],
  }),
  fc.constant({ Records: [{ EventSource: 'aws:sns', Sns: { Message: 'hi' } }] }),
  fc.constant({ source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} }),
  fc.constant({ warmer: true, concurrency: 1 }),
  fc.constant({ source: 'serverless-plugin-warmup' }),
  fc.constant(null),
  fc.constant({}),
  fc.constant({ requestContext: { routeKey: '$connect', eventType: 'CONNECT' } }),
  fc.constant({ info: { fieldName: 'getPost' }, arguments: {} }),
  fc.anything().filter((v) => !(typeof v === 'object' && v !== null && 'requestContext' in v)),
)
