import { Writable } from 'node:stream'
import { afterEach } from 'vitest'
import type { CommandIo } from '../src/command.js'
import { main } from '../src/main.js'

/** A CommandIo whose output the test reads back. */
export function memoryIo(signal?: AbortSignal): CommandIo & { out(): string; err(): string } {
  let out = ''
  let err = ''
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        append(chunk.toString())
        done()
      },
    })
  return {
    stdout: sink((t) => {
      out += t
    }),
    stderr: sink((t) => {
      err += t
    }),
    cwd: process.cwd(),
    ...(signal ? { signal } : {}),
    out: () => out,
    err: () => err,
  }
}

/** Polls `read` until it matches, for output a running command writes. */
export async function waitFor(read: () => string, pattern: RegExp, timeoutMs = 10_000) {
  const started = Date.now()
  for (;;) {
    const match = pattern.exec(read())
    if (match) return match
    if (Date.now() - started > timeoutMs) throw new Error(`no ${pattern} in:\n${read()}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/**
 * A `serve(args)` that runs `gateproof serve …` in process on a free port and stops it when the
 * current test ends, so no test leaves a server listening; resolves to its URL and its output.
 */
export function serveUntilTestEnds(): (
  args: string[],
) => Promise<{ url: string; out: () => string }> {
  let stop: (() => Promise<number>) | undefined
  afterEach(async () => {
    await stop?.()
    stop = undefined
  })
  return async function serve(args) {
    const controller = new AbortController()
    const io = memoryIo(controller.signal)
    const exit = main(['serve', ...args, '--port', '0'], io)
    stop = () => {
      controller.abort()
      return exit
    }
    const found = await Promise.race([
      waitFor(io.out, /on (http:\/\/127\.0\.0\.1:\d+)/),
      exit.then((code) => {
        throw new Error(`serve exited ${code}: ${io.err()}`)
      }),
    ])
    return { url: found[1] as string, out: io.out }
  }
}
