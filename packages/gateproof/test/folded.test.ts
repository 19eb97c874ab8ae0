import { lambdaContext, restEvent } from '@gateproof/testing'
import middy, { type MiddlewareObj } from '@middy/core'
import { describe, expect, it } from 'vitest'
import { type GateproofOptions, gateproof, gateproofMiddlewares } from '../src/index.js'

// gateproof() folds its parts into fewer Middy middlewares; what it answers, and the order in
// which decorators and the user's own middlewares run, must be those of the parts' list.

type Handler = (event: unknown) => Promise<unknown>

function recorder(name: string, calls: string[], answer: Partial<Record<string, unknown>> = {}) {
  const phase = (which: string) =>
    function recorded(request: { response?: unknown }) {
      calls.push(`${name}.${which}:${typeof request.response}`)
      return answer[which]
    }
  return { before: phase('before'), after: phase('after'), onError: phase('onError') }
}

async function run(
  build: 'preset' | 'parts',
  options: GateproofOptions,
  handler: Handler,
  user: (calls: string[]) => MiddlewareObj[],
  event = restEvent(),
) {
  const calls: string[] = []
  const decorators = options.decorators === undefined ? undefined : [recorder('decorator', calls)]
  const all = { ...options, ...(decorators ? { decorators } : {}), logger: false as const }
  const wrapped = async (request: unknown) => {
    calls.push('handler')
    return handler(request)
  }
  let built: ReturnType<typeof gateproof>
  if (build === 'preset') {
    built = gateproof(wrapped as never, all) as never
  } else {
    const { plugin, middlewares } = gateproofMiddlewares(all)
    built = middy(wrapped as never, plugin as never).use(middlewares as never) as never
  }
  built.use(user(calls) as never)
  let outcome: unknown
  try {
    outcome = await built(event as never, lambdaContext({ remainingMs: 60_000 }))
  } catch (error) {
    outcome = { threw: String(error) }
  }
  return { outcome: JSON.parse(JSON.stringify(outcome ?? null)), calls }
}

const ok: Handler = async () => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: '{"ok":true}',
})
const fails: Handler = async () => {
  throw new Error('boom')
}
const invalid: Handler = async () => ({ statusCode: 200, body: { not: 'a string' } })

const scenarios: Array<[string, GateproofOptions, Handler, (calls: string[]) => MiddlewareObj[]]> =
  [
    ['success', {}, ok, () => []],
    ['success with a user middleware', {}, ok, (calls) => [recorder('user', calls)]],
    ['an invalid response repaired', {}, invalid, (calls) => [recorder('user', calls)]],
    ['a thrown error', {}, fails, (calls) => [recorder('user', calls)]],
    [
      'a user before answering early',
      {},
      ok,
      (calls) => [recorder('user', calls, { before: { statusCode: 202, body: 'early' } })],
    ],
    [
      'a user after answering early',
      {},
      ok,
      (calls) => [recorder('user', calls, { after: { statusCode: 203, body: 'after' } })],
    ],
    [
      'a user onError promising an answer',
      {},
      fails,
      (calls) => [recorder('user', calls, { onError: Promise.resolve(undefined) })],
    ],
    ['decorators on success', { decorators: [] }, ok, (calls) => [recorder('user', calls)]],
    ['decorators on error', { decorators: [] }, fails, (calls) => [recorder('user', calls)]],
    ['a request shed', { loadShedder: { deadline: { minRemainingMs: 40_000 } } }, ok, () => []],
  ]

describe('gateproof() folds its parts without changing what they do', () => {
  for (const [name, options, handler, user] of scenarios) {
    it(`${name}: the same answer and the same order as the parts' list`, async () => {
      const preset = await run('preset', options, handler, user)
      const parts = await run('parts', options, handler, user)
      expect(preset).toEqual(parts)
    })
  }

  it('a request past its deadline on arrival: the same 504 as the parts’ list', async () => {
    const late = () => {
      const event = restEvent()
      event.requestContext.requestTimeEpoch = Date.now() - 60_000
      return event
    }
    const preset = await run('preset', {}, ok, () => [], late())
    const parts = await run('parts', {}, ok, () => [], late())
    expect(preset.outcome.statusCode).toBe(504)
    expect({ ...preset, outcome: { ...preset.outcome, body: undefined } }).toEqual({
      ...parts,
      outcome: { ...parts.outcome, body: undefined },
    })
  })
})
