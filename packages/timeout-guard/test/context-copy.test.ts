import { lambdaContext, restEvent } from '@gateproof/testing'
import middy from '@middy/core'
import type { Context } from 'aws-lambda'
import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import { contextCopier } from '../src/context-copy.js'

/**
 * A context built the way the callback-era Node.js runtimes (runtime interface client 3.x)
 * build it: an object literal with a `callbackWaitsForEmptyEventLoop` getter/setter and the
 * callbacks, onto which the environment and invoke data are assigned.
 */
function callbackEraContext(awsRequestId = 'c0ffee00-0000-4000-8000-000000000001') {
  let waitForEmptyEventLoop = true
  const callbackContext = {
    get callbackWaitsForEmptyEventLoop() {
      return waitForEmptyEventLoop
    },
    set callbackWaitsForEmptyEventLoop(value: boolean) {
      waitForEmptyEventLoop = value
    },
    succeed: () => undefined,
    fail: () => undefined,
    done: () => undefined,
  }
  const deadline = Date.now() + 60_000
  return Object.assign(
    callbackContext,
    {
      functionVersion: '$LATEST',
      functionName: 'orders-api',
      memoryLimitInMB: '1024',
      logGroupName: '/aws/lambda/orders-api',
      logStreamName: '2026/11/22/[$LATEST]0123456789abcdef',
    },
    {
      clientContext: undefined,
      identity: undefined,
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:orders-api',
      awsRequestId,
      tenantId: undefined,
      getRemainingTimeInMillis: () => deadline - Date.now(),
    },
  )
}

/** Own keys (strings in order, then symbols), prototype and values: all a spread defines. */
const anatomy = (value: object) => ({
  keys: Reflect.ownKeys(value),
  prototype: Object.getPrototypeOf(value),
  entries: Reflect.ownKeys(value).map((key) => [key, Reflect.get(value, key)]),
})

describe('contextCopier', () => {
  it('copies a callback-era runtime context as a spread does, the accessor as its value', () => {
    const copy = contextCopier()
    for (const id of ['first', 'second', 'third']) {
      const context = callbackEraContext(id)
      context.callbackWaitsForEmptyEventLoop = id !== 'second'
      expect(anatomy(copy(context))).toEqual(anatomy({ ...context }))
      expect(
        Object.getOwnPropertyDescriptor(copy(context), 'callbackWaitsForEmptyEventLoop'),
      ).toEqual({ value: id !== 'second', writable: true, enumerable: true, configurable: true })
    }
  })

  it('copies plain contexts as a spread does', () => {
    const copy = contextCopier()
    for (const context of [lambdaContext(), lambdaContext({ awsRequestId: 'b' }), {}]) {
      expect(anatomy(copy(context))).toEqual(anatomy({ ...context }))
    }
  })

  it('copies any mix of contexts as a spread does: accessors, symbols, __proto__ keys, many shapes', () => {
    const symbol = Symbol('tag')
    const key = fc.oneof(fc.constantFrom('__proto__', 'awsRequestId', '0', '7'), fc.string())
    const contexts = fc.array(
      fc.record({
        values: fc.dictionary(key, fc.oneof(fc.string(), fc.integer(), fc.constant(undefined))),
        accessor: fc.option(key, { nil: undefined }),
        tagged: fc.boolean(),
      }),
      { minLength: 1, maxLength: 30 },
    )
    fc.assert(
      fc.property(contexts, (specs) => {
        const copy = contextCopier()
        for (const { values, accessor, tagged } of specs) {
          const context: Record<PropertyKey, unknown> = {}
          for (const [name, value] of Object.entries(values)) {
            Object.defineProperty(context, name, {
              value,
              enumerable: true,
              writable: true,
              configurable: true,
            })
          }
          if (accessor !== undefined) {
            Object.defineProperty(context, accessor, {
              get: () => `read ${accessor}`,
              enumerable: true,
              configurable: true,
            })
          }
          if (tagged) context[symbol] = 'tagged'
          expect(anatomy(copy(context))).toEqual(anatomy({ ...context }))
        }
      }),
    )
  })
})

describe('the timeout guard on the callback-era runtime', () => {
  it('gives the handler a copy of the context with its own countdown and deadline, leaving the caller’s intact', async () => {
    // A fresh module, so this process's first context is the callback-era one.
    vi.resetModules()
    const { getDeadline, timeoutGuard } = await import('../src/index.js')
    const guard = timeoutGuard()
    let received: Context | undefined
    const handler = middy(async (_event: unknown, context: Context) => {
      received = context
      return { statusCode: 204 }
    }, guard.plugin).use(guard)
    const context = callbackEraContext()
    context.callbackWaitsForEmptyEventLoop = false

    await expect(handler(restEvent(), context as unknown as Context)).resolves.toEqual({
      statusCode: 204,
    })

    expect(received).not.toBe(context)
    expect(Object.keys(received ?? {})).toEqual(Object.keys(context))
    expect({ ...received }).toMatchObject({
      ...context,
      getRemainingTimeInMillis: expect.any(Function),
    })
    expect(received?.getRemainingTimeInMillis()).toBeLessThanOrEqual(29_000)
    expect(getDeadline(received)?.deadline.boundBy).toBe('gateway')
    expect(getDeadline(context)).toBeUndefined()
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(29_000)
    expect(Object.getOwnPropertyDescriptor(context, 'callbackWaitsForEmptyEventLoop')?.get).toEqual(
      expect.any(Function),
    )
  })
})
