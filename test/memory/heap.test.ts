/**
 * H10 (issue 12): memory stays flat with telemetry. The child runs the built preset with
 * Powertools Metrics and Logger passed in, half the invocations failing (one EMF line and
 * one log line each), and reports heapUsed after a full GC at 10 000 and 100 000.
 *
 * The growth once measured (~104 B per invocation) was not held by gateproof or Powertools:
 * it was the process's own stdout write queue. When Powertools writes faster than the pipe
 * behind stdout drains, Node queues the lines in memory (`process.stdout.writableLength`
 * reached 45 MB at 100 000 invocations with `| cat`, matching the heap growth); with the
 * output going straight to a file or /dev/null, as here, nothing queues and the heap is flat.
 * In Lambda the runtime drains stdout between invocations.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const child = fileURLToPath(new URL('./heap-child.mjs', import.meta.url))
const built = fileURLToPath(new URL('../../packages/gateproof/dist/index.js', import.meta.url))
const MB = 1024 * 1024

const growth = (heap: Record<string, number>): number =>
  (heap['100000'] ?? Number.NaN) - (heap['10000'] ?? Number.NaN)

function heapAt(telemetry: 'on' | 'off'): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      ['--expose-gc', child, telemetry, 'mixed', '10000', '100000'],
      // stdout/stderr to /dev/null: Powertools' lines are written, never queued.
      { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] },
    )
    let out = ''
    proc.stdio[3]?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
    })
    proc.on('error', reject)
    proc.on('close', (code) => {
      if (code !== 0) reject(new Error(`heap child exited with ${code}`))
      else resolve(JSON.parse(out) as Record<string, number>)
    })
  })
}

describe('H10: memory stays flat with telemetry', () => {
  it('H10: heap after GC at 100 000 invocations is within +1 MB of 10 000, with Metrics and Logger passed in', async () => {
    expect(existsSync(built), 'run `pnpm build` first: the child runs the built packages').toBe(
      true,
    )
    const heap = await heapAt('on')
    expect(growth(heap)).toBeLessThan(1 * MB)
    expect(heap['queued@100000']).toBe(0)
  }, 120_000)

  it('H10: and without telemetry (the baseline)', async () => {
    const heap = await heapAt('off')
    expect(growth(heap)).toBeLessThan(1 * MB)
  }, 120_000)
})
