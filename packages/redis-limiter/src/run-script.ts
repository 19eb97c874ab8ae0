/**
 * Redis answers `NOSCRIPT` to `EVALSHA` after a restart, a failover or `SCRIPT FLUSH`: the
 * limiter then sends one `EVAL` with the full script, which also loads it for the next
 * call. Spelled out rather than ioredis `defineCommand`, which sends `EVAL` first on every
 * new connection, so that a decision is provably one `EVALSHA`.
 */
export const isNoScript = (error: unknown): boolean =>
  error instanceof Error && error.message.startsWith('NOSCRIPT')
