import type { default as createHttpErrorModule, HttpError } from 'http-errors'

type CreateHttpError = typeof createHttpErrorModule
let createHttpError: CreateHttpError | undefined

/**
 * http-errors, loaded on the first error gateproof builds rather than at import: evaluating it
 * (depd, statuses, one class per status) is the largest single cost of importing gateproof, and
 * a request that succeeds never needs it (issue 18). It stays http-errors itself, so the errors
 * are its instances. The load must be synchronous (errors are thrown from synchronous code) and
 * must survive bundling: a bundler (esbuild, webpack) sees the plain `require('http-errors')`,
 * puts the package in the bundle and defines `require`; unbundled ESM has no `require`, so
 * Node's own loader resolves it from here. `node:module` is fetched then too: a static import
 * of it costs an ESM bundle that has none ~2 M instructions at import. Either way it is Node's
 * single CommonJS instance of http-errors, the one `import createError from 'http-errors'`
 * gives the application.
 */
function httpErrors(): CreateHttpError {
  if (createHttpError === undefined) {
    createHttpError = (
      typeof require === 'function'
        ? require('http-errors')
        : process.getBuiltinModule('node:module').createRequire(import.meta.url)('http-errors')
    ) as CreateHttpError
  }
  return createHttpError
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
