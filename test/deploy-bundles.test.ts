// "Deployable as written": every example function is built the way its template tells `sam build`
// (Metadata.BuildMethod esbuild with its BuildProperties, SAM's defaults for the rest: bundle,
// platform node, format cjs, target es2020, minify), then loaded and invoked in a fresh process from
// a directory with no node_modules, as the Lambda runtime loads it (`.mjs` imported, `.js` required).
// An ESM bundle of http-errors fails there ("Dynamic require of "path" is not supported": depd is
// CommonJS), which no test that imports the sources can see.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  httpApiAuthorizerEvent,
  httpApiEvent,
  restEvent,
  tokenAuthorizerEvent,
} from '@gateproof/testing'
import type { APIGatewayEventRequestContextV2 } from 'aws-lambda'
import { build, type Format } from 'esbuild'
import { afterAll, describe, expect, it } from 'vitest'
import { loadTemplate } from '../packages/observability/src/index.js'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
const out = mkdtempSync(join(tmpdir(), 'gateproof-deploy-'))
afterAll(() => rmSync(out, { recursive: true, force: true }))

type Json = Record<string, unknown>

/** What to send each function, and what it must answer. */
interface Invocation {
  event: unknown
  expect: (result: Json) => void
}

const ctx = { remainingMs: 30_000 }

const INVOCATIONS: Record<string, Record<string, Invocation[]>> = {
  'examples/rest-api': {
    GetOrderFunction: [
      {
        event: restEvent({
          path: '/orders/42',
          resource: '/orders/{id}',
          pathParameters: { id: '42' },
        }),
        expect: (r) => expect(r).toMatchObject({ statusCode: 200 }),
      },
      {
        // The error path: http-errors and the error contract, in the bundle.
        event: restEvent({
          path: '/orders/7',
          resource: '/orders/{id}',
          pathParameters: { id: '7' },
        }),
        expect: (r) => {
          expect(r).toMatchObject({ statusCode: 404 })
          expect(JSON.stringify(r.headers)).toContain('application/problem+json')
          // Issue 18: the reason phrase is `statuses`' own, loaded by the first error: the bundle
          // must still carry it.
          expect(JSON.parse(String(r.body))).toMatchObject({ title: 'Not Found' })
        },
      },
    ],
  },
  'examples/authorizer': {
    TokenAuthorizerFunction: [
      {
        event: tokenAuthorizerEvent({ authorizationToken: 'Bearer alice-token' }),
        expect: (r) => expect(JSON.stringify(r.policyDocument)).toContain('"Allow"'),
      },
    ],
    HttpAuthorizerFunction: [
      {
        event: httpApiAuthorizerEvent({ headers: { authorization: 'Bearer bob-token' } }),
        expect: (r) => expect(r).toMatchObject({ isAuthorized: true }),
      },
    ],
    RestOrdersFunction: [
      {
        event: restEvent({ path: '/orders/1', pathParameters: { id: '1' } }),
        expect: (r) => expect(r).toMatchObject({ statusCode: 200 }),
      },
    ],
    HttpOrdersFunction: [
      {
        event: httpApiEvent({
          rawPath: '/orders/1',
          pathParameters: { id: '1' },
          // The simple authorizer's context, as HTTP API hands it to the integration (AZ30).
          requestContext: {
            authorizer: { lambda: { userId: 'bob', scopes: [] } },
          } as unknown as Partial<APIGatewayEventRequestContextV2>,
        }),
        expect: (r) => expect(r).toMatchObject({ statusCode: 200 }),
      },
    ],
  },
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)
const list = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []

/** Runs in the fresh process: loads the bundle as the runtime does and answers each event. */
const RUNNER = `
const { createRequire } = require('node:module')
const { pathToFileURL } = require('node:url')
const [file, exportName, eventsFile] = process.argv.slice(2)
const events = JSON.parse(require('node:fs').readFileSync(eventsFile, 'utf8'))
const context = {
  awsRequestId: 'deploy-test', functionName: 'f', functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f', memoryLimitInMB: '1024',
  logGroupName: 'g', logStreamName: 's', callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => ${ctx.remainingMs},
}
;(async () => {
  const mod = file.endsWith('.mjs') ? await import(pathToFileURL(file).href) : createRequire(__filename)(file)
  const results = []
  for (const event of events) results.push(await mod[exportName](event, context))
  process.stdout.write('\\n@@' + JSON.stringify(results))
})().catch((error) => { console.error(error); process.exit(1) })
`

/** Loads `file` in a fresh process from its directory, as the runtime does, and answers `events`. */
function runBundle(
  file: string,
  exportName: string,
  events: unknown[],
  onStderr?: (stderr: string) => void,
): Json[] {
  const dir = dirname(file)
  const eventsFile = join(dir, 'events.json')
  writeFileSync(eventsFile, JSON.stringify(events))
  writeFileSync(join(dir, 'runner.cjs'), RUNNER)
  const { TABLE_NAME: _table, NODE_PATH: _path, ...env } = process.env
  const run = spawnSync(process.execPath, [join(dir, 'runner.cjs'), file, exportName, eventsFile], {
    cwd: dir,
    env,
    encoding: 'utf8',
  })
  if (run.status !== 0) throw new Error(`${file} failed to load or answer:\n${run.stderr}`)
  onStderr?.(run.stderr)
  return JSON.parse(run.stdout.slice(run.stdout.lastIndexOf('\n@@') + 3)) as Json[]
}

describe('examples deploy as their templates build them (sam build with esbuild)', () => {
  for (const [example, functions] of Object.entries(INVOCATIONS)) {
    it(`${example}: every esbuild function bundles, loads with no node_modules and answers`, async () => {
      const template = await loadTemplate(join(ROOT, example, 'template.yaml'))
      const built = Object.entries(template.resources).filter(
        ([, r]) => r.Type === 'AWS::Serverless::Function' && r.Metadata?.BuildMethod === 'esbuild',
      )
      expect(built.map(([id]) => id).sort()).toEqual(Object.keys(functions).sort())
      for (const [id, resource] of built) {
        const props = (resource.Properties ?? {}) as Json
        const meta = (resource.Metadata?.BuildProperties ?? {}) as Json
        const dir = join(out, example.replace('/', '-'), id)
        const codeDir = join(ROOT, example, str(props.CodeUri) ?? '.')
        const outExtension = Object.fromEntries(
          list(meta.OutExtension).map((pair) => pair.split('=') as [string, string]),
        )
        await build({
          entryPoints: list(meta.EntryPoints).map((entry) => join(codeDir, entry)),
          bundle: true,
          platform: 'node',
          outdir: dir,
          format: (str(meta.Format) ?? 'cjs') as Format,
          target: str(meta.Target) ?? 'es2020',
          minify: meta.Minify !== false,
          outExtension,
          external: list(meta.External),
          logLevel: 'silent',
        })
        const handler = str(props.Handler) ?? 'index.handler'
        const dot = handler.lastIndexOf('.')
        const file = join(dir, `${handler.slice(0, dot)}${outExtension['.js'] ?? '.js'}`)
        const invocations = functions[id] ?? []
        const results = runBundle(
          file,
          handler.slice(dot + 1),
          invocations.map((i) => i.event),
        )
        for (const [i, invocation] of invocations.entries()) invocation.expect(results[i] ?? {})
      }
    }, 60_000)
  }
})

describe('the README\'s ESM bundling advice (gateproof README, "Bundling")', () => {
  it('an ESM bundle with the createRequire banner loads and answers, success and error path', async () => {
    const file = join(out, 'esm-banner', 'handler.mjs')
    await build({
      entryPoints: [join(ROOT, 'examples/rest-api/src/handler.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'es2023',
      minify: true,
      outfile: file,
      banner: {
        js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
      logLevel: 'silent',
    })
    const invocations = INVOCATIONS['examples/rest-api']?.GetOrderFunction ?? []
    const results = runBundle(
      file,
      'handler',
      invocations.map((i) => i.event),
    )
    for (const [i, invocation] of invocations.entries()) invocation.expect(results[i] ?? {})
  }, 60_000)

  it("an ESM bundle WITHOUT the banner still answers gateproof's own refusals with their status, and says how to fix it", async () => {
    const file = join(out, 'esm-no-banner', 'shed.mjs')
    await build({
      entryPoints: [join(ROOT, 'test/fixtures/bundles/shed.mjs')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: file,
      logLevel: 'silent',
    })
    const [refused] = runBundle(file, 'handler', [restEvent()], (stderr) => {
      expect(stderr).toContain('http-errors could not be loaded')
      expect(stderr).toContain('createRequire')
    })
    // Too little time left (30 s < 60 s): the shedder's refusal, not a 500 from a failed error build.
    expect(refused?.statusCode).toBe(429)
    expect(JSON.stringify(refused?.headers)).toContain('Retry-After')
    // Issue 18: without http-errors the error is built from `statuses`' reason phrase, which the
    // bundle still loads (esbuild defines `require` for what it inlined).
    expect(JSON.parse(String(refused?.body))).toMatchObject({ title: 'Too Many Requests' })
  }, 60_000)
})
