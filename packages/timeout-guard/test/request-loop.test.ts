import { setTimeout as sleep } from 'node:timers/promises'
import type { RequestLike } from '@gateproof/core'
import { lambdaContext } from '@gateproof/testing'
import middy from '@middy/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { deadlineExecutionMode } from '../src/execution-mode.js'

// The guard runs every request through its own copy of Middy's request loop (issue 18: one
// `async` frame per invocation, no AbortController or second promise unless needed). For a
// request the guard does not watch, it must behave exactly as Middy's standard mode: these
// properties run the same generated middleware stacks through both and compare everything
// a caller or a middleware can observe.

type Step = 'pass' | 'pass-async' | 'respond' | 'respond-async' | 'undefined-early' | 'throw'
type ErrorStep = Step | 'rethrow' | 'throw-primitive' | 'throw-async'
/** An `after` that puts a hostile response in place: read by the loop before `requestEnd`. */
type AfterStep = Step | 'set-throwing-then' | 'set-function-thenable' | 'set-frozen-null-proto'
type HandlerStep = 'value' | 'async-value' | 'undefined' | 'throw' | 'async-throw' | 'signal'
type EndStep = 'none' | 'ok' | 'async-ok' | 'throw' | 'async-throw'

interface Stack {
  befores: Step[]
  afters: AfterStep[]
  onErrors: ErrorStep[]
  handler: HandlerStep
  requestStart: 'none' | 'ok' | 'throw'
  requestEnd: EndStep
  nameHooks: boolean
  withRemainingTime: boolean
}

const step = fc.constantFrom<Step>(
  'pass',
  'pass-async',
  'respond',
  'respond-async',
  'undefined-early',
  'throw',
)
const stacks: fc.Arbitrary<Stack> = fc.record({
  befores: fc.array(step, { maxLength: 3 }),
  afters: fc.array(
    fc.oneof(
      step,
      fc.constantFrom<AfterStep>(
        'set-throwing-then',
        'set-function-thenable',
        'set-frozen-null-proto',
      ),
    ),
    { maxLength: 3 },
  ),
  onErrors: fc.array(
    fc.oneof(step, fc.constantFrom<ErrorStep>('rethrow', 'throw-primitive', 'throw-async')),
    { maxLength: 3 },
  ),
  handler: fc.constantFrom<HandlerStep>(
    'value',
    'async-value',
    'undefined',
    'throw',
    'async-throw',
    'signal',
  ),
  requestStart: fc.constantFrom('none' as const, 'ok' as const, 'throw' as const),
  requestEnd: fc.constantFrom<EndStep>('none', 'ok', 'async-ok', 'throw', 'async-throw'),
  nameHooks: fc.boolean(),
  withRemainingTime: fc.boolean(),
})

/** What one run let a caller and its middlewares see. */
interface Observed {
  trace: string[]
  outcome: { resolved: unknown } | { rejected: unknown }
}

/** Errors compared by what is observable: message, cause chain and `originalError`. */
function describeError(error: unknown, depth = 0): unknown {
  if (typeof error !== 'object' || error === null || depth > 3) return error
  const { message, cause, originalError } = error as Record<string, unknown>
  return {
    message,
    cause: describeError(cause, depth + 1),
    originalError: describeError(originalError, depth + 1),
  }
}

/** The guard's loop with a guard that watches no request: what runs is the loop itself. */
const unwatchedMode = () => {
  const never = (): never => {
    throw new Error('never called for a request the guard does not watch')
  }
  return deadlineExecutionMode({
    guardOf: () => undefined,
    timeOut: never,
    handlerStarted: never,
    // No plugin's hook is this one: the loop calls the plugin's, as Middy does.
    timeoutEarlyResponse: never,
    steppedAsideTimeout: never,
    firing: never,
  })
}

async function run(stack: Stack, mode: 'middy' | 'gateproof'): Promise<Observed> {
  const trace: string[] = []
  const act = (where: string, what: Step | ErrorStep | AfterStep) =>
    Object.defineProperty(
      (request: RequestLike & { earlyResponse?: unknown }) => {
        trace.push(`${where}:${what}:${request.error === undefined ? '-' : 'error'}`)
        switch (what) {
          case 'pass':
            return undefined
          case 'pass-async':
            return sleep(0).then(() => undefined)
          case 'respond':
            return { statusCode: 200, body: where }
          case 'respond-async':
            return sleep(0).then(() => ({ statusCode: 201, body: where }))
          case 'undefined-early':
            request.earlyResponse = undefined
            return undefined
          case 'throw':
            throw new Error(`${where} failed`)
          case 'throw-async':
            return sleep(0).then(() => {
              throw new Error(`${where} failed later`)
            })
          case 'rethrow':
            throw request.error
          case 'throw-primitive':
            throw `${where} threw a string`
          case 'set-throwing-then':
            request.response = new Proxy(
              { statusCode: 200 },
              {
                get(target, key) {
                  if (key === 'then') throw new Error(`${where}: then is hostile`)
                  return Reflect.get(target, key)
                },
              },
            )
            return undefined
          case 'set-function-thenable':
            request.response = Object.assign(() => {}, {
              // biome-ignore lint/suspicious/noThenProperty: a thenable response is the case under test
              then: (resolve: (value: unknown) => void) =>
                resolve({ statusCode: 203, body: where }),
            })
            return undefined
          case 'set-frozen-null-proto':
            request.response = Object.freeze(
              Object.assign(Object.create(null), { statusCode: 200, ['__proto__']: where }),
            )
            return undefined
        }
      },
      'name',
      { value: `${where}Middleware` },
    )
  const handler = async (_event: unknown, _context: unknown, options: { signal: AbortSignal }) => {
    trace.push(`handler:${stack.handler}`)
    switch (stack.handler) {
      case 'value':
        return { statusCode: 200, body: 'handler' }
      case 'async-value':
        await sleep(0)
        return { statusCode: 200, body: 'handler later' }
      case 'undefined':
        return undefined
      case 'throw':
        throw new Error('handler failed')
      case 'async-throw':
        await sleep(0)
        throw new Error('handler failed later')
      case 'signal':
        trace.push(`signal:${options.signal instanceof AbortSignal}:${options.signal.aborted}`)
        return { statusCode: 200, body: 'signal' }
    }
  }
  const plugin: Record<string, unknown> = {
    beforeHandler: () => trace.push('beforeHandler'),
    afterHandler: () => trace.push('afterHandler'),
  }
  if (stack.nameHooks) {
    plugin.beforeMiddleware = (name: string) => trace.push(`hook>${name}`)
    plugin.afterMiddleware = (name: string) => trace.push(`hook<${name}`)
  }
  if (stack.requestStart !== 'none') {
    plugin.requestStart = () => {
      trace.push('requestStart')
      if (stack.requestStart === 'throw') throw new Error('requestStart failed')
    }
  }
  if (stack.requestEnd !== 'none') {
    plugin.requestEnd = (request: RequestLike) => {
      trace.push(`requestEnd:${request.error === undefined ? '-' : 'error'}`)
      switch (stack.requestEnd) {
        case 'async-ok':
          return sleep(0)
        case 'throw':
          throw new Error('requestEnd failed')
        case 'async-throw':
          return sleep(0).then(() => {
            throw new Error('requestEnd failed later')
          })
        default:
          return undefined
      }
    }
  }
  if (mode === 'gateproof') {
    plugin.executionMode = unwatchedMode()
  }
  const wrapped = middy(handler, plugin as never)
  for (const [index, what] of stack.befores.entries()) wrapped.before(act(`before${index}`, what))
  for (const [index, what] of stack.afters.entries()) wrapped.after(act(`after${index}`, what))
  for (const [index, what] of stack.onErrors.entries())
    wrapped.onError(act(`onError${index}`, what))
  const context = stack.withRemainingTime ? lambdaContext({ remainingMs: 60_000 }) : {}
  try {
    return { trace, outcome: { resolved: await wrapped({ path: '/' }, context as never) } }
  } catch (error) {
    return { trace, outcome: { rejected: describeError(error) } }
  }
}

describe('the guard’s request loop (issue 18) against Middy’s standard execution mode', () => {
  it('answers, fails and calls middlewares and hooks exactly as Middy does, for any stack', async () => {
    await fc.assert(
      fc.asyncProperty(stacks, async (stack) => {
        expect(await run(stack, 'gateproof')).toEqual(await run(stack, 'middy'))
      }),
      { numRuns: 300 },
    )
  })

  it('gives the handler an AbortSignal that is live and not aborted', async () => {
    const stack: Stack = {
      befores: [],
      afters: [],
      onErrors: [],
      handler: 'signal',
      requestStart: 'none',
      requestEnd: 'none',
      nameHooks: false,
      withRemainingTime: true,
    }
    expect((await run(stack, 'gateproof')).trace).toContain('signal:true:false')
  })

  it('aborts the handler’s signal at Middy’s early timeout, read before or after it fired', async () => {
    const signals: AbortSignal[] = []
    const earlyTimeout = {
      timeoutEarlyInMillis: 5,
      timeoutEarlyResponse: () => ({ statusCode: 504 }),
      executionMode: unwatchedMode() as never,
    }
    const handler = middy(
      async (_event: unknown, _context: unknown, { signal }: { signal: AbortSignal }) => {
        signals.push(signal)
        await sleep(50)
        return { statusCode: 200 }
      },
      earlyTimeout,
    )
    const lazy = middy(
      async (_event: unknown, _context: unknown, options: { signal: AbortSignal }) => {
        await sleep(50)
        signals.push(options.signal)
        return { statusCode: 200 }
      },
      earlyTimeout,
    )
    const context = () => lambdaContext({ remainingMs: 20 })
    expect(await handler({}, context())).toEqual({ statusCode: 504 })
    expect(await lazy({}, context())).toEqual({ statusCode: 504 })
    await sleep(60)
    expect(signals.map((signal) => signal.aborted)).toEqual([true, true])
  })

  it('keeps Middy’s `.handler()` replacement', async () => {
    const wrapped = middy(async () => 'first', {
      executionMode: unwatchedMode() as never,
    })
    wrapped.handler(async () => 'second')
    expect(await wrapped({}, {} as never)).toBe('second')
  })
})
