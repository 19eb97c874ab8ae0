// The handler modules the cold-start benchmarks compare, each built the way a Lambda deployment
// usually ships one: a single minified esbuild bundle (ESM, node22) with every dependency inside.
// Shared by bench/cold-start.mjs (import time, size) and bench/instructions.mjs (instructions).
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

export const root = fileURLToPath(new URL('../..', import.meta.url))

const BODY = `const body = JSON.stringify({ id: 'order-42' })`
const WORK = `async () => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body })`

/** One handler per variant, doing the same work; the first is the baseline. */
export const HANDLERS = {
  'Middy + http-error-handler + http-errors': `
import middy from '@middy/core'
import httpErrorHandler from '@middy/http-error-handler'
import createError from 'http-errors'
${BODY}
export const handler = middy(async (event) => {
  if (!event) throw new createError.BadRequest('no event')
  return (${WORK})()
}).use(httpErrorHandler())
`,
  'gateproof()': `
import { gateproof } from 'gateproof'
${BODY}
export const handler = gateproof(${WORK})
`,
  'gateproof({ proxyShape: false })': `
import { gateproof } from 'gateproof'
${BODY}
export const handler = gateproof(${WORK}, { proxyShape: false })
`,
  // The Lambda runtime provides `awslambda` to a streaming handler's module; a plain `node`
  // import does not, so the bundle sets the part streaming needs before building the handler.
  // The same work: a streaming handler may answer with a plain string body.
  'gateproof({ streaming: true })': `
import { gateproof } from 'gateproof'
${BODY}
globalThis.awslambda ??= { streamifyResponse: (handler) => handler, HttpResponseStream: { from: (stream) => stream } }
export const handler = gateproof(${WORK}, { streaming: true })
`,
  // A REQUEST/TOKEN authorizer's preset: the work is an Allow policy for the method asked for.
  'gateproofAuthorizer()': `
import { allow, gateproofAuthorizer } from 'gateproof'
export const handler = gateproofAuthorizer(
  async (event) => allow('user-42', { methodArn: event.methodArn }),
  { type: 'token' },
)
`,
  'Middy + http-error-handler + Powertools Metrics, Logger': `
import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import middy from '@middy/core'
import httpErrorHandler from '@middy/http-error-handler'
${BODY}
const metrics = new Metrics({ namespace: 'orders' })
const logger = new Logger({ serviceName: 'orders' })
export const handler = middy(${WORK}).use(httpErrorHandler())
`,
  'gateproof() + Powertools Metrics, Logger': `
import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import { gateproof } from 'gateproof'
${BODY}
const metrics = new Metrics({ namespace: 'orders' })
const logger = new Logger({ serviceName: 'orders' })
export const handler = gateproof(${WORK}, { metrics, logger })
`,
  'Powertools Router': `
import { Router } from '@aws-lambda-powertools/event-handler/http'
${BODY}
const app = new Router()
app.get('/orders/:id', ${WORK})
export const handler = (event, context) => app.resolve(event, context)
`,
  'hono handle()': `
import { Hono } from 'hono'
import { handle } from 'hono/aws-lambda'
${BODY}
const app = new Hono()
app.get('/orders/:id', (c) => c.body(body, 200, { 'content-type': 'application/json' }))
export const handler = handle(app)
`,
  'lambda-api': `
import createAPI from 'lambda-api'
${BODY}
const api = createAPI()
api.get('/orders/:id', (req, res) => res.header('content-type', 'application/json').send(body))
export const handler = (event, context) => api.run(event, context)
`,
}
export const BASELINE = 'Middy + http-error-handler + http-errors'
export const PRESET = 'gateproof()'

/** Each package on its own: all of it (its namespace object: nothing to tree-shake), its dependencies inside. */
export const PACKAGES = [
  '@middy/core',
  '@middy/http-error-handler',
  'http-errors',
  '@gateproof/core',
  '@gateproof/error-mapper',
  '@gateproof/load-shedder',
  '@gateproof/proxy-shape',
  '@gateproof/timeout-guard',
  'gateproof',
]

const slug = (name) => name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '')

/** Builds `source` into one minified bundle in `dir`; returns its path and size. */
export async function bundle(dir, name, source) {
  const entry = join(dir, `${slug(name)}.src.mjs`)
  const outfile = join(dir, `${slug(name)}.mjs`)
  writeFileSync(entry, source)
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    nodePaths: [join(root, 'node_modules')],
    absWorkingDir: root,
    logLevel: 'error',
    // The Lambda Node.js runtime provides the AWS SDK v3 (lambda-api loads its S3 client lazily).
    external: ['@aws-sdk/*'],
    // Bundled CommonJS dependencies (http-errors, lambda-api) call require() for Node builtins.
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  })
  const { size } = await import('node:fs').then((fs) => fs.statSync(outfile))
  return { file: outfile, bytes: size }
}

/** Every handler and every package, bundled into `dir`. */
export async function buildAll(dir) {
  const handlers = {}
  for (const [name, source] of Object.entries(HANDLERS))
    handlers[name] = await bundle(dir, name, source)
  const packages = {}
  for (const name of PACKAGES)
    packages[name] = await bundle(
      dir,
      `pkg ${name}`,
      `import * as all from '${name}'\nexport default all\n`,
    )
  // An empty module: the floor every import time is measured over.
  const empty = await bundle(dir, 'empty', 'export {}\n')
  return { handlers, packages, empty }
}
