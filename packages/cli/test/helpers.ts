import { Writable } from 'node:stream'
import type { CommandIo } from '../src/command.js'

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
