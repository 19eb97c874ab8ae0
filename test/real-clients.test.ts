// The clients users call their APIs with, against gateproof's refusals: got and ky, with their
// default retry options, must read a 429's `Retry-After` and wait that long before retrying — the
// promise of "a fast 429 with Retry-After" is only kept if real clients understand it. Each default
// backoff (got ≈ 1 s, ky 0.3 s before the first retry) is shorter than the 2 s Retry-After here, so
// a retry that comes later than the backoff and after Retry-After is one that honoured the header.
import { type Exchange, type LocalGateway, startLocalGateway } from '@gateproof/testing'
import { gateproof, memoryLimiter } from 'gateproof'
import got from 'got'
import ky from 'ky'
import { afterEach, describe, expect, it } from 'vitest'

let gateway: LocalGateway | undefined
afterEach(async () => {
  await gateway?.close()
  gateway = undefined
})

const RETRY_AFTER_S = 2

/** One request every 2 s per route: a second request at once is refused with `Retry-After: 2`. */
async function serveRateLimited(exchanges: { at: number; exchange: Exchange }[]) {
  const handler = gateproof(async () => ({ statusCode: 200, body: 'ok' }), {
    integration: 'rest',
    loadShedder: {
      limiter: memoryLimiter({ rate: { perSecond: 1 / RETRY_AFTER_S, burst: 1 } }),
      jitter: 0,
    },
  })
  gateway = await startLocalGateway({
    integration: 'rest',
    handler,
    onExchange: (exchange) => exchanges.push({ at: Date.now(), exchange }),
  })
  return gateway.url
}

/** The refusal, and the retry that followed it. */
function refusalAndRetry(exchanges: { at: number; exchange: Exchange }[]) {
  const refused = exchanges.findIndex(({ exchange }) => exchange.response.status === 429)
  const refusal = exchanges[refused]
  const retry = exchanges[refused + 1]
  if (!refusal || !retry) throw new Error(`no refusal and retry in ${exchanges.length} exchanges`)
  return { refusal: refusal.exchange, waitedMs: retry.at - refusal.at, retry: retry.exchange }
}

describe('real HTTP clients honour gateproof\'s Retry-After (issue 12 H3: Retry-After is whole seconds; issue 14 "retrying clients")', () => {
  it('got (default retry: 2 retries, 429 honoured): the refused request succeeds after Retry-After', async () => {
    const exchanges: { at: number; exchange: Exchange }[] = []
    const url = await serveRateLimited(exchanges)
    expect((await got(`${url}/orders/1`)).statusCode).toBe(200)
    const response = await got(`${url}/orders/1`)
    expect(response.statusCode).toBe(200)
    expect(response.retryCount).toBe(1)
    const { refusal, waitedMs, retry } = refusalAndRetry(exchanges)
    expect(refusal.response.headers['Retry-After'] ?? refusal.response.headers['retry-after']).toBe(
      String(RETRY_AFTER_S),
    )
    expect(retry.response.status).toBe(200)
    // Scheduled by the client from the header: a lower bound, not a speed.
    expect(waitedMs).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000 - 50)
  }, 20_000)

  it('ky (default retry: 429 in afterStatusCodes): the refused request succeeds after Retry-After', async () => {
    const exchanges: { at: number; exchange: Exchange }[] = []
    const url = await serveRateLimited(exchanges)
    expect((await ky.get(`${url}/orders/1`)).status).toBe(200)
    const response = await ky.get(`${url}/orders/1`)
    expect(response.status).toBe(200)
    const { refusal, waitedMs, retry } = refusalAndRetry(exchanges)
    expect(refusal.response.status).toBe(429)
    expect(retry.response.status).toBe(200)
    expect(waitedMs).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000 - 50)
  }, 20_000)
})
