import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis, type RedisOptions } from 'ioredis'
import { afterAll, afterEach, beforeAll, beforeEach, describe, it } from 'vitest'

/** Whether this machine can run the Redis tests at all. */
export const redisServerAvailable =
  spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0

/**
 * `describe` for tests that need a real redis-server: skipped with a note when it
 * is missing on a developer machine, a failing test when it is missing under CI.
 */
export function describeWithRedis(name: string, body: () => void): void {
  if (redisServerAvailable) {
    describe(name, body)
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs redis-server on PATH (CI=true makes its absence a failure)', () => {
        throw new Error('redis-server is not installed; install it (apt-get install redis-server)')
      })
    })
  } else {
    console.warn(`skipping "${name}": redis-server is not on PATH (apt-get install redis-server)`)
    describe.skip(name, body)
  }
}

async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  server.close()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

export interface RedisServer {
  readonly port: number
  /** A new ioredis client for this server; closed by `stop()`. */
  client(options?: RedisOptions): Redis
  /** An admin connection (fault injection, inspection) that is not the limiter's. */
  readonly admin: Redis
  /** SIGKILL: the server vanishes mid-conversation, as in a crash or failover. */
  kill(): Promise<void>
  /** SIGSTOP: the process freezes with its connections open, as in a long GC pause or a stalled host. */
  pause(): void
  /** SIGCONT after `pause()`. */
  resume(): void
  /** Starts the server again on the same port, empty. */
  restart(): Promise<void>
  stop(): Promise<void>
}

function spawnRedis(port: number, extraArgs: readonly string[]): ChildProcess {
  return spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      // DEBUG SLEEP makes a slow server on demand (the fault tests).
      '--enable-debug-command',
      'yes',
      ...extraArgs,
    ],
    { stdio: 'ignore' },
  )
}

async function waitUntilReady(port: number, child: ChildProcess): Promise<void> {
  for (let tries = 0; tries < 200; tries += 1) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`)
    const probe = new Redis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      retryStrategy: () => null,
    })
    probe.on('error', () => {})
    try {
      await probe.connect()
      await probe.ping()
      return
    } catch {
      await sleep(25)
    } finally {
      probe.disconnect()
    }
  }
  throw new Error(`redis-server did not start on port ${port}`)
}

export interface StartOptions {
  /**
   * `true`: a one-node Redis Cluster owning all 16384 slots. `'empty'`: a cluster-enabled
   * node with no slots, for `redis-cli --cluster create` to join with others.
   */
  cluster?: boolean | 'empty'
}

/** Starts a private redis-server on a free loopback port, without persistence. */
export async function startRedis({ cluster = false }: StartOptions = {}): Promise<RedisServer> {
  const port = await freePort()
  const dir = await mkdtemp(join(tmpdir(), 'gateproof-redis-'))
  const extraArgs = cluster
    ? [
        ...['--cluster-enabled', 'yes', '--cluster-announce-ip', '127.0.0.1'],
        ...['--cluster-config-file', join(dir, 'nodes.conf'), '--dir', dir],
      ]
    : ['--dir', dir]
  let child = spawnRedis(port, extraArgs)
  await waitUntilReady(port, child)
  if (cluster === true) await assignAllSlots(port)
  const clients: Redis[] = []
  const client = (options: RedisOptions = {}) => {
    const redis = new Redis({ host: '127.0.0.1', port, ...options })
    redis.on('error', () => {})
    clients.push(redis)
    return redis
  }
  const admin = client({ maxRetriesPerRequest: null })
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = once(child, 'exit')
    child.kill('SIGCONT')
    child.kill('SIGKILL')
    await exited
  }
  return {
    port,
    client,
    admin,
    kill,
    pause: () => {
      child.kill('SIGSTOP')
    },
    resume: () => {
      child.kill('SIGCONT')
    },
    async restart() {
      await kill()
      child = spawnRedis(port, extraArgs)
      await waitUntilReady(port, child)
    },
    async stop() {
      for (const redis of clients) redis.disconnect()
      await kill()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

async function assignAllSlots(port: number): Promise<void> {
  const redis = new Redis({ host: '127.0.0.1', port })
  try {
    await redis.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383')
    for (let tries = 0; tries < 400; tries += 1) {
      const info = String(await redis.call('CLUSTER', 'INFO'))
      if (info.includes('cluster_state:ok')) return
      await sleep(25)
    }
    throw new Error('the one-node cluster did not become ready')
  } finally {
    redis.disconnect()
  }
}

/** Calls per command since the last `CONFIG RESETSTAT`, from `INFO commandstats`. */
export async function commandCalls(admin: Redis): Promise<Record<string, number>> {
  const info = await admin.info('commandstats')
  const calls: Record<string, number> = {}
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    calls[match[1] as string] = Number(match[2])
  }
  return calls
}

export interface CommandWatch {
  /** Command names sent by clients (not by scripts), in order. */
  readonly fromClients: string[]
  stop(): Promise<void>
}

/** What clients send to the server, seen through MONITOR (script calls are marked `lua`). */
export async function watchCommands(server: RedisServer): Promise<CommandWatch> {
  const watcher = server.client()
  const monitor = await watcher.monitor()
  const fromClients: string[] = []
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (source !== 'lua') fromClients.push(String(args[0]).toLowerCase())
  })
  return {
    fromClients,
    async stop() {
      // MONITOR replies arrive after the commands they describe; PING marks the end.
      await server.admin.ping('watch-end')
      while (!fromClients.includes('ping')) await sleep(5)
      fromClients.splice(fromClients.indexOf('ping'))
      monitor.disconnect()
    },
  }
}

export interface UseRedisServerOptions extends StartOptions {
  /**
   * `'describe'`: one server for the enclosing block, emptied (FLUSHALL) before each test.
   * `'test'`: a new server for every test, for tests that kill or pause it.
   */
  scope?: 'describe' | 'test'
}

export interface RedisServerFixture {
  readonly server: RedisServer
  /** The limiter's client, connected before the first test runs. */
  readonly client: Redis
}

/**
 * Registers the hooks that give the enclosing `describe` a private redis-server and a
 * connected client; read them through the returned getters inside tests and hooks.
 */
export function useRedisServer({
  scope = 'describe',
  ...start
}: UseRedisServerOptions = {}): RedisServerFixture {
  let server: RedisServer | undefined
  let client: Redis | undefined
  const up = async () => {
    server = await startRedis(start)
    client = server.client()
    // Connected before the first decision, as a handler's client is after Lambda's init.
    await client.ping()
  }
  const down = async () => {
    await server?.stop()
    server = undefined
    client = undefined
  }
  if (scope === 'test') {
    beforeEach(up)
    afterEach(down)
  } else {
    beforeAll(up)
    afterAll(down)
    beforeEach(async () => {
      await server?.admin.flushall()
    })
  }
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useRedisServer: the server has not started')
    return value
  }
  return {
    get server() {
      return started(server)
    },
    get client() {
      return started(client)
    },
  }
}
