/**
 * The middlewares you `.use()` behind `gateproof()` are wrapped (their `onError` made tolerant,
 * H1; their early answers judged, DESIGN). The wrapping must change nothing else:
 *
 * - H2: for an event of no HTTP front door gateproof steps aside, so Middy's own rule holds —
 *   an `onError` that throws ends the chain and the invocation rejects with that error (its
 *   `originalError` and `cause` the error before), even when a later `onError` would answer:
 *   an answer there would tell Lambda the SQS batch succeeded and lose the messages.
 * - Middy reads `before`/`after`/`onError` wherever they live (`const { before } = middleware`):
 *   a middleware whose hooks are on its prototype (a class instance, `Object.create`) keeps
 *   every one of them, not only the ones gateproof wrapped.
 */
import { eventFor, lambdaContext } from '@gateproof/testing'
import middy, { type MiddlewareObj } from '@middy/core'
import createHttpError from 'http-errors'
import { describe, expect, it } from 'vitest'
import { gateproof } from '../src/index.js'

const sqs = { Records: [{ eventSource: 'aws:sqs', messageId: '1', body: '{}' }] }

/** A later-used middleware's onError runs first (Middy's order); the other one would answer. */
function answeringBehindThrowing<T extends { use: (m: MiddlewareObj) => T }>(
  handler: T,
  thrown: unknown,
): T {
  return handler
    .use({
      onError: (request) => {
        request.response = { batchItemFailures: [] } as never
      },
    })
    .use({
      onError: () => {
        throw thrown
      },
    })
}

describe('H2: a throwing onError for an event of no HTTP front door is Middy’s', () => {
  it('plain Middy: the invocation rejects with the thrown error, originalError set', async () => {
    const first = new Error('poison message')
    const converted = new Error('converted') as Error & { originalError?: unknown }
    const plain = answeringBehindThrowing(
      middy(async () => {
        throw first
      }),
      converted,
    )
    await expect(plain(sqs as never, lambdaContext())).rejects.toBe(converted)
    expect(converted.originalError).toBe(first)
  })

  it.each(['sync', 'async'] as const)(
    'behind gateproof(): a %s throw still rejects — no later onError answers the batch',
    async (kind) => {
      const first = new Error('poison message')
      const converted = new Error('converted') as Error & { originalError?: unknown }
      const handler = gateproof(async () => {
        throw first
      })
        .use({
          onError: (request) => {
            request.response = { batchItemFailures: [] } as never
          },
        })
        .use({
          onError:
            kind === 'sync'
              ? () => {
                  throw converted
                }
              : async () => {
                  throw converted
                },
        })
      await expect(handler(sqs as never, lambdaContext())).rejects.toBe(converted)
      expect(converted.originalError).toBe(first)
      expect(converted.cause).toBe(first)
    },
  )

  it('behind gateproof(): an HTTP event still gets gateproof’s answer (H1)', async () => {
    const handler = gateproof(async () => {
      throw createHttpError(404)
    }).use({
      onError: () => {
        throw createHttpError(409)
      },
    })
    await expect(handler(eventFor('rest') as never, lambdaContext())).resolves.toMatchObject({
      statusCode: 409,
    })
  })
})

describe('a used middleware whose hooks live on its prototype keeps all of them', () => {
  class Audit {
    seen: string[] = []
    before() {
      this.seen.push('before')
    }
    after() {
      this.seen.push('after')
    }
    onError() {
      this.seen.push('onError')
    }
  }

  it.each([
    ['proxy shape on', {}],
    ['proxyShape: false', { proxyShape: false as const }],
  ])('%s: before and after run as they do with plain Middy', async (_name, options) => {
    const seen: string[] = []
    const proto = {
      before: () => {
        seen.push('before')
      },
      after: () => {
        seen.push('after')
      },
      onError: () => {
        seen.push('onError')
      },
    }
    const handler = gateproof(async () => ({ statusCode: 200, body: 'ok' }), options).use(
      Object.create(proto),
    )
    await handler(eventFor('rest') as never, lambdaContext())
    expect(seen).toEqual(['before', 'after'])
    // The class form: Middy calls the hooks without `this`, so only their presence counts.
    expect(() =>
      gateproof(async () => ({ statusCode: 200, body: 'ok' })).use(new Audit()),
    ).not.toThrow()
  })
})
