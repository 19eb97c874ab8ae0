#!/usr/bin/env node
// Cost of @gateproof/proxy-shape on the path that matters: a valid ~1 KB JSON response
// passing through unchanged. Bare Middy vs Middy + proxyShape (with and without its
// requestEnd plugin hook), for every front door. Imports the BUILT packages: run
// `pnpm build` first. Writes bench/results/proxy-shape.json and .md.
//
//   node bench/proxy-shape.mjs            # defaults: 200 000 warm-up, 15 rounds × 200 000
//   ROUNDS=5 ITERATIONS=50000 node bench/proxy-shape.mjs

import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import middy from '@middy/core'
import { gateproofPlugin } from '../packages/core/dist/index.js'
import { proxyShape, validateProxyResult } from '../packages/proxy-shape/dist/index.js'
import { eventFor, lambdaContext } from '../packages/testing/dist/index.js'
import { compare, median, record, round1, runSummary, sizesFromEnv, table } from './harness.mjs'

const sizes = sizesFromEnv({ warmup: 200_000, rounds: 15, iterations: 200_000 })
const { warmup: WARMUP, rounds: ROUNDS, iterations: ITERATIONS } = sizes

const order = {
  id: 'ord_01J9ZK3V7Q8X2M4N6P0R5T7W9Y',
  status: 'confirmed',
  currency: 'EUR',
  createdAt: '2026-11-22T10:15:00.000Z',
  customer: { id: 'cus_8841', name: 'Ada Lovelace', email: 'ada@example.com', tier: 'gold' },
  shipping: { street: '12 Analytical Row', city: 'London', postcode: 'EC1A 1BB', country: 'GB' },
  lines: Array.from({ length: 6 }, (_, i) => ({
    sku: `SKU-${1000 + i}`,
    name: `Difference engine part ${i + 1}`,
    quantity: i + 1,
    unitPrice: 1999 + i * 250,
  })),
  notes: 'Leave at the front desk. Fragile: contains brass gears.',
}
const BODY = JSON.stringify(order)

// A typical handler: builds a fresh response object around an already serialised body.
const response = (integration) => {
  const result = {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
    body: BODY,
  }
  if (integration === 'alb') {
    result.statusDescription = '200 OK'
    result.isBase64Encoded = false
  }
  return result
}

const cases = ['rest', 'http-v1', 'http-v2', 'function-url', 'alb'].map((integration) => ({
  integration,
  event: eventFor(integration),
}))

// A middleware that does nothing: what Middy itself charges for one more after/onError
// pair and for a gateproofPlugin requestEnd hook, so proxyShape's own share can be told apart.
const noop = () => ({ after: () => undefined, onError: () => undefined })
const noopWithPlugin = () => ({ ...noop(), plugin: { requestEnd: () => undefined } })

function handlers(integration) {
  const handler = async () => response(integration)
  const withPlugin = proxyShape()
  const idle = noopWithPlugin()
  return {
    bare: middy(handler),
    noop: middy(handler).use(noop()),
    shaped: middy(handler).use(proxyShape()),
    noopWithPlugin: middy(handler, gateproofPlugin(idle)).use(idle),
    shapedWithPlugin: middy(handler, gateproofPlugin(withPlugin)).use(withPlugin),
    shapedFixed: middy(handler).use(proxyShape({ integration })),
  }
}

// The middleware's own work, without Middy's async machinery around it: its plugin's
// `requestStart`, its `after` and its plugin's `requestEnd` on a request object (with
// Middy's null-prototype `internal`), minus building the response alone. CPU time: other
// load on the machine does not inflate it.
function timeDirectRound(integration, event, context, n, withShape) {
  const shape = withShape
  const request = { event, context, response: undefined, error: undefined, internal: null }
  let sink = 0
  const start = process.cpuUsage()
  if (shape) {
    for (let i = 0; i < n; i++) {
      request.response = response(integration)
      request.internal = Object.create(null)
      shape.plugin.requestStart(request)
      shape.after(request)
      shape.plugin.requestEnd(request)
      sink += request.response.statusCode
    }
  } else {
    for (let i = 0; i < n; i++) {
      request.response = response(integration)
      request.internal = Object.create(null)
      sink += request.response.statusCode
    }
  }
  const { user, system } = process.cpuUsage(start)
  const ns = ((user + system) * 1000) / n
  if (sink !== 200 * n) throw new Error('unexpected status')
  return ns
}

/** Every figure for one front door, measured in this process. */
async function measure({ integration, event }) {
  const context = lambdaContext()
  const variants = handlers(integration)
  const check = await variants.shapedWithPlugin(event, context)
  const { valid } = validateProxyResult(check, integration)
  if (!valid || JSON.stringify(check) !== JSON.stringify(response(integration))) {
    throw new Error(`${integration}: the benchmark response is not passed through unchanged`)
  }
  const ns = await compare(
    Object.fromEntries(
      Object.entries(variants).map(([name, fn]) => [name, () => fn(event, context)]),
    ),
    sizes,
  )
  const shape = proxyShape()
  timeDirectRound(integration, event, context, WARMUP, shape)
  timeDirectRound(integration, event, context, WARMUP, undefined)
  const direct = { bare: [], shaped: [] }
  for (let r = 0; r < ROUNDS; r++) {
    direct.bare.push(timeDirectRound(integration, event, context, ITERATIONS * 5, undefined))
    direct.shaped.push(timeDirectRound(integration, event, context, ITERATIONS * 5, shape))
  }
  return {
    integration,
    middlewareNs: round1(median(direct.shaped) - median(direct.bare)),
    bareNs: round1(ns.bare),
    noopNs: round1(ns.noop),
    shapedNs: round1(ns.shaped),
    noopWithPluginNs: round1(ns.noopWithPlugin),
    shapedWithPluginNs: round1(ns.shapedWithPlugin),
    shapedFixedNs: round1(ns.shapedFixed),
    addedNs: round1(ns.shaped - ns.bare),
    addedOverNoopNs: round1(ns.shaped - ns.noop),
    addedWithPluginNs: round1(ns.shapedWithPlugin - ns.bare),
    addedWithPluginOverNoopNs: round1(ns.shapedWithPlugin - ns.noopWithPlugin),
    addedFixedNs: round1(ns.shapedFixed - ns.bare),
  }
}

// Each front door in a fresh process, as in a Lambda function that serves one: measured one
// after another in one process, the shared code would see every event shape and the later
// front doors would pay for the JIT's deoptimisations.
const self = fileURLToPath(import.meta.url)
const results = []
if (process.env.PROXY_SHAPE_CASE) {
  const only = cases.find(({ integration }) => integration === process.env.PROXY_SHAPE_CASE)
  process.stdout.write(JSON.stringify(await measure(only)))
  process.exit(0)
}
for (const { integration } of cases) {
  const out = execFileSync(process.execPath, [self], {
    env: { ...process.env, PROXY_SHAPE_CASE: integration },
  })
  results.push(JSON.parse(String(out)))
}

const summary = {
  ...runSummary('proxy-shape: valid response passing through', sizes),
  bodyBytes: Buffer.byteLength(BODY),
  statistic: 'median of per-round mean ns/invocation',
  targetAddedNs: 300,
  results,
}

console.table(results)

const markdown = `# proxy-shape benchmark

A valid ${summary.bodyBytes}-byte JSON response (\`statusCode\`, two headers, string body) passing
through unchanged. ns per invocation, ${summary.statistic} (${ROUNDS} rounds × ${ITERATIONS}
invocations after ${WARMUP} warm-up). Target: < 300 ns added.

- ${summary.date}, Node ${summary.node}, ${summary.platform}, ${summary.cpu} × ${summary.cpuCount}
- Each front door is measured in a fresh process (as a Lambda function serves one).
- **middleware**: proxyShape's own work, its plugin's \`requestStart\`, its \`after\` and its plugin's
  \`requestEnd\` called on a request object in a synchronous loop (${ITERATIONS * 5} calls per round), minus building the response,
  in CPU time. The least noisy figure, and the one the target applies to.
- **added**: \`middy(handler).use(proxyShape())\` − bare \`middy(handler)\`, end to end through
  \`await handler(event, context)\`. Includes what Middy charges for any middleware; **over no-op** subtracts
  a middleware whose \`after\`/\`onError\` do nothing instead, leaving proxyShape's share.
- **+plugin**: also \`middy(handler, gateproofPlugin(shape))\`, the \`requestEnd\` hook for early responses;
  **over no-op** subtracts a no-op middleware with a no-op \`requestEnd\` through \`gateproofPlugin\`.
- **fixed**: \`proxyShape({ integration })\` instead of \`auto\` detection.
- End-to-end figures are differences of two ~µs timings: on a shared machine they carry tens of ns of noise.

${table(
  [
    'integration',
    'middleware',
    'bare Middy',
    'added',
    'added over no-op',
    'added +plugin',
    '+plugin over no-op',
    'added, fixed',
  ],
  results.map((r) => [
    r.integration,
    r.middlewareNs,
    r.bareNs,
    r.addedNs,
    r.addedOverNoopNs,
    r.addedWithPluginNs,
    r.addedWithPluginOverNoopNs,
    r.addedFixedNs,
  ]),
)}
`
record('proxy-shape', summary, markdown)
console.log('wrote bench/results/proxy-shape.json and proxy-shape.md')
