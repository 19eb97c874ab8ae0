import { type AuthorizerType, policyDecision } from '@gateproof/core'
import {
  httpApiAuthorizerEvent,
  lambdaContext,
  requestAuthorizerEvent,
  simulateAuthorizer,
  tokenAuthorizerEvent,
} from '@gateproof/testing'
import fc from 'fast-check'
import createError from 'http-errors'
import { describe, expect, it } from 'vitest'
import { gateproofAuthorizer } from '../src/index.js'

// Issue 16: ≥ 10 000 runs in CI.
const RUNS = process.env.CI ? 10_000 : 600

const TOKEN = tokenAuthorizerEvent()
const ARN = TOKEN.methodArn
const OTHER_ARN = ARN.replace('GET/orders/42', 'POST/orders')

// ---- hostile building blocks -------------------------------------------------------------

const throwingGetter = <T extends object>(base: T, key: string): T => {
  Object.defineProperty(base, key, {
    enumerable: true,
    get() {
      throw new Error('getter exploded')
    },
  })
  return base
}

const hostileObject = fc.oneof(
  fc.constant(null).map(() => throwingGetter({}, 'principalId')),
  fc.constant(null).map(
    () =>
      new Proxy(
        {},
        {
          ownKeys() {
            throw new Error('trap')
          },
          has: (_target, key) => key === fc.toStringMethod,
          get(_target, key) {
            // fast-check prints counterexamples through this symbol.
            if (key === fc.toStringMethod) return () => 'HostileProxy'
            throw new Error('trap')
          },
        },
      ),
  ),
  fc.constant(null).map(() => {
    const cyclic: Record<string, unknown> = { principalId: 'u' }
    cyclic.self = cyclic
    return cyclic
  }),
  fc.constant(null).map(() => ({
    toJSON() {
      throw new Error('toJSON exploded')
    },
  })),
  fc.constant({ principalId: 'u', n: 10n }),
  fc.constant(Object.create(null) as object),
)

const anyValue = fc.oneof(
  fc.anything({ withNullPrototype: true, withBigInt: true, withObjectString: true }),
  hostileObject,
)

const principalId = fc.oneof(
  fc.string(),
  fc.constant(''),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.object(),
  fc.array(fc.string()),
)

const effect = fc.constantFrom('Allow', 'Deny', 'allow', 'ALLOW', 'deny', '', 42, null, undefined)
const resource = fc.oneof(
  fc.constantFrom(
    ARN,
    OTHER_ARN,
    '*',
    ARN.replace('/GET/orders/42', '/*/*'),
    '',
    ['*'],
    [ARN, OTHER_ARN],
  ),
  fc.string(),
  fc.constant(undefined),
  fc.integer(),
)
const action = fc.oneof(
  fc.constantFrom('execute-api:Invoke', 'execute-api:*', '*', 's3:GetObject', [
    'execute-api:Invoke',
  ]),
  fc.constant(undefined),
  fc.constant([]),
  anyValue,
)
const statement = fc.oneof(
  fc.record({ Action: action, Effect: effect, Resource: resource }, { requiredKeys: [] }),
  anyValue,
)
const policyDocument = fc.oneof(
  fc.record(
    {
      Version: fc.constantFrom('2012-10-17', '2008-10-17', '2020-01-01', undefined, 1),
      Statement: fc.oneof(fc.array(statement, { maxLength: 4 }), statement),
    },
    { requiredKeys: [] },
  ),
  anyValue,
)

const contextValue = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.object({ maxDepth: 2 }),
  fc.array(fc.anything({ maxDepth: 1 })),
  fc.string({ minLength: 2_000, maxLength: 5_000 }),
)
const contextKey = fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'toString'))
const context = fc.oneof(
  fc.dictionary(contextKey, contextValue, { maxKeys: 12 }),
  // Huge: many keys.
  fc.dictionary(fc.string(), fc.string(), { minKeys: 200, maxKeys: 400 }),
  fc.constant(JSON.parse('{"__proto__": {"isAdmin": true}, "constructor": {"prototype": 1}}')),
  fc.constant(null).map(() => throwingGetter({ a: 'b' }, 'tier')),
  fc.constant(Object.freeze({ frozen: { deep: true } })),
  anyValue,
)

const policyOutput = fc.record(
  {
    principalId,
    policyDocument,
    context,
    usageIdentifierKey: fc.oneof(fc.string(), fc.constant(null), fc.integer()),
    statusCode: fc.constantFrom(200, 401, 403),
    isAuthorized: fc.oneof(fc.boolean(), fc.constantFrom('true', 'false', 1, 0)),
  },
  { requiredKeys: [] },
)

const output = fc.oneof(policyOutput, anyValue)

const thrown = fc.oneof(
  fc.constantFrom(
    createError(401),
    createError(403),
    createError(500, 'db down'),
    new Error('Unauthorized'),
    new Error('unauthorized '),
    'Unauthorized',
    new TypeError('x'),
  ),
  anyValue,
  hostileObject,
)

// ---- the property -------------------------------------------------------------------------

type Behaviour = { returns: unknown } | { throws: unknown }

const KINDS: {
  type: AuthorizerType
  format?: 'simple' | 'iam'
  event: () => unknown
  arn: string
}[] = [
  { type: 'token', event: () => TOKEN, arn: ARN },
  {
    type: 'request',
    event: () => requestAuthorizerEvent(),
    arn: requestAuthorizerEvent().methodArn,
  },
  {
    type: 'http-v1',
    event: () => httpApiAuthorizerEvent({ version: '1.0' }),
    arn: httpApiAuthorizerEvent({ version: '1.0' }).methodArn,
  },
  {
    type: 'http-v2',
    format: 'simple',
    event: () => httpApiAuthorizerEvent(),
    arn: httpApiAuthorizerEvent().routeArn,
  },
  {
    type: 'http-v2',
    format: 'iam',
    event: () => httpApiAuthorizerEvent(),
    arn: httpApiAuthorizerEvent().routeArn,
  },
]

/** Whether the author's own output, read as the runtime sends it, allowed this request. */
function authorAllowed(value: unknown, format: 'simple' | 'iam' | undefined, arn: string): boolean {
  let plain: unknown
  try {
    const text = JSON.stringify(value)
    plain = text === undefined ? undefined : JSON.parse(text)
  } catch {
    return false
  }
  if (typeof plain !== 'object' || plain === null) return false
  const record = plain as Record<string, unknown>
  if (format === 'simple') return record.isAuthorized === true
  return policyDecision(record.policyDocument, arn) === 'allow'
}

const bodyOf = (behaviour: Behaviour) => async () => {
  if ('throws' in behaviour) throw behaviour.throws
  return behaviour.returns as never
}

/** Whether the bare handler fails: it throws, or returns something whose `then` getter throws. */
const bareFails = (behaviour: Behaviour): Promise<boolean> =>
  bodyOf(behaviour)().then(
    () => false,
    () => true,
  )

async function settle(kind: (typeof KINDS)[number], behaviour: Behaviour, options: object) {
  const handler = gateproofAuthorizer(bodyOf(behaviour), {
    type: kind.type,
    responseFormat: kind.format,
    logger: false,
    ...options,
  } as never)
  try {
    return { output: await handler(kind.event() as never, lambdaContext()) }
  } catch (error) {
    return { error }
  }
}

describe('any output and any thrown value through gateproofAuthorizer (issue 16 property)', () => {
  const behaviour: fc.Arbitrary<Behaviour> = fc.oneof(
    output.map((returns) => ({ returns })),
    thrown.map((throws) => ({ throws })),
  )

  it('AZ6/AZ7/AZ9: with onError "deny" or "unauthorized" the client gets 200, 401 or 403 — never the 500 (AZ10, AZ11, AZ16, AZ32)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...KINDS),
        behaviour,
        fc.constantFrom('deny', 'unauthorized'),
        fc.constantFrom('deny', 'unauthorized'),
        fc.constantFrom('repair', 'strict'),
        async (kind, act, onError, invalid, mode) => {
          const settled = await settle(kind, act, { onError, invalid, mode })
          const view = simulateAuthorizer(settled, {
            type: kind.type,
            responseFormat: kind.format,
            arn: kind.arn,
          })
          expect([200, 401, 403]).toContain(view.status)
          if ('error' in settled) {
            // Only REST has a 401 path (AZ9); HTTP API refusals are Denies (AZ33).
            expect(['token', 'request']).toContain(kind.type)
            expect((settled.error as Error).message).toBe('Unauthorized')
          }
          // Never grants what the author did not: a thrown value or an output that did not
          // allow this request never comes out allowed.
          if (view.allowed) {
            expect(
              !(await bareFails(act)) &&
                authorAllowed((act as { returns: unknown }).returns, kind.format, kind.arn),
            ).toBe(true)
          }
        },
      ),
      { numRuns: RUNS },
    )
  })

  it('AZ10: with the default onError "throw" only a thrown value can reach the gateway’s 500, and its message is never a secret', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...KINDS), behaviour, async (kind, act) => {
        const settled = await settle(kind, act, {})
        const view = simulateAuthorizer(settled, {
          type: kind.type,
          responseFormat: kind.format,
          arn: kind.arn,
        })
        if (view.status === 500) {
          expect(await bareFails(act)).toBe(true)
          expect((settled as { error: Error }).error.message).toBe('Authorizer failed')
        } else {
          expect([200, 401, 403]).toContain(view.status)
        }
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    )
  })
})
