import type { RedisLimiterClient } from './options.js'
import type { LimiterScript } from './script.js'

const isNoScript = (error: unknown): boolean =>
  error instanceof Error && error.message.startsWith('NOSCRIPT')

/**
 * `EVALSHA`, and `EVAL` with the full script only when Redis answers `NOSCRIPT`
 * (after a restart, a failover or `SCRIPT FLUSH`), which also loads it for the
 * next call. Spelled out rather than ioredis `defineCommand`, which sends `EVAL`
 * first on every new connection, so that a decision is provably one `EVALSHA`.
 */
export function runScript(
  client: RedisLimiterClient,
  script: LimiterScript,
  keys: readonly string[],
  args: (string | number)[],
): Promise<unknown> {
  let sent: Promise<unknown>
  try {
    sent = client.evalsha(script.sha, keys.length, ...keys, ...args)
  } catch (error) {
    return Promise.reject(error)
  }
  return sent.catch((error: unknown) => {
    if (!isNoScript(error)) throw error
    return client.eval(script.body, keys.length, ...keys, ...args)
  })
}
