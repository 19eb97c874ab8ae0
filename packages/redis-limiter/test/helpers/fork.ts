import { type ChildProcess, fork } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import type { WorkerReport, WorkerTask } from './worker.js'

const workerSource = fileURLToPath(new URL('./worker.ts', import.meta.url))
const rootTsconfig = fileURLToPath(new URL('../../../../tsconfig.json', import.meta.url))

export interface WorkerBundle {
  file: string
  dispose(): Promise<void>
}

/**
 * Workers are separate Node processes, outside Vitest's TypeScript pipeline and
 * before any build: esbuild bundles the worker with this package's sources (and
 * ioredis) into one CommonJS file that plain `node` runs.
 */
export async function bundleWorker(): Promise<WorkerBundle> {
  const dir = await mkdtemp(join(tmpdir(), 'gateproof-redis-worker-'))
  const file = join(dir, 'worker.cjs')
  await build({
    entryPoints: [workerSource],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    tsconfig: rootTsconfig,
    outfile: file,
    logLevel: 'silent',
  })
  return { file, dispose: () => rm(dir, { recursive: true, force: true }) }
}

export interface Worker {
  child: ChildProcess
  /** The next report of this kind. */
  report<K extends WorkerReport['kind']>(kind: K): Promise<Extract<WorkerReport, { kind: K }>>
  start(): void
  kill(): Promise<void>
}

/** Forks one worker, hands it its task and waits until it is connected to Redis. */
export async function startWorker(bundle: WorkerBundle, task: WorkerTask): Promise<Worker> {
  const child = fork(bundle.file, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const reports: WorkerReport[] = []
  const waiting: Array<() => void> = []
  child.on('message', (message: WorkerReport) => {
    reports.push(message)
    for (const wake of waiting.splice(0)) wake()
  })
  child.on('exit', () => {
    for (const wake of waiting.splice(0)) wake()
  })
  const report = async <K extends WorkerReport['kind']>(kind: K) => {
    for (;;) {
      const index = reports.findIndex((r) => r.kind === kind)
      if (index >= 0) return reports.splice(index, 1)[0] as Extract<WorkerReport, { kind: K }>
      if (child.exitCode !== null) throw new Error(`worker exited with ${child.exitCode}`)
      await new Promise<void>((resolve) => waiting.push(resolve))
    }
  }
  child.send(task)
  await report('ready')
  return {
    child,
    report,
    start: () => child.send('go'),
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = once(child, 'exit')
      child.kill('SIGKILL')
      await exited
    },
  }
}
