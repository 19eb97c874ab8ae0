import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { main } from '../src/main.js'
import type { CheckResult } from '../src/verdict.js'
import { memoryIo } from './helpers.js'

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url))
const handlers = `${fixtures}body-object.mjs`
const repo = fileURLToPath(new URL('../../../', import.meta.url))

afterEach(() => {
  vi.unstubAllEnvs()
})

async function check(args: string[], cwd = process.cwd()) {
  const io = { ...memoryIo(), cwd }
  const code = await main(['check', ...args], io)
  return { code, out: io.out(), err: io.err() }
}

async function checkJson(args: string[], cwd?: string) {
  const { code, out } = await check([...args, '--json'], cwd)
  const report = JSON.parse(out) as {
    ok: boolean
    errors: number
    warnings: number
    results: CheckResult[]
  }
  return { code, report }
}

describe('gateproof check warns when the ordinary request fails (a handler that answers every request 5xx)', () => {
  it("a strict-mode handler whose every answer is the contract's 500: a server-error warning, exit 1; --fail-on error passes it", async () => {
    const { code, report } = await checkJson([`${handlers}#strict`, '--integration', 'rest'])
    const ordinary = report.results.find((r) => r.probe === 'ordinary request')
    expect(ordinary?.client).toMatchObject({ status: 500, gatewayError: false })
    expect(ordinary?.findings).toEqual([
      {
        severity: 'warning',
        rule: 'server-error',
        message: 'the ordinary request was answered 500 by the function itself',
      },
    ])
    expect(code).toBe(1)
    const lenient = await checkJson([
      `${handlers}#strict`,
      '--integration',
      'rest',
      '--fail-on',
      'error',
    ])
    expect(lenient.code).toBe(0)
  })
})

describe('gateproof check (issue 17: "the handler, checked as the gateway will see it")', () => {
  it('flags a body-object handler on every front door and passes the same handler under gateproof() (issue 17 done-when)', async () => {
    const raw = await checkJson([`${handlers}#raw`])
    expect(raw.code).toBe(1)
    const ordinary = raw.report.results.filter((r) => r.probe === 'ordinary request')
    expect(ordinary.map((r) => r.integration)).toEqual([
      'rest',
      'http-v1',
      'http-v2',
      'alb',
      'function-url',
    ])
    for (const result of ordinary) {
      expect(result.client.gatewayError).toBe(true)
      expect(result.findings).toContainEqual(
        expect.objectContaining({ severity: 'error', rule: 'body-type', path: '$.body' }),
      )
    }

    const wrapped = await check([`${handlers}#wrapped`])
    expect(wrapped.code).toBe(0)
    expect(wrapped.out).toContain(
      "20 checked: every client gets the function's answer, no findings",
    )
  })

  it('explains in words what the client sees and why, with the facts row (R17)', async () => {
    const { out } = await check([`${handlers}#raw`, '--integration', 'rest'])
    expect(out).toContain(
      'REST API client sees 502 (x-amzn-ErrorType: InternalServerErrorException) {"message": "Internal server error"} because body must be a string, got an object (R17/R18)',
    )
    expect(out).toContain(
      'error body-type at $.body: body must be a string, got an object [R17/R18]',
    )
    expect(out).toContain('4 checked, 4 with findings: 4 error(s), 0 warning(s)')
  })

  it('sends hostile requests: a malformed JSON body makes a naive handler throw (HTTP API client sees 500, §2.1)', async () => {
    const { code, report } = await checkJson([`${handlers}#naive`, '--integration', 'http-api'])
    expect(code).toBe(1)
    const malformed = report.results.find((r) => r.probe === 'malformed JSON body')
    expect(malformed).toMatchObject({
      request: 'POST /orders/{id}',
      outcome: 'threw',
      client: { status: 500, body: '{"message":"Internal Server Error"}', gatewayError: true },
    })
    expect(malformed?.findings[0]).toMatchObject({ severity: 'error', rule: 'unhandled-error' })
    expect(malformed?.findings[0]?.message).toMatch(/^the handler threw SyntaxError: /)
  })

  it('sends CR/LF/NUL in the query and path: a handler echoing them into a header gets a control-characters finding (H3)', async () => {
    const { code, report } = await checkJson([`${handlers}#naive`, '--integration', 'rest'])
    expect(code).toBe(1)
    const hostile = report.results.find((r) => r.probe === 'control characters in query and path')
    expect(hostile?.client.status).toBe(200)
    expect(hostile?.explanation).toContain(
      '(location: /orders\\u000d\\u000aSet-Cookie: session=attacker\\u0000)',
    )
    expect(hostile?.findings).toEqual([
      expect.objectContaining({
        severity: 'warning',
        rule: 'control-characters',
        path: '$.headers.location',
      }),
    ])
  })

  it('--fail-on error: warnings alone (a split header) do not fail the run, errors do', async () => {
    const args = [`${handlers}#echoes`, '--integration', 'rest']
    expect((await check([...args, '--fail-on', 'error'])).code).toBe(0)
    expect((await check(args)).code).toBe(1)
    expect(
      (await check([`${handlers}#raw`, '--integration', 'rest', '--fail-on', 'error'])).code,
    ).toBe(1)
  })

  it('a handler that never answers: REST client sees 504 at the integration timeout, ALB the function timeout (§2.1)', async () => {
    const { report } = await checkJson([
      `${handlers}#hangs`,
      '--integration',
      'rest',
      '--integration',
      'alb',
      '--route',
      'GET /health',
      '--timeout-ms',
      '30',
    ])
    const [rest, alb] = report.results.filter((r) => r.probe === 'ordinary request')
    expect(rest).toMatchObject({
      request: 'GET /health',
      outcome: 'integration-timeout',
      client: { status: 504, body: '{"message": "Endpoint request timed out"}' },
    })
    expect(rest?.findings[0]).toMatchObject({
      rule: 'timeout',
      message: 'the handler did not answer within 30 ms',
    })
    expect(alb).toMatchObject({ outcome: 'function-timeout', client: { status: 502 } })
  })

  it('a handler still running at --function-timeout-ms is the function timeout, before the gateway gives up: REST 502, Function URL 502 (F-timeout)', async () => {
    // Lambda ends the invocation at the function's timeout; a wait that lasted the integration
    // timeout (29 s) reported a slow handler as the 200 it would never get to send.
    const { code, report } = await checkJson([
      `${handlers}#hangs`,
      '--integration',
      'rest',
      '--integration',
      'function-url',
      '--route',
      'GET /health',
      '--function-timeout-ms',
      '40',
    ])
    expect(code).toBe(1)
    const [rest, url] = report.results.filter((r) => r.probe === 'ordinary request')
    expect(rest).toMatchObject({ outcome: 'function-timeout', client: { status: 502 } })
    expect(rest?.findings[0]).toMatchObject({
      rule: 'timeout',
      message: 'the handler did not answer within 40 ms',
    })
    expect(url).toMatchObject({ outcome: 'function-timeout', client: { status: 502 } })
  })

  it("--template: each route's function ends at its own Timeout (SAM Globals' 1 s, or 5 s of its own), as deployed (F-timeout)", async () => {
    const { code, report } = await checkJson(['--template', `${fixtures}sam-timeouts.yaml`])
    expect(code).toBe(1)
    const ordinary = (request: string) =>
      report.results.find((r) => r.probe === 'ordinary request' && r.request === request)
    // The same 1.2 s of work: past ShortFunction's 1 s, within LongFunction's 5 s.
    expect(ordinary('GET /short')).toMatchObject({
      outcome: 'function-timeout',
      client: { status: 502, body: '{"message": "Internal server error"}' },
    })
    expect(ordinary('GET /short')?.findings[0]).toMatchObject({
      rule: 'timeout',
      message: 'the handler did not answer within 1000 ms',
    })
    expect(ordinary('GET /long')).toMatchObject({
      outcome: 'returned',
      client: { status: 200, body: 'done' },
      findings: [],
    })
  }, 30_000)

  it('--template without API routes (a Function URL only) says what it reads and what to do instead, exit 2', async () => {
    const { code, err } = await check(['--template', `${fixtures}function-url-only.yaml`])
    expect(code).toBe(2)
    expect(err).toContain(
      'found no API routes (SAM Api/HttpApi events, AWS::ApiGateway::Method with AWS_PROXY, AWS::ApiGatewayV2::Route)',
    )
    expect(err).toContain('--integration function-url')
    // A template with REST routes, asked for ALB ones: names the front doors it has.
    const alb = await check(['--template', `${fixtures}sam-timeouts.yaml`, '--integration', 'alb'])
    expect(alb.code).toBe(2)
    expect(alb.err).toContain('the template has no ALB routes (it has REST API routes)')
  })

  it('--route and --event with --template are a usage error (exit 2), not silently left out: the template says the routes', async () => {
    const routed = await check([
      '--template',
      `${fixtures}sam-timeouts.yaml`,
      '--route',
      'GET /elsewhere',
    ])
    expect(routed.code).toBe(2)
    expect(routed.err).toContain('--route does not apply with --template')
    const evented = await check([
      '--template',
      `${fixtures}sam-timeouts.yaml`,
      '--event',
      `${fixtures}rest-event.json`,
    ])
    expect(evented.code).toBe(2)
    expect(evented.err).toContain('--event does not apply with --template')
  })

  it("--template: a route's TimeoutInMillis is the gateway's wait for it (1 s: REST 504), others wait the default 29 s (§2.2)", async () => {
    const { report } = await checkJson(['--template', `${fixtures}sam-integration-timeouts.yaml`])
    const ordinary = (request: string) =>
      report.results.find((r) => r.probe === 'ordinary request' && r.request === request)
    // The same 1.2 s of work: past /fast's 1 s integration timeout, within /plain's 29 s.
    expect(ordinary('GET /fast')).toMatchObject({
      outcome: 'integration-timeout',
      client: { status: 504, body: '{"message": "Endpoint request timed out"}' },
    })
    expect(ordinary('GET /fast')?.findings[0]).toMatchObject({
      message: 'the handler did not answer within 1000 ms',
    })
    expect(ordinary('GET /plain')).toMatchObject({ outcome: 'returned', client: { status: 200 } })
  }, 30_000)

  it('a template that cannot be read is exit 2, as gateproof doctor has it, with the file and the problem named', async () => {
    const checked = await check(['--template', `${fixtures}malformed.template`])
    expect(checked.code).toBe(2)
    expect(checked.err).toMatch(/malformed\.template: not valid JSON or YAML/)
    const io = memoryIo()
    expect(await main(['serve', '--template', `${fixtures}malformed.template`], io)).toBe(2)
    expect(io.err()).toMatch(/malformed\.template: not valid JSON or YAML/)
  })

  it.each([
    [
      ['x.mjs', '--function-timeout-ms', '0'],
      /--function-timeout-ms must be a whole number from 1/,
    ],
    [['x.mjs', '--timeout-ms', '0'], /--timeout-ms must be a whole number from 1/],
  ])(
    'rejects %j, a timeout no function or gateway has, as a usage error (exit 2)',
    async (args, message) => {
      const { code, err } = await check(args)
      expect(code).toBe(2)
      expect(err).toMatch(message)
    },
  )

  it('the text report never writes a CR, LF or NUL a handler echoed: they are shown escaped', async () => {
    const { out } = await check([`${handlers}#naive`])
    expect(out.includes('\r') || out.includes('\u0000')).toBe(false)
    expect(out).toContain('\\u000d\\u000a')
  })

  it('loads a CommonJS handler (.cjs) and names the headers that tell the client why (Retry-After)', async () => {
    const { code, out } = await check([`${fixtures}legacy.cjs`, '--integration', 'http-api'])
    expect(code).toBe(0)
    expect(out).toContain('HTTP API client sees 429 (retry-after: 2) slow down, GET')
  })

  it('--event sends your own event, its front door detected from it', async () => {
    const { code, report } = await checkJson([
      `${handlers}#wrapped`,
      '--event',
      `${fixtures}rest-event.json`,
    ])
    expect(code).toBe(0)
    expect(report.results).toHaveLength(1)
    expect(report.results[0]).toMatchObject({
      integration: 'rest',
      probe: `${fixtures}rest-event.json`,
    })
    expect(report.results[0]?.client.body).toBe('{"id":42,"path":"/orders/7"}')
  })

  it('--event with an event of no HTTP front door is a usage error (exit 2)', async () => {
    const { code, err } = await check([`${handlers}#raw`, '--event', `${fixtures}sqs-event.json`])
    expect(code).toBe(2)
    expect(err).toContain('is not an event of any HTTP front door')
  })

  it('--template checks the routes of examples/rest-api with the function behind them (TypeScript, gateproof preset)', async () => {
    // No TABLE_NAME: the example answers from its in-memory sample (order 42).
    vi.stubEnv('TABLE_NAME', undefined)
    const { code, report } = await checkJson(
      ['--template', 'examples/rest-api/template.yaml'],
      repo,
    )
    expect(report.results.map((r) => [r.integration, r.probe, r.request])).toEqual([
      ['rest', 'ordinary request', 'GET /orders/{id}'],
      ['rest', 'malformed JSON body', 'GET /orders/{id}'],
      ['rest', 'control characters in query and path', 'GET /orders/{id}'],
      ['rest', 'binary body', 'GET /orders/{id}'],
    ])
    // The probes' path id is the sample order, but the control-character probe's is another:
    // a 404 rendered as problem+json. Never the gateway's own error.
    expect(
      report.results.map((r) => [
        r.client.status,
        r.client.headers['Content-Type'] ?? r.client.headers['content-type'],
        r.client.gatewayError,
      ]),
    ).toEqual([
      [200, 'application/json', false],
      [200, 'application/json', false],
      [404, 'application/problem+json', false],
      [200, 'application/json', false],
    ])
    expect(code).toBe(0)
  })

  it('--template synthesizes a CDK app (examples/cdk-gateway-responses) and checks its inline function', async () => {
    const { code, report } = await checkJson(['--template', 'examples/cdk-gateway-responses'], repo)
    expect(code).toBe(0)
    expect(report.results.map((r) => `${r.frontDoor} ${r.request} ${r.client.status}`)).toEqual([
      'REST API GET /orders 200',
      'REST API GET /orders 200',
      'REST API GET /orders 200',
      'REST API GET /orders 200',
    ])
  }, 60_000)

  it.each([
    [[], /check needs <module>#<export> or --template/],
    [['x.mjs', '--jsn'], /Unknown option '--jsn'/],
    [['x.mjs', '--integration', 'sqs'], /unknown integration "sqs"/],
    [['x.mjs', '--fail-on', 'info'], /--fail-on must be warning or error/],
    [['x.mjs', '--timeout-ms', 'soon'], /--timeout-ms must be a whole number/],
  ])('rejects %j as a usage error (exit 2)', async (args, message) => {
    const { code, err } = await check(args)
    expect(code).toBe(2)
    expect(err).toMatch(message)
  })
})
