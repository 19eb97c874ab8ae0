import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'

const bin = fileURLToPath(new URL('../packages/testing/dist/bin.js', import.meta.url))
const fixture = fileURLToPath(new URL('./fixtures/orders-handler.mjs', import.meta.url))
// The CLI is tested as users run it: the built binary. `pnpm test` builds before it tests.
const built = existsSync(bin)
if (!built && process.env.CI) throw new Error(`${bin} is missing: run pnpm build first`)

let child: ChildProcess | undefined
afterEach(() => {
  child?.kill('SIGTERM')
  child = undefined
})

function serve(args: string[]): Promise<string> {
  child = spawn(process.execPath, [bin, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  return new Promise((resolve, reject) => {
    let output = ''
    child?.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1]
      if (url) resolve(url)
    })
    child?.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child?.once('exit', (code) => reject(new Error(`gateproof serve exited ${code}: ${output}`)))
  })
}

describe.skipIf(!built)('gateproof serve (the @gateproof/testing CLI)', () => {
  it('serves a handler module as a REST API front door on loopback', async () => {
    const url = await serve([`${fixture}#handler`, '--integration', 'rest', '--port', '0'])
    const ok = await fetch(`${url}/orders`)
    expect(ok.status).toBe(200)
    expect(await ok.text()).toBe('hello /orders')
    const malformed = await fetch(`${url}/object`)
    expect(malformed.status).toBe(502)
    expect(await malformed.json()).toEqual({ message: 'Internal server error' })
  })

  it('exits 2 with the usage when the export does not exist', async () => {
    await expect(serve([`${fixture}#nope`, '--port', '0'])).rejects.toThrow(
      /exited 2: .*has no function export "nope"/s,
    )
  })
})
