import { type ChildProcess, spawn } from 'node:child_process'
import { request } from 'node:http'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const BIN = `${ROOT}packages/cli/bin/gateproof.js`

let child: ChildProcess | undefined
afterEach(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child?.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  }
  child = undefined
})

/** Starts `gateproof serve` on a free port and resolves to the URL it prints. */
function serve(args: string[]): Promise<string> {
  child = spawn(process.execPath, [BIN, 'serve', ...args, '--port', '0'], { cwd: ROOT })
  return new Promise((resolve, reject) => {
    let output = ''
    child?.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const url = /http:\/\/127\.0\.0\.1:\d+/.exec(output)?.[0]
      if (url) resolve(url)
    })
    child?.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child?.once('exit', (code) => reject(new Error(`gateproof serve exited ${code}: ${output}`)))
  })
}

describe('gateproof serve streams the example (issue 15)', () => {
  it('ST2, ST16: a Function URL route answers chunk by chunk, one order per line', async () => {
    const url = await serve(['examples/streaming/src/handler.ts', '--integration', 'function-url'])
    const { status, headers, text, chunks } = await new Promise<{
      status: number
      headers: Record<string, unknown>
      text: string
      chunks: number
    }>((resolve, reject) => {
      request(`${url}/orders/export?count=3`, (res) => {
        let text = ''
        let chunks = 0
        res.on('data', (chunk: Buffer) => {
          chunks++
          text += chunk.toString()
        })
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, chunks }),
        )
      })
        .on('error', reject)
        .end()
    })
    expect(status).toBe(200)
    expect(headers['transfer-encoding']).toBe('chunked')
    expect(headers['content-type']).toBe('application/x-ndjson')
    expect(
      text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).id),
    ).toEqual([1, 2, 3])
    expect(chunks).toBeGreaterThan(1)
  })
})
