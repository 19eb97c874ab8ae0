import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { main } from '../src/main.js'
import type { CheckResult } from '../src/verdict.js'
import { memoryIo, serveUntilTestEnds } from './helpers.js'

const fixtures = fileURLToPath(new URL('./fixtures/streaming-handlers.mjs', import.meta.url))
const example = fileURLToPath(
  new URL('../../../examples/streaming/src/handler.ts', import.meta.url),
)
const exampleTemplate = fileURLToPath(
  new URL('../../../examples/streaming/template.yaml', import.meta.url),
)

type StreamResult = CheckResult & {
  stream: { ended: string; writes: number; bodyBytes: number; prelude?: Record<string, unknown> }
}

async function checkJson(args: string[]) {
  const io = memoryIo()
  const code = await main(['check', ...args, '--json'], io)
  if (code === 2) throw new Error(io.err())
  const report = JSON.parse(io.out()) as { ok: boolean; results: StreamResult[] }
  const ordinary = (integration: string) =>
    report.results.find((r) => r.integration === integration && r.probe === 'ordinary request')
  return { code, report, ordinary }
}

const serve = serveUntilTestEnds()

describe('gateproof check on a streaming handler (issue 15, §11)', () => {
  it('invokes it with a response stream and reports the prelude status, headers and body (ST3, ST16)', async () => {
    const { code, ordinary } = await checkJson([
      `${fixtures}#ok`,
      '--integration',
      'rest',
      '--integration',
      'function-url',
    ])
    expect(code).toBe(0)
    for (const door of ['rest', 'function-url']) {
      const result = ordinary(door)
      expect(result?.client).toMatchObject({
        status: 200,
        headers: { 'content-type': 'text/plain' },
        body: 'hello world',
        gatewayError: false,
      })
      expect(result?.stream).toMatchObject({ ended: 'complete', bodyBytes: 11 })
      expect(result?.rows).toContain('ST3')
      expect(result?.findings).toEqual([])
    }
  })

  it('an error thrown before the first write: the client gets a 502, not the function’s answer (ST8, ST20, unconfirmed)', async () => {
    const { code, ordinary } = await checkJson([
      `${fixtures}#throwsFirst`,
      '--integration',
      'function-url',
    ])
    expect(code).toBe(1)
    const result = ordinary('function-url')
    expect(result?.client).toMatchObject({ status: 502, gatewayError: true })
    expect(result?.outcome).toBe('threw')
    expect(result?.confirmed).toBe(false)
    expect(result?.findings).toContainEqual(
      expect.objectContaining({ severity: 'error', rule: 'unhandled-error', row: 'ST20' }),
    )
    expect(result?.findings[0]?.message).toContain('database down')
  })

  it('a prelude header carrying CR/LF is a warning by core’s checkPrelude, printed escaped (ST3)', async () => {
    const io = memoryIo()
    const code = await main(['check', `${fixtures}#badHeader`, '--integration', 'rest'], io)
    expect(code).toBe(1)
    expect(io.out()).toContain('warning prelude: header "x-echo" is not clean text [ST3]')
    expect(io.out()).not.toMatch(/[\r\0]/)
  })

  it('a prelude status outside 100–599 is an error: the front door cannot send it (ST3)', async () => {
    const { ordinary } = await checkJson([`${fixtures}#badStatus`, '--integration', 'rest'])
    expect(ordinary('rest')?.client).toMatchObject({ status: 502, gatewayError: true })
    expect(ordinary('rest')?.findings).toContainEqual(
      expect.objectContaining({ severity: 'error', rule: 'prelude', row: 'ST3' }),
    )
  })

  it('a failure after the prelude: status and headers arrive, the body is cut short (ST9, ST21)', async () => {
    const { ordinary } = await checkJson([`${fixtures}#failsMidStream`, '--integration', 'rest'])
    const result = ordinary('rest')
    expect(result?.client).toMatchObject({ status: 200, body: 'first line\n', gatewayError: false })
    expect(result?.stream.ended).toBe('truncated')
    expect(result?.findings).toContainEqual(
      expect.objectContaining({ severity: 'error', rule: 'stream-truncated', row: 'ST21' }),
    )
    expect(result?.explanation).toContain('the connection closes mid-body (ST9)')
  })

  it('a handler that writes nothing within --timeout-ms is the gateway’s 504 timeout (ST5)', async () => {
    const { ordinary } = await checkJson([
      `${fixtures}#hangs`,
      '--integration',
      'rest',
      '--timeout-ms',
      '100',
    ])
    expect(ordinary('rest')?.client).toMatchObject({ status: 504, gatewayError: true })
    expect(ordinary('rest')?.outcome).toBe('function-timeout')
    expect(ordinary('rest')?.findings).toContainEqual(
      expect.objectContaining({ severity: 'error', rule: 'timeout', row: 'ST5' }),
    )
  })

  it('a stream not ended when the handler resolves is cut short (ST22, ST21)', async () => {
    const { ordinary } = await checkJson([`${fixtures}#neverEnds`, '--integration', 'function-url'])
    const result = ordinary('function-url')
    expect(result?.client).toMatchObject({ status: 200, body: 'partial' })
    expect(result?.findings).toContainEqual(
      expect.objectContaining({ rule: 'stream-truncated', row: 'ST21' }),
    )
    expect(result?.findings[0]?.message).toContain('Response stream is not finished.')
  })

  it('--template: the streaming example’s routes are checked as streamed (ST3, ST12)', async () => {
    // The template's CodeUri is the build output; the source serves every route instead.
    const { code, report } = await checkJson([`${example}#handler`, '--template', exampleTemplate])
    expect(report.results.length).toBeGreaterThan(0)
    for (const result of report.results) {
      expect(result.stream.ended).toBe('complete')
      expect(result.client.headers['content-type']).toBe('application/x-ndjson')
    }
    expect(code).toBe(0)
  })

  it('behind HTTP API and ALB the response arrives whole: a not-streamed warning (ST31, ST32)', async () => {
    const { ordinary } = await checkJson([
      `${fixtures}#ok`,
      '--integration',
      'http-v2',
      '--integration',
      'alb',
    ])
    expect(ordinary('http-v2')?.findings).toContainEqual(
      expect.objectContaining({ rule: 'not-streamed', row: 'ST31' }),
    )
    expect(ordinary('alb')?.findings).toContainEqual(
      expect.objectContaining({ rule: 'not-streamed', row: 'ST32' }),
    )
    expect(ordinary('http-v2')?.client.status).toBe(200)
  })

  it('the streaming example (gateproof(fn, { streaming })) is checked as it streams ndjson on every probe (ST3, ST27)', async () => {
    const { ordinary, report } = await checkJson([
      `${example}#handler`,
      '--integration',
      'function-url',
    ])
    const result = ordinary('function-url')
    expect(result?.client.status).toBe(200)
    expect(result?.client.headers['content-type']).toBe('application/x-ndjson')
    expect(result?.client.body.split('\n')[0]).toBe('{"id":1,"status":"shipped"}')
    expect(result?.findings).toEqual([])
    expect(report.results.every((r) => r.stream.ended === 'complete')).toBe(true)
  })
})

describe('gateproof serve on a streaming handler (issue 15, §11)', () => {
  it('Function URL RESPONSE_STREAM: the example’s orders arrive chunk by chunk (ST3, ST23)', async () => {
    const { url, out } = await serve([`${example}#handler`, '--integration', 'function-url'])
    expect(out()).toContain('streaming handler: status and headers when the prelude is written')
    const response = await fetch(`${url}/orders/export?count=3`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/x-ndjson')
    expect(response.headers.get('transfer-encoding')).toBe('chunked')
    const reader = (response.body as ReadableStream<Uint8Array>).getReader()
    const parts: string[] = []
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      parts.push(Buffer.from(value).toString())
    }
    expect(parts.length).toBeGreaterThan(1)
    expect(parts.join('').trim().split('\n')).toHaveLength(3)
  })

  it('REST STREAM: the prelude’s status and headers, then the body; a bad count is a 400 (ST2, ST3)', async () => {
    const { url } = await serve([`${example}#handler`, '--route', 'GET /orders/export'])
    const good = await fetch(`${url}/orders/export?count=2`)
    expect(good.status).toBe(200)
    expect((await good.text()).trim().split('\n')).toHaveLength(2)
    const bad = await fetch(`${url}/orders/export?count=0`)
    expect(bad.status).toBe(400)
  })

  it('behind HTTP API it says the response arrives whole, and serves it whole (ST31)', async () => {
    const { url, out } = await serve([`${example}#handler`, '--integration', 'http-api'])
    expect(out()).toContain('does not stream, the response arrives whole (ST31)')
    const response = await fetch(`${url}/orders/export?count=2`)
    expect(response.status).toBe(200)
    expect((await response.text()).trim().split('\n')).toHaveLength(2)
  })

  it('an error before the first write is the gateway’s 502 (ST8, ST20, unconfirmed)', async () => {
    const { url } = await serve([`${fixtures}#throwsFirst`, '--integration', 'function-url'])
    const response = await fetch(`${url}/`)
    expect(response.status).toBe(502)
  })
})
