import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { waitFor } from './helpers.js'

// The CLI is tested as users run it: the committed bin over the built dist (`pnpm test` builds first).
const bin = fileURLToPath(new URL('../bin/gateproof.js', import.meta.url))
const dist = fileURLToPath(new URL('../dist/main.js', import.meta.url))
const fixture = fileURLToPath(new URL('./fixtures/orders-handler.mjs', import.meta.url))

let child: ChildProcess | undefined
afterEach(() => {
  if (child?.exitCode === null) child.kill('SIGKILL')
  child = undefined
})

const repo = fileURLToPath(new URL('../../../', import.meta.url))

function start(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): {
  url: Promise<string>
  exit: Promise<number | null>
  output: () => string
} {
  if (!existsSync(dist)) throw new Error(`${dist} is missing: run pnpm build first`)
  const proc = spawn(process.execPath, [bin, ...args], {
    cwd: repo,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
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

  it('serves examples/rest-api with one command: --template template.yaml, TypeScript handler loaded (issue 13 done-when)', async () => {
    // No TABLE_NAME (the template's !Ref is not resolved locally): the example answers from its
    // in-memory sample, so the README's first curl gets 200 without an AWS account.
    const { TABLE_NAME: _table, ...env } = process.env
    const served = start(
      ['serve', '--template', 'examples/rest-api/template.yaml', '--port', '0'],
      env,
    )
    const url = await served.url
    await waitFor(served.output, /GetOrderFunction/)
    expect(served.output()).toContain(
      'GET /orders/{id} → GetOrderFunction (examples/rest-api/src/handler.ts#handler)',
    )
    const found = await fetch(`${url}/orders/42`)
    expect(found.status).toBe(200)
    expect(await found.json()).toEqual({ id: '42', status: 'shipped' })
    const response = await fetch(`${url}/orders/7`)
    expect(response.status).toBe(404)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    const body = (await response.json()) as { requestId?: string; status?: number }
    expect(body.status).toBe(404)
    expect(body.requestId).toBe(response.headers.get('x-amzn-requestid'))
    expect((await fetch(`${url}/orders`)).status).toBe(403)
    child?.kill('SIGTERM')
    expect(await served.exit).toBe(0)
  })

  it('serves the CDK app of examples/cdk-gateway-responses: synthesized from TypeScript, inline function run', async () => {
    const served = start([
      'serve',
      '--template',
      'examples/cdk-gateway-responses/cdk.json',
      '--port',
      '0',
    ])
    const url = await served.url
    const response = await fetch(`${url}/orders`)
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('[]')
    child?.kill('SIGINT')
    expect(await served.exit).toBe(0)
  }, 60_000)

  it('stopping `npm exec gateproof serve` with SIGTERM stops the server too, though npm does not pass the signal on (issue 13)', async () => {
    if (!existsSync(dist)) throw new Error(`${dist} is missing: run pnpm build first`)
    // Its own process group, so that whatever happens the test can end every process it started.
    const npm = spawn(
      'npm',
      ['exec', '--no', '--', 'gateproof', 'serve', `${fixture}#handler`, '--port', '0'],
      {
        cwd: repo,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    try {
      let output = ''
      npm.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString()
      })
      const [, url] = await waitFor(() => output, /on (http:\/\/127\.0\.0\.1:\d+)/, 15_000)
      const port = Number(new URL(url as string).port)
      expect((await fetch(`${url}/orders/1`)).status).toBe(200)
      npm.kill('SIGTERM')
      const started = Date.now()
      while (!(await portIsFree(port)) && Date.now() - started < 5_000) {
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      expect(await portIsFree(port)).toBe(true)
    } finally {
      try {
        process.kill(-(npm.pid as number), 'SIGKILL')
      } catch {
        // The group is gone already: every process in it has exited.
      }
    }
  }, 30_000)

  it('gateproof check loads a TypeScript handler in a real process; --json stdout is the report alone', async () => {
    const run = start([
      'check',
      'packages/cli/test/fixtures/typed-handler.ts',
      '--integration',
      'rest',
      '--json',
    ])
    run.url.catch(() => undefined)
    expect(await run.exit).toBe(0)
    // stdout and stderr arrive interleaved in output(); the handler's log line went to stderr.
    const json = run.output().slice(run.output().indexOf('{\n'))
    const report = JSON.parse(json.slice(0, json.lastIndexOf('}') + 1)) as {
      ok: boolean
      results: Array<{ client: { body: string } }>
    }
    expect(report.ok).toBe(true)
    expect(report.results[0]?.client.body).toBe('{"greeting":"order 42"}')
  })

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
