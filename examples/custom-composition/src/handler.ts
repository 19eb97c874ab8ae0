import middy from '@middy/core'
import httpCors from '@middy/http-cors'
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda'
import {
  errorMapper,
  gateproofPlugin,
  loadShedder,
  memoryLimiter,
  proxyShape,
  timeoutGuard,
} from 'gateproof'
import createHttpError from 'http-errors'

async function getProfile(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const user = event.pathParameters?.user
  if (user === 'crash') throw new Error('profile store unreachable at 10.0.3.7')
  if (!user) throw createHttpError(400, 'Which user?')
  return { statusCode: 200, body: JSON.stringify({ user, plan: 'pro' }) }
}

const shape = proxyShape({ mode: 'strict' })
// This REST API's integration timeout was raised to 60 s (Regional API, quota increase).
const guard = timeoutGuard({ integrationTimeoutMs: 60_000 })
const shedder = loadShedder({ limiter: memoryLimiter({ rate: { perSecond: 5, burst: 5 } }) })

/**
 * The order is the preset's: proxy shape first (its after/onError run last), CORS next so
 * it decorates every response gateproof renders (429s, 504s, mapped errors), then the
 * guard and the shedder, and the error mapper last (its onError runs first). The plugin
 * gives the guard Middy's early timeout and the shedder its leak-proof release.
 */
export const handler = middy(getProfile, gateproofPlugin(shape, guard, shedder))
  .use(shape)
  .use(httpCors({ origins: ['https://app.example.com'], credentials: true }))
  .use(guard)
  .use(shedder)
  .use(errorMapper())
