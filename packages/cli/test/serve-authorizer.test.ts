import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { main } from '../src/main.js'
import { memoryIo, serveUntilTestEnds } from './helpers.js'

const backend = fileURLToPath(new URL('./fixtures/orders-handler.mjs', import.meta.url))
const authorizer = fileURLToPath(new URL('./fixtures/token-authorizer.mjs', import.meta.url))

const serveFull = serveUntilTestEnds()
/** Runs `gateproof serve …` until the test ends; resolves to its URL. */
const serve = async (args: string[]): Promise<string> => (await serveFull(args)).url

describe('gateproof serve --authorizer (issue 16)', () => {
  it('AZ20/AZ9/AZ6: a TOKEN authorizer in front of a REST handler — 401 without a token or with a bad one, 200 with a good one', async () => {
    const url = await serve([`${backend}#handler`, '--authorizer', `${authorizer}#handler`])
    expect((await fetch(`${url}/orders/1`)).status).toBe(401)
    expect(
      (await fetch(`${url}/orders/1`, { headers: { Authorization: 'Bearer bad' } })).status,
    ).toBe(401)
    expect(
      (await fetch(`${url}/orders/1`, { headers: { Authorization: 'Bearer good' } })).status,
    ).toBe(200)
  })

  it('AZ34/AZ29: --authorizer-type http-v2-simple with --identity-source on an HTTP API', async () => {
    const url = await serve([
      `${backend}#handler`,
      '--integration',
      'http-api',
      '--authorizer',
      `${authorizer}#simple`,
      '--authorizer-type',
      'http-v2-simple',
      '--identity-source',
      '$request.header.x-api-key',
    ])
    expect((await fetch(`${url}/x`)).status).toBe(401)
    expect((await fetch(`${url}/x`, { headers: { 'x-api-key': 'no' } })).status).toBe(403)
    expect((await fetch(`${url}/x`, { headers: { 'x-api-key': 'k1' } })).status).toBe(200)
  })

  it('rejects an unknown --authorizer-type, and authorizer flags without --authorizer', async () => {
    for (const args of [
      ['--authorizer', `${authorizer}#handler`, '--authorizer-type', 'jwt'],
      ['--identity-source', 'Authorization'],
    ]) {
      const io = memoryIo()
      expect(await main(['serve', `${backend}#handler`, ...args, '--port', '0'], io)).not.toBe(0)
      expect(io.err()).toMatch(/--authorizer/)
    }
  })
})

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url))

describe("gateproof serve --template with the template's Lambda authorizers (SAM Auth, AWS::ApiGateway*::Authorizer)", () => {
  it('AZ20/AZ9/AZ6: REST — the default TOKEN authorizer guards /orders/{id}; /health (Authorizer: NONE) is public', async () => {
    const url = await serve([
      '--template',
      `${fixtures}sam-authorizers.yaml`,
      '--integration',
      'rest',
    ])
    expect((await fetch(`${url}/orders/1`)).status).toBe(401)
    const bad = await fetch(`${url}/orders/1`, { headers: { Authorization: 'Bearer bad' } })
    expect(bad.status).toBe(401)
    const good = await fetch(`${url}/orders/1`, { headers: { Authorization: 'Bearer good' } })
    expect(good.status).toBe(200)
    expect((await fetch(`${url}/health`)).status).toBe(200)
  })

  it('AZ34/AZ29: HTTP API — the simple-response authorizer on its x-api-key identity; the JWT route runs without a local authorizer', async () => {
    const { url, out } = await serveFull([
      '--template',
      `${fixtures}sam-authorizers.yaml`,
      '--integration',
      'http-api',
    ])
    expect((await fetch(`${url}/items`)).status).toBe(401)
    expect((await fetch(`${url}/items`, { headers: { 'x-api-key': 'no' } })).status).toBe(403)
    expect((await fetch(`${url}/items`, { headers: { 'x-api-key': 'k1' } })).status).toBe(200)
    expect((await fetch(`${url}/me`)).status).toBe(200)
    expect(out()).toContain('GET /items → OrdersFunction')
    expect(out()).toContain('[authorizer KeyAuth: http-v2, simple responses]')
  })

  it('--authorizer with a template that has its own authorizers is a usage error', async () => {
    const io = memoryIo()
    const code = await main(
      [
        'serve',
        '--template',
        `${fixtures}sam-authorizers.yaml`,
        '--integration',
        'rest',
        '--authorizer',
        `${authorizer}#handler`,
        '--port',
        '0',
      ],
      io,
    )
    expect(code).toBe(2)
    expect(io.err()).toContain('drop --authorizer')
  })
})
