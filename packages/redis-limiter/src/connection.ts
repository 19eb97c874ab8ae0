import type { RedisLimiterClient } from './options.js'

export interface Connection {
  /** Resolves once the client is connected (at once for clients without a status). */
  readonly ready: Promise<void>
  /** Connected now: commands go out at once instead of into a queue. */
  isReady(): boolean
  /** Connected at least once since the limiter was built. */
  readonly everReady: boolean
}

/**
 * Follows an ioredis-shaped client's connection. Built when the limiter is, during the
 * function's init, so the connection is made before the first request: a command sent
 * while the client is still connecting would wait in its offline queue, and that wait
 * is not Redis being slow. Clients without `status` are taken as always connected.
 */
export function watchConnection(client: RedisLimiterClient): Connection {
  let everReady = client.status === undefined || client.status === 'ready'
  let ready: Promise<void>
  if (everReady || typeof client.once !== 'function') {
    everReady = true
    ready = Promise.resolve()
  } else {
    // Also settles at the first connection error, so an `await limiter.ready` during
    // init never hangs a cold start when Redis is down: decisions then fall back.
    ready = new Promise<void>((resolve) => {
      client.once?.('ready', () => {
        everReady = true
        resolve()
      })
      client.once?.('error', () => resolve())
    })
    const lazy = client as { status?: string; connect?: () => Promise<void> }
    // `lazyConnect: true` waits for the first command; connect now, during init.
    if (lazy.status === 'wait' && typeof lazy.connect === 'function') {
      lazy.connect().catch(() => {})
    }
  }
  return {
    ready,
    isReady: () => {
      // Read once: asked for every decision.
      const status = client.status
      return status === undefined || status === 'ready'
    },
    get everReady() {
      return everReady
    },
  }
}
