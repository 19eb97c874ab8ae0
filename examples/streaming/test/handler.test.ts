import { request } from 'node:http'
import {
  functionUrlEvent,
  installStreamingGlobals,
  invokeStreaming,
  type LocalGateway,
  restEvent,
  startLocalGateway,
} from '@gateproof/testing'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

// The runtime installs `awslambda` before the handler's module loads (ST25): so must the test.
let uninstall: () => void
let handler: typeof import('../src/handler.js').handler
beforeAll(async () => {
  uninstall = installStreamingGlobals()
  handler = (await import('../src/handler.js')).handler
})
afterAll(() => uninstall())

let gateway: LocalGateway | undefined
afterEach(async () => {
  await gateway?.close()
  gateway = undefined
})

/** Reads a response chunk by chunk with each chunk's arrival time (ms since the request). */
function readChunks(url: string) {
  return new Promise<{
    status: number
    headers: Record<string, unknown>
    chunks: Array<{ at: number; text: string }>
  }>((resolve, reject) => {
    const startedAt = performance.now()
    request(url, (res) => {
      const chunks: Array<{ at: number; text: string }> = []
      res.on('data', (chunk: Buffer) =>
        chunks.push({ at: performance.now() - startedAt, text: chunk.toString() }),
      )
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, chunks }))
    })
      .on('error', reject)
      .end()
  })
}

describe('examples/streaming: the orders export, streamed', () => {
  for (const integration of ['rest', 'function-url'] as const) {
    it(`ST2, ST3 (${integration}): through the local gateway, one order per chunk, in order, as they are read`, async () => {
      gateway = await startLocalGateway({ integration, handler: handler as never })
      const { status, headers, chunks } = await readChunks(`${gateway.url}/orders/export?count=4`)
      expect(status).toBe(200)
      expect(headers['content-type']).toBe('application/x-ndjson')
      expect(headers['transfer-encoding']).toBe('chunked')
      const lines = chunks
        .map((chunk) => chunk.text)
        .join('')
        .trim()
        .split('\n')
      expect(lines.map((line) => JSON.parse(line).id)).toEqual([1, 2, 3, 4])
      // More than one chunk, arriving in order: streamed, not buffered.
      expect(chunks.length).toBeGreaterThan(1)
      expect(chunks.map((chunk) => chunk.at)).toEqual(
        [...chunks.map((c) => c.at)].sort((a, b) => a - b),
      )
    })
  }

  it('ST8 (client view unconfirmed): a bad count is a 400 in the error contract, before the first byte', async () => {
    const result = await invokeStreaming(
      handler,
      restEvent({ queryStringParameters: { count: 'lots' } }),
    )
    expect(result.prelude).toMatchObject({
      statusCode: 400,
      headers: { 'Content-Type': 'application/problem+json' },
    })
    expect(JSON.parse(result.body.toString())).toMatchObject({
      status: 400,
      detail: 'count must be an integer from 1 to 10000',
    })
  })

  it('ST16: a Function URL invocation writes the prelude, 8 NUL bytes, then the body', async () => {
    const result = await invokeStreaming(
      handler,
      functionUrlEvent({ queryStringParameters: { count: '2' } }),
    )
    expect(result.contentType).toBe('application/vnd.awslambda.http-integration-response')
    expect(result.prelude).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' },
    })
    expect(result.body.toString()).toBe(
      '{"id":1,"status":"shipped"}\n{"id":2,"status":"shipped"}\n',
    )
  })
})
