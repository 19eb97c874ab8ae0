import type { RedisLimiterClient } from './options.js'
import { LIMITER_SCRIPT, LIMITER_SCRIPT_SHA } from './script.js'

const isNoScript = (error: unknown): boolean =>
  error instanceof Error && error.message.startsWith('NOSCRIPT')

/**
 * `EVALSHA`, and `EVAL` with the full script only when Redis answers `NOSCRIPT`
 * (after a restart, a failover or `SCRIPT FLUSH`), which also loads it for the
 * next call. Spelled out rather than ioredis `defineCommand`, which sends `EVAL`
 * first on every new connection, so that a decision is provably one `EVALSHA`.
 */
export function scriptRunner(client: RedisLimiterClient) {
  return async function runLimiterScript(
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    try {
      return await client.evalsha(LIMITER_SCRIPT_SHA, keys.length, ...keys, ...args)
    } catch (error) {
      if (!isNoScript(error)) throw error
      return client.eval(LIMITER_SCRIPT, keys.length, ...keys, ...args)
    }
  }
}
