import type { default as createHttpErrorModule, HttpError } from 'http-errors'
import { nodeRequire } from './node-require.js'
import { reasonPhrase } from './reason-phrases.js'

type CreateHttpError = typeof createHttpErrorModule
let createHttpError: CreateHttpError | undefined

/**
 * http-errors, loaded on the first error gateproof builds rather than at import: evaluating it
 * (depd, statuses, one class per status) is the largest single cost of importing gateproof, and
 * a request that succeeds never needs it (issue 18). It stays http-errors itself, so the errors
 * are its instances. The load must be synchronous (errors are thrown from synchronous code) and
 * must survive bundling: a bundler (esbuild, webpack) sees the plain `require('http-errors')`,
 * puts the package in the bundle and defines `require`; unbundled ESM has no `require`, so
 * Node's own loader resolves it from here (`nodeRequire`). Either way it is Node's
 * single CommonJS instance of http-errors, the one `import createError from 'http-errors'`
 * gives the application.
 */
function httpErrors(): CreateHttpError {
  if (createHttpError === undefined) {
    try {
      createHttpError = (
        typeof require === 'function' ? require('http-errors') : nodeRequire('http-errors')
      ) as CreateHttpError
    } catch (error) {
      // An ESM bundle without Node's `require` cannot load http-errors (its depd requires
      // `path`): gateproof's errors must still carry their status, or a 429 becomes a 500.
      createHttpError = plainHttpError as unknown as CreateHttpError
      warnOnce(error)
    }
  }
  return createHttpError
}

/** The fields http-errors gives an error, on a plain `Error`: what every reader of it looks at. */
function plainHttpError(status: number, message: string, extra: Record<string, unknown>): Error {
  const error = new Error(message, { cause: extra.cause }) as Error & Record<string, unknown>
  const phrase = reasonPhrase(status) ?? 'Unknown'
  error.name = `${phrase.replace(/[^A-Za-z0-9]/g, '')}${phrase.endsWith('Error') ? '' : 'Error'}`
  error.status = status
  error.statusCode = status
  error.expose = status < 500
  for (const [key, value] of Object.entries(extra)) if (key !== 'cause') error[key] = value
  return error
}

function warnOnce(error: unknown): void {
  try {
    console.warn(
      JSON.stringify({
        level: 'WARN',
        message:
          'http-errors could not be loaded; gateproof builds its errors without it. In an ESM bundle, add the banner: import { createRequire } from "node:module"; const require = createRequire(import.meta.url);',
        package: '@gateproof/core',
        reason: error instanceof Error ? error.message : String(error),
      }),
    )
  } catch {
    // A warning must never fail the request.
  }
}

export interface GateproofErrorProps {
  /** The npm package that raised it, e.g. `@gateproof/load-shedder`. */
  package: string
  /** Safe, structured facts about the decision (logged, never rendered). */
  data?: Record<string, unknown>
  headers?: Record<string, string>
  errorType?: string
  expose?: boolean
  retryAfterSeconds?: number
}

export type GateproofHttpError = HttpError & {
  cause: { package: string; data?: Record<string, unknown> }
  headers?: Record<string, string>
  errorType?: string
  retryAfterSeconds?: number
}

/** An `http-errors` error in Middy's idiom: `cause: { package, data }`. */
export function gateproofError(
  status: number,
  message: string,
  props: GateproofErrorProps,
): GateproofHttpError {
  const { package: pkg, data, ...rest } = props
  const extra: Record<string, unknown> = { cause: { package: pkg, data } }
  for (const [key, value] of Object.entries(rest)) if (value !== undefined) extra[key] = value
  return httpErrors()(status, message, extra) as GateproofHttpError
}
