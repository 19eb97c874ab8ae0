import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'

// The CLI is tested as users run it: the committed bin over the built dist (`pnpm test` builds first).
const bin = fileURLToPath(new URL('../bin/gateproof.js', import.meta.url))
const dist = fileURLToPath(new URL('../dist/main.js', import.meta.url))
const fixture = fileURLToPath(new URL('./fixtures/orders-handler.mjs', import.meta.url))

let child: ChildProcess | undefined
afterEach(() => {
  if (child?.exitCode === null) child.kill('SIGKILL')
  child = undefined
})

function start(args: string[]): {
  url: Promise<string>
  exit: Promise<number | null>
  output: () => string
} {
  if (!existsSync(dist)) throw new Error(`${dist} is missing: run pnpm build first`)
  const proc = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  child = proc
  let output = ''
  const exit = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)))
  const url = new Promise<string>((resolve, reject) => {
    proc.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const found = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1]
      if (found) resolve(found)
    })
    proc.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    void exit.then((code) => reject(new Error(`gateproof exited ${code}: ${output}`)))
  })
  return { url, exit, output: () => output }
}

/** True when nothing listens on the port any more: a fresh server can take it. */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer()
    probe.once('error', () => resolve(false))
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)))
  })
}

describe('gateproof serve as a real process (issue 13: "Ctrl-C / SIGTERM stop the server")', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s stops the server: exit code 0 and the port is free again',
    async (signal) => {
      const served = start([
        'serve',
        `${fixture}#handler`,
        '--route',
        'GET /orders/{id}',
        '--port',
        '0',
      ])
      const url = await served.url
      const port = Number(new URL(url).port)
      // A kept-alive connection must not keep the server up after the signal.
      const response = await fetch(`${url}/orders/42`)
      expect(await response.json()).toMatchObject({ pathParameters: { id: '42' } })
      expect(await portIsFree(port)).toBe(false)
      child?.kill(signal)
      expect(await served.exit).toBe(0)
      expect(served.output()).toContain(`stopped (${signal})`)
      expect(await portIsFree(port)).toBe(true)
    },
  )

  it('the bin prints --help and exits 0', async () => {
    const run = start(['--help'])
    run.url.catch(() => undefined)
    expect(await run.exit).toBe(0)
    expect(run.output()).toContain('Usage: gateproof <command>')
  })

  it('exits 2 with a pointer to --help when the export does not exist', async () => {
    const run = start(['serve', `${fixture}#nope`, '--port', '0'])
    await expect(run.url).rejects.toThrow(/exited 2: .*has no function export "nope"/s)
  })
})
