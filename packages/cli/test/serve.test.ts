import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { main } from '../src/main.js'
import { parseServeArgs, SERVE_OPTIONS } from '../src/serve.js'
import { memoryIo, serveUntilTestEnds } from './helpers.js'

const fixture = fileURLToPath(new URL('./fixtures/orders-handler.mjs', import.meta.url))

const serveFull = serveUntilTestEnds()
/** Runs `gateproof serve …` until the test ends; resolves to its URL. */
const serve = async (args: string[]): Promise<string> => (await serveFull(args)).url

describe("gateproof serve --route (issue 13: 'the local gateway cannot route path parameters from the CLI')", () => {
  it("--route 'GET /orders/{id}' fills pathParameters and resource for REST", async () => {
    const url = await serve([`${fixture}#handler`, '--route', 'GET /orders/{id}'])
    const response = await fetch(`${url}/orders/42`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({
      path: '/orders/42',
      resource: '/orders/{id}',
      pathParameters: { id: '42' },
    })
  })

  it('--route is repeatable; greedy {path+} and the HTTP API routeKey are filled', async () => {
    const url = await serve([
      `${fixture}#handler`,
      '--integration',
      'http-api',
      '--route',
      'GET /orders/{id}',
      '--route',
      'ANY /files/{path+}',
    ])
    expect(await (await fetch(`${url}/files/a/b.txt`, { method: 'PUT' })).json()).toEqual({
      path: '/files/a/b.txt',
      resource: 'ANY /files/{path+}',
      pathParameters: { path: 'a/b.txt' },
    })
    expect(await (await fetch(`${url}/orders/7`)).json()).toMatchObject({
      resource: 'GET /orders/{id}',
      pathParameters: { id: '7' },
    })
  })

  it('with routes, a request no route matches gets the REST gateway’s 403 Missing Authentication Token (§3)', async () => {
    const url = await serve([`${fixture}#handler`, '--route', 'GET /orders/{id}'])
    const wrongMethod = await fetch(`${url}/orders/42`, { method: 'DELETE' })
    expect(wrongMethod.status).toBe(403)
    expect(wrongMethod.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException')
    expect(await wrongMethod.json()).toEqual({ message: 'Missing Authentication Token' })
    expect((await fetch(`${url}/nothing`)).status).toBe(403)
  })

  it('with routes, an HTTP API answers an unrouted request 404 Not Found', async () => {
    const url = await serve([
      `${fixture}#handler`,
      '--integration',
      'http-api',
      '--route',
      'GET /orders/{id}',
    ])
    const response = await fetch(`${url}/customers/1`)
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual({ message: 'Not Found' })
  })

  it("the gateway's own unrouted answer carries its request id, as every REST response does (§6.1: x-amzn-RequestId; HTTP API apigw-requestid)", async () => {
    const rest = await serve([`${fixture}#handler`, '--route', 'GET /orders/{id}'])
    const restAnswer = await fetch(`${rest}/nothing`)
    expect(restAnswer.status).toBe(403)
    expect(restAnswer.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('…and on HTTP API, apigw-requestid', async () => {
    const http = await serve([
      `${fixture}#handler`,
      '--integration',
      'http-api',
      '--route',
      'GET /orders/{id}',
    ])
    const httpAnswer = await fetch(`${http}/customers/1`)
    expect(httpAnswer.status).toBe(404)
    expect(httpAnswer.headers.get('apigw-requestid')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('without routes every path reaches the handler as its own resource', async () => {
    const url = await serve([`${fixture}#handler`])
    expect(await (await fetch(`${url}/anything/here`)).json()).toMatchObject({
      resource: '/anything/here',
      pathParameters: null,
    })
  })

  it('answers a body object with the REST gateway’s 502 (R17), as deployed', async () => {
    const url = await serve([`${fixture}#handler`])
    const response = await fetch(`${url}/object`)
    expect(response.status).toBe(502)
    expect(await response.json()).toEqual({ message: 'Internal server error' })
  })
})

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url))

describe('gateproof serve --template (issue 13: routes and functions from the template)', () => {
  it('serves each CloudFormation REST route with the function behind it, path parameters filled', async () => {
    const url = await serve([
      '--template',
      `${fixtures}cloudformation.yaml`,
      '--integration',
      'rest',
    ])
    expect(await (await fetch(`${url}/orders/42`)).json()).toEqual({
      path: '/orders/42',
      resource: '/orders/{id}',
      pathParameters: { id: '42' },
    })
    // POST /orders is the inline (Code.ZipFile) function, run as Lambda runs it: CommonJS index.js.
    const inline = await fetch(`${url}/orders`, { method: 'POST' })
    expect(inline.status).toBe(200)
    expect(await inline.text()).toBe('null')
    expect((await fetch(`${url}/orders`)).status).toBe(403)
  })

  it('picks the HTTP API (payload 1.0) routes of the same template with --integration http-api-v1', async () => {
    const url = await serve([
      '--template',
      `${fixtures}cloudformation.yaml`,
      '--integration',
      'http-api-v1',
    ])
    expect(await (await fetch(`${url}/items/9`)).json()).toEqual({ id: '9' })
    expect((await fetch(`${url}/orders/42`)).status).toBe(404)
  })

  it('a template with REST and HTTP API routes needs --integration: usage error, exit 2', async () => {
    const io = memoryIo()
    expect(
      await main(['serve', '--template', `${fixtures}cloudformation.yaml`, '--port', '0'], io),
    ).toBe(2)
    expect(io.err()).toContain('pick one with --integration')
  })

  it('serves routes that exist only in an OpenAPI DefinitionBody (REST), path parameters filled', async () => {
    const url = await serve(['--template', `${fixtures}sam-openapi.yaml`, '--integration', 'rest'])
    expect(await (await fetch(`${url}/orders/42`)).json()).toEqual({
      path: '/orders/42',
      resource: '/orders/{id}',
      pathParameters: { id: '42' },
    })
    // x-amazon-apigateway-any-method: every method of /orders.
    expect((await fetch(`${url}/orders`, { method: 'DELETE' })).status).toBe(200)
    // From the AWS::Include'd definition.
    expect(await (await fetch(`${url}/items/3`)).json()).toMatchObject({ resource: '/items/{id}' })
  })

  it('SAM HttpApi: a specific route wins over the $default catch-all', async () => {
    const url = await serve(['--template', `${fixtures}sam-http-api.yaml`])
    expect(await (await fetch(`${url}/orders/7`)).json()).toMatchObject({
      resource: 'GET /orders/{id}',
      pathParameters: { id: '7' },
    })
    const fallback = await fetch(`${url}/anything/else`)
    expect(fallback.status).toBe(404)
    expect(await fallback.text()).toBe('no such thing')
  })

  it('<module>#<export> given with --template serves every template route with that handler', async () => {
    const url = await serve([
      `${fixture}#handler`,
      '--template',
      fileURLToPath(new URL('../../../examples/rest-api/template.yaml', import.meta.url)),
    ])
    expect(await (await fetch(`${url}/orders/42`)).json()).toEqual({
      path: '/orders/42',
      resource: '/orders/{id}',
      pathParameters: { id: '42' },
    })
  })
})

describe('gateproof serve --template: each function times out as deployed (F-timeout)', () => {
  it("each route's function ends at its own Timeout (SAM Globals' 1 s, or 5 s of its own): REST 502 on one, 200 on the other", async () => {
    const { url, out } = await serveFull(['--template', `${fixtures}sam-timeouts.yaml`])
    // The same 1.2 s of work: past ShortFunction's 1 s, within LongFunction's 5 s.
    const short = await fetch(`${url}/short`)
    expect(short.status).toBe(502)
    expect(await short.json()).toEqual({ message: 'Internal server error' })
    expect(out()).toContain('GET /short → function-timeout → 502')
    const long = await fetch(`${url}/long`)
    expect(long.status).toBe(200)
    expect(await long.text()).toBe('done')
  })

  it("a route's TimeoutInMillis is the gateway's wait for it: 504 at 1 s on one route, 200 on the other (§2.2)", async () => {
    const { url, out } = await serveFull(['--template', `${fixtures}sam-integration-timeouts.yaml`])
    const fast = await fetch(`${url}/fast`)
    expect(fast.status).toBe(504)
    expect(await fast.json()).toEqual({ message: 'Endpoint request timed out' })
    expect(out()).toContain('GET /fast → integration-timeout → 504')
    expect((await fetch(`${url}/plain`)).status).toBe(200)
  })

  it("a function's ReservedConcurrentExecutions holds across its routes: a second invocation at once is a Lambda throttle, REST 500 (F-throttle)", async () => {
    const { url, out } = await serveFull(['--template', `${fixtures}sam-reserved.yaml`])
    // OneAtATimeFunction serves /one and /one-too; OpenFunction /open has no reservation.
    const [first, second, open] = await Promise.all([
      fetch(`${url}/one`),
      new Promise((resolve) => setTimeout(resolve, 200)).then(() => fetch(`${url}/one-too`)),
      new Promise((resolve) => setTimeout(resolve, 200)).then(() => fetch(`${url}/open`)),
    ])
    expect(first.status).toBe(200)
    expect(second.status).toBe(500)
    expect(await second.json()).toEqual({ message: 'Internal server error' })
    expect(out()).toContain('GET /one-too → throttled → 500')
    expect(open.status).toBe(200)
  })

  it('--function-timeout-ms sets one timeout for every function, the template’s notwithstanding', async () => {
    const url = await serve([
      '--template',
      `${fixtures}sam-timeouts.yaml`,
      '--function-timeout-ms',
      '5000',
    ])
    expect((await fetch(`${url}/short`)).status).toBe(200)
  })
})

describe('gateproof serve --template without API routes', () => {
  it('a Function URL only template: says what it reads and how to serve the function instead', async () => {
    const io = memoryIo()
    const code = await main(['serve', '--template', `${fixtures}function-url-only.yaml`], io)
    expect(code).toBe(2)
    expect(io.err()).toContain('found no API routes')
    expect(io.err()).toContain('--integration function-url')
  })

  it('--route with --template is a usage error (exit 2), not silently left out', async () => {
    const io = memoryIo()
    const code = await main(
      ['serve', '--template', `${fixtures}sam-timeouts.yaml`, '--route', 'GET /elsewhere'],
      io,
    )
    expect(code).toBe(2)
    expect(io.err()).toContain('--route does not apply with --template')
  })
})

describe('gateproof serve: options come from one table', () => {
  it('every flag in the table appears in --help with its description', async () => {
    const io = memoryIo()
    expect(await main(['serve', '--help'], io)).toBe(0)
    for (const option of SERVE_OPTIONS) {
      expect(io.out()).toContain(`--${option.name}`)
      expect(io.out()).toContain(option.help)
    }
  })

  it('parses every flag into the local gateway options', () => {
    const { target, settings } = parseServeArgs([
      'h.mjs#run',
      '--route',
      '/a',
      '--integration',
      'alb',
      '--port',
      '8080',
      '--integration-timeout-ms',
      '100',
      '--function-timeout-ms',
      '200',
      '--reserved-concurrency',
      '3',
      '--alb-multi-value-headers',
      '--binary-media-type',
      'image/png',
    ])
    expect(target).toBe('h.mjs#run')
    expect(settings).toEqual({
      integration: 'alb',
      routes: ['ANY /a'],
      gateway: {
        port: 8080,
        integrationTimeoutMs: 100,
        functionTimeoutMs: 200,
        reservedConcurrency: 3,
        albMultiValueHeaders: true,
        binaryMediaTypes: ['image/png'],
      },
    })
  })

  it.each([
    [['h.mjs', '--port', '70000'], /--port must be a whole number from 0 to 65535, got "70000"/],
    [
      ['h.mjs', '--function-timeout-ms', '0'],
      /--function-timeout-ms must be a whole number from 1/,
    ],
    [
      ['h.mjs', '--integration-timeout-ms', '0'],
      /--integration-timeout-ms must be a whole number from 1/,
    ],
  ])(
    'rejects %j, a number no port or timeout can be, as a usage error (exit 2)',
    async (args, message) => {
      const io = memoryIo()
      expect(await main(['serve', ...args], io)).toBe(2)
      expect(io.err()).toMatch(message)
    },
  )

  it.each([
    [['h.mjs', '--route', 'FETCH /x'], /--route "FETCH \/x" is not/],
    [['h.mjs', '--route', 'GET orders'], /--route "GET orders" is not/],
    [['h.mjs', '--port', 'eighty'], /--port must be a whole number/],
    [['h.mjs', '--integration', 'grpc'], /unknown integration "grpc"/],
    [['h.mjs', '--port'], /argument missing/],
    [['a.mjs', 'b.mjs'], /serve takes one <module>#<export>/],
  ])('rejects %j as a usage error (exit 2)', async (args, message) => {
    const io = memoryIo()
    expect(await main(['serve', ...args], io)).toBe(2)
    expect(io.err()).toMatch(message)
  })

  it('a port in use is a clear failure (exit 1) that says how to pick another', async () => {
    const { createServer } = await import('node:net')
    const taken = createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    const { port } = taken.address() as { port: number }
    try {
      const io = memoryIo()
      expect(await main(['serve', `${fixture}#handler`, '--port', String(port)], io)).toBe(1)
      expect(io.err()).toContain(`port ${port} is in use: pick another with --port`)
    } finally {
      await new Promise((resolve) => taken.close(resolve))
    }
  })

  it('a module without the named export is a usage error naming the export', async () => {
    const io = memoryIo()
    expect(await main(['serve', `${fixture}#nope`], io)).toBe(2)
    expect(io.err()).toContain('has no function export "nope"')
    // …and which exports it does have, ready to paste.
    expect(io.err()).toContain(`its function exports: ${fixture}#handler`)
  })
})

const bodyObject = fileURLToPath(new URL('./fixtures/body-object.mjs', import.meta.url))

describe('gateproof serve says why the front door answered instead of the function (what execution logs would tell)', () => {
  it('R17/R18: a body object — the 502 line is followed by the rule it broke and what to do', async () => {
    const { url, out } = await serveFull([`${bodyObject}#raw`])
    expect((await fetch(`${url}/orders/42`)).status).toBe(502)
    expect(out()).toContain('GET /orders/42 → returned → 502')
    expect(out()).toMatch(
      /↳ because body must be a string, got an object \(R1[78][^)]*\); JSON\.stringify the body, or wrap the handler in gateproof\(\)/,
    )
  })

  it('a thrown error — the 502 line is followed by what was thrown', async () => {
    const { url, out } = await serveFull([`${bodyObject}#throws`])
    expect((await fetch(`${url}/x`)).status).toBe(502)
    expect(out()).toContain('↳ the handler threw TypeError: order store is not configured')
  })

  it('a handler wrapped in gateproof() answers itself: no explanation line', async () => {
    const wrapped = await serveFull([`${bodyObject}#wrapped`])
    expect((await fetch(`${wrapped.url}/x`)).status).toBe(200)
    expect(wrapped.out()).not.toContain('↳')
  })
})
