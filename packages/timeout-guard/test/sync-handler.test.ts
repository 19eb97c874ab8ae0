import { lambdaContext } from '@gateproof/testing'
import middy from '@middy/core'
import { describe, expect, it } from 'vitest'
import { deadlineExecutionMode } from '../src/execution-mode.js'

// The guard's loop starts each invocation synchronously and hands it to its `async` loop at
// the first thing it does not finish itself (request-loop.test.ts compares `async` handlers):
// a handler that answers or throws without a promise is handed over too, and must end as
// under Middy's standard mode.

/** The guard's loop for requests it does not watch: what runs is the loop itself. */
const unwatched = () =>
  deadlineExecutionMode({
    ...Object.fromEntries(
      ['timeOut', 'handlerStarted', 'timeoutEarlyResponse', 'steppedAsideTimeout', 'firing'].map(
        (hook) => [hook, () => expect.unreachable(`${hook} of a request the guard does not watch`)],
      ),
    ),
    guardOf: () => undefined,
  } as unknown as Parameters<typeof deadlineExecutionMode>[0])

async function outcome(handler: () => unknown, mode: 'middy' | 'gateproof') {
  const calls: string[] = []
  const plugin = mode === 'gateproof' ? { executionMode: unwatched() } : {}
  const wrapped = middy(handler as never, plugin as never)
    .before(() => {
      calls.push('before')
    })
    .after((request) => {
      calls.push(`after:${JSON.stringify(request.response)}`)
    })
    .onError((request) => {
      calls.push(`onError:${(request.error as Error).message}`)
      request.response = { statusCode: 500 }
    })
  const response = await wrapped({}, lambdaContext({ remainingMs: 60_000 }) as never)
  return { response, calls }
}

describe('a handler that answers without a promise, in the guard’s loop', () => {
  it.each([
    ['answers', () => ({ statusCode: 200, body: 'sync' })],
    ['answers undefined', () => undefined],
    [
      'throws',
      () => {
        throw new Error('sync failure')
      },
    ],
  ])('ends as under Middy when it %s', async (_name, handler) => {
    expect(await outcome(handler, 'gateproof')).toEqual(await outcome(handler, 'middy'))
  })
})
