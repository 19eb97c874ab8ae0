// Issue 13, "the demo shows its claims": `pnpm demo` prints, for each scenario, what the client saw in
// full — the timing difference, the aborted signal, the requestId, Retry-After — and this test runs
// the same demo and checks that each claim of the README's table is in what it prints.
import { beforeAll, describe, expect, it } from 'vitest'
import { type DemoReport, formatDemo, runDemo } from '../demo/demo.mjs'

let report: DemoReport
let text: string
const scenario = (path: string) => {
  const found = report.scenarios.find((s) => s.path === path)
  if (!found) throw new Error(`no scenario ${path}`)
  return found
}

describe('pnpm demo (issue 13)', () => {
  beforeAll(async () => {
    report = await runDemo()
    text = formatDemo(report)
  }, 60_000)

  it('1: a body object is a 502 in plain Middy and a 200 with a JSON string body in gateproof (R17)', () => {
    const { plain, gateproof } = scenario('/body-object')
    expect(plain.responses[0]?.status).toBe(502)
    expect(gateproof.responses[0]).toMatchObject({
      status: 200,
      body: '{"orderId":42,"status":"shipped"}',
    })
  })

  it('2: a DynamoDB throttle is a 503 with Retry-After and ServiceUnavailableException', () => {
    expect(scenario('/sdk-throttle').gateproof.responses[0]).toMatchObject({
      status: 503,
      retryAfter: '1',
      errorType: 'ServiceUnavailableException',
    })
  })

  it('3: every request gateproof refuses in the burst is a 429 with Retry-After; plain Middy’s are 500s (F-throttle)', () => {
    const { plain, gateproof } = scenario('/burst')
    const refused = gateproof.responses.filter((r) => r.status !== 200)
    expect(refused.length).toBeGreaterThan(0)
    for (const r of refused)
      expect(r).toMatchObject({ status: 429, retryAfter: expect.stringMatching(/^\d+$/) })
    expect(plain.responses.some((r) => r.status === 500)).toBe(true)
  })

  it('4: prints the 504 in full, the deadline 40 ms before the gateway’s, and the handler’s aborted signal', () => {
    const { plain, gateproof } = scenario('/slow')
    expect(plain.responses[0]).toMatchObject({
      status: 504,
      body: '{"message": "Endpoint request timed out"}',
    })
    expect(plain.slow).toEqual([expect.objectContaining({ aborted: false })])
    expect(gateproof.responses[0]).toMatchObject({
      status: 504,
      contentType: 'application/problem+json',
    })
    expect(gateproof.slow).toEqual([expect.objectContaining({ aborted: true })])
    expect(text).toContain("40 ms earlier than the gateway's 290 ms")
    expect(text).toMatch(/answered after \d+ ms, -?\d+ ms before plain Middy's client got its 504/)
    expect(text).toContain('handler signal aborted')
    expect(text).toContain('handler not stopped')
    expect(text).toContain('"title":"Gateway Timeout"')
  })

  it('5: prints the 500 problem+json in full with its requestId, one log line and one metric', () => {
    const { gateproof } = scenario('/bug')
    const body = JSON.parse(gateproof.responses[0]?.body ?? '{}') as Record<string, unknown>
    expect(body).toMatchObject({ status: 500, errorType: 'InternalServerErrorException' })
    expect(body.requestId).toEqual(expect.any(String))
    expect(text).toContain(`"requestId":"${body.requestId}"`)
    expect(gateproof.logs).toHaveLength(1)
    expect(gateproof.metrics).toEqual([expect.objectContaining({ name: 'Error' })])
    expect(text).toContain('1 log line(s), 1 metric(s): 1× Error {StatusCode=500')
  })

  it('ends with the EMF metrics gateproof emitted', () => {
    for (const name of ['Error', 'LoadShed', 'TimeoutGuard', 'ProxyShapeViolation']) {
      expect(report.metrics.map((m) => m.name)).toContain(name)
    }
  })
})
