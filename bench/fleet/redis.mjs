// A private redis-server on a free loopback port for one simulation run.
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'

/** A loopback port nothing listens on right now (shared with bench/redis-limiter.mjs). */
export async function freePort() {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address()
  server.close()
  return port
}

export async function startRedis() {
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status !== 0) {
    throw new Error('redis-server is not on PATH (apt-get install redis-server)')
  }
  const port = await freePort()
  const major = Number(/v=(\d+)/.exec(spawnSync('redis-server', ['--version']).stdout)?.[1] ?? 0)
  // Redis 7 refuses DEBUG unless told; the redis-slow scenario needs DEBUG SLEEP (loopback only).
  const debug = major >= 7 ? ['--enable-debug-command', 'local'] : []
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...debug],
    { stdio: 'ignore' },
  )
  const admin = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 1 })
  admin.on('error', () => {})
  for (let tries = 0; ; tries += 1) {
    try {
      await admin.connect()
      break
    } catch (error) {
      if (tries > 100 || child.exitCode !== null) throw error
      await sleep(25)
    }
  }
  const info = await admin.info('server')
  return {
    port,
    admin,
    version: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown',
    /** The redis-paused scenario: the process stops answering, its connections stay open. */
    pause() {
      child.kill('SIGSTOP')
    },
    resume() {
      child.kill('SIGCONT')
    },
    stop() {
      admin.disconnect()
      child.kill('SIGCONT')
      child.kill('SIGKILL')
    },
  }
}
