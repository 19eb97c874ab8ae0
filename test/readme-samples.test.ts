// Issue 13, "docs samples are real files": every README/docs code block is a snippet file (or says it is
// not code), equal to it; every snippet file runs as written here, with real Middy, Powertools and
// http-errors. `pnpm typecheck` typechecks the same files (root tsconfig.json includes docs/snippets).
import { once } from 'node:events'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Integration } from '@gateproof/core'
import { validateProxyResult } from '@gateproof/proxy-shape'
import {
  type Capture,
  captureOutput,
  eventFor,
  installStreamingGlobals,
  invokeStreaming,
  lambdaContext,
} from '@gateproof/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type RedisServer,
  redisServerAvailable,
  startRedis,
} from '../packages/redis-limiter/test/helpers/redis-server.js'
import { check, ROOT, report, rewrite, snippetFiles } from '../scripts/snippets.mjs'

interface Ran {
  /** The module's exports. */
  module: Record<string, unknown>
  /** What its exported `handler` answered to an event of its front door (if it exports one). */
  result: unknown
  capture: Capture
}

/**
 * What a snippet must do beyond the default (its `handler`, when it exports one, answers a valid
 * non-5xx response for its front door). Keyed by path under docs/snippets/.
 */
const EXPECTATIONS: Record<string, (ran: Ran) => void | Promise<void>> = {
  'proxy-shape/without-proxy-shape.ts': ({ result }) => {
    // The point of the sample: plain Middy lets a response through that REST rejects (R17).
    expect(validateProxyResult(result, 'rest').valid).toBe(false)
  },
  'redis-limiter/fleet-limit.ts': async ({ module, result }) => {
    expect(result).toMatchObject({ statusCode: 200 })
    await (module.redis as { quit(): Promise<unknown> }).quit()
  },
  'error-mapper/built-in-rules.ts': ({ result }) => {
    // The catch-all rule answers 500 with its own title; the thrown message stays inside.
    expect(result).toMatchObject({ statusCode: 500 })
    expect(JSON.stringify(result)).toContain('Something went wrong')
    expect(JSON.stringify(result)).not.toContain('disk full')
  },
  'timeout-guard/abort-work.ts': ({ result }) => {
    // DynamoDB and the pricing service are the local stand-ins started below.
    expect(result).toMatchObject({ statusCode: 200 })
    expect(JSON.parse((result as { body: string }).body)).toEqual({
      order: { id: { S: '42' } },
      prices: { EUR: 12.5 },
    })
  },
  'gateproof/streaming.ts': async ({ module }) => {
    // A streaming handler takes a response stream, not a context: invoked as the runtime does (issue 15).
    const streamed = await invokeStreaming(module.exportOrders, eventFor('function-url'))
    expect(streamed.prelude).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/x-ndjson' },
    })
    expect(streamed.body.toString().trim().split('\n')).toHaveLength(3)
  },
  'testing/invoke-streaming.ts': ({ module }) => {
    expect(module.streamed).toMatchObject({ ended: 'complete', prelude: { statusCode: 200 } })
  },
  'observability/doctor.ts': ({ module }) => {
    // examples/rest-api/template.yaml passes gateproof doctor (issue 17).
    expect(module.failed).toBe(false)
  },
  'observability/cloudformation-dashboard.ts': ({ module }) => {
    expect(Object.keys(module.resources as object)).toContain('GateproofDashboard')
  },
  'observability/cdk-dashboard.ts': ({ module }) => {
    expect(Object.keys((module.dashboard as { alarms: object }).alarms)).toHaveLength(4)
  },
}

/** Snippets that need a real redis-server (REDIS_URL is set for them). */
const NEEDS_REDIS = new Set(['redis-limiter/fleet-limit.ts'])

const integrationOf = (source: string): Integration =>
  (/integration:\s*'(rest|http-v1|http-v2|alb|function-url)'/.exec(source)?.[1] as Integration) ??
  'rest'

describe('README samples are real files (issue 13)', () => {
  it('every code block in every README and docs page is a snippet equal to its file, or says it is not code', () => {
    const problems = check()
    if (problems.length > 0) expect.fail(report(problems))
  })

  it('the checker names each broken block and what to do; pnpm snippets rewrites blocks from their files', () => {
    const root = mkdtempSync(join(tmpdir(), 'snippets-'))
    try {
      mkdirSync(join(root, 'docs/snippets/demo'), { recursive: true })
      const sample = "import middy from '@middy/core'\n\nexport const handler = middy()\n"
      writeFileSync(join(root, 'docs/snippets/demo/sample.ts'), sample)
      const readme = [
        '# demo',
        '```sh',
        'npm install gateproof',
        '```',
        '<!-- snippet: docs/snippets/demo/sample.ts -->',
        '```ts',
        'stale',
        '```',
        '```ts',
        'const unmarked = 1',
        '```',
        '```',
        'a diagram without an info string',
        '```',
        '<!-- snippet: docs/snippets/demo/missing.ts -->',
        '```ts',
        '```',
        '',
      ].join('\n')
      writeFileSync(join(root, 'README.md'), readme)
      const problems = check(root)
      expect(problems).toEqual([
        expect.stringMatching(
          /^README\.md:6: the block differs from docs\/snippets\/demo\/sample\.ts/,
        ),
        expect.stringMatching(/^README\.md:9: a ```ts block without <!-- snippet/),
        expect.stringMatching(/^README\.md:12: a code block without an info string/),
        expect.stringMatching(
          /^README\.md:16: the marker names docs\/snippets\/demo\/missing\.ts, which does not exist/,
        ),
        expect.stringMatching(
          /^README\.md: docs\/snippets\/demo\/sample\.ts imports @middy\/core, which no install line/,
        ),
      ])
      expect(report(problems)).toContain('Run `pnpm snippets`')
      expect(rewrite(root)).toEqual(['README.md'])
      expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain(`\`\`\`ts\n${sample}\`\`\``)
      expect(check(root)).toHaveLength(4)
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })

  it('a TypeScript snippet that uses Node (node: modules, process, Buffer) needs @types/node on an install line', () => {
    const root = mkdtempSync(join(tmpdir(), 'snippets-'))
    try {
      mkdirSync(join(root, 'docs/snippets/demo'), { recursive: true })
      const typed =
        "import { Readable } from 'node:stream'\n\nexport const body = Readable.from(['a'])\n"
      const plain = 'export const port = process.env.PORT\n'
      writeFileSync(join(root, 'docs/snippets/demo/typed.ts'), typed)
      writeFileSync(join(root, 'docs/snippets/demo/plain.mjs'), plain)
      const readme = (install: string) =>
        [
          '# demo',
          '```sh',
          install,
          '```',
          '<!-- snippet: docs/snippets/demo/typed.ts -->',
          `\`\`\`ts\n${typed}\`\`\``,
          '<!-- snippet: docs/snippets/demo/plain.mjs -->',
          `\`\`\`js\n${plain}\`\`\``,
          '',
        ].join('\n')
      writeFileSync(join(root, 'README.md'), readme('npm install gateproof'))
      expect(check(root)).toEqual([
        expect.stringMatching(
          /^README\.md: docs\/snippets\/demo\/typed\.ts imports @types\/node, which no install line/,
        ),
      ])
      writeFileSync(join(root, 'README.md'), readme('npm install --save-dev @types/node'))
      expect(check(root)).toEqual([])
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })

  describe('every snippet runs as written', () => {
    let redis: RedisServer | undefined
    let services: Server | undefined
    beforeAll(async () => {
      // Streaming samples (issue 15) build their handler when they load, as in Lambda: the runtime's globals.
      installStreamingGlobals()
      // Stand-ins for what the samples call over the network: DynamoDB (JSON 1.0 protocol) and a
      // pricing service, so the samples run as written, with the real AWS SDK, without AWS.
      services = createServer((req, res) => {
        if (req.method === 'POST') {
          res.setHeader('content-type', 'application/x-amz-json-1.0')
          res.end(JSON.stringify({ Item: { id: { S: '42' } } }))
        } else {
          res.setHeader('content-type', 'application/json')
          res.end(JSON.stringify({ EUR: 12.5 }))
        }
      })
      services.listen(0, '127.0.0.1')
      await once(services, 'listening')
      const { port } = services.address() as AddressInfo
      Object.assign(process.env, {
        AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${port}`,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
        PRICING_URL: `http://127.0.0.1:${port}/prices`,
      })
      if (redisServerAvailable) {
        const server = await startRedis()
        redis = server
        process.env.REDIS_URL = `redis://127.0.0.1:${server.port}`
      }
    })
    afterAll(async () => {
      services?.close()
      await redis?.stop()
    })

    for (const file of snippetFiles()) {
      const name = file.slice('docs/snippets/'.length)
      it(`${name} runs`, async (context) => {
        if (NEEDS_REDIS.has(name) && !redisServerAvailable) {
          context.skip("redis-server is not on PATH (see the README's Set up)")
        }
        const source = readFileSync(join(ROOT, file), 'utf8')
        const capture = captureOutput()
        try {
          const module = (await import(pathToFileURL(join(ROOT, file)).href)) as Record<
            string,
            unknown
          >
          let result: unknown
          const integration = integrationOf(source)
          if (typeof module.handler === 'function') {
            result = await module.handler(eventFor(integration), lambdaContext())
          }
          const expectation = EXPECTATIONS[name]
          if (expectation) {
            await expectation({ module, result, capture })
          } else if (typeof module.handler === 'function') {
            expect(validateProxyResult(result, integration)).toEqual({
              valid: true,
              violations: [],
            })
            const status =
              typeof result === 'object' && result !== null && 'statusCode' in result
                ? Number(result.statusCode)
                : 200
            expect(status, JSON.stringify(result)).toBeLessThan(500)
          }
        } finally {
          capture.stop()
        }
      })
    }
  })
})
