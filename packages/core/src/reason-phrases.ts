import type { default as Statuses } from 'statuses'
import { nodeRequire } from './node-require.js'

let phrases: Readonly<Record<number, string | undefined>> | undefined

/**
 * The reason phrase of a status as Node.js names it (RFC 9110 and registered extensions), from
 * the `statuses` table: http-errors' own, so a bundle carries it once instead of twice (issue
 * 18), and the same table as node:http's `STATUS_CODES` (importing node:http costs ~40 ms of
 * cold start). Loaded with the first phrase asked for, as http-errors is (see `http-error.ts`):
 * only error responses need one, and evaluating the package at import would cost more than
 * parsing a table of our own. A bundler sees the plain `require('statuses')` and inlines it.
 */
export function reasonPhrase(status: number): string | undefined {
  if (phrases === undefined) {
    try {
      phrases = (
        (typeof require === 'function'
          ? require('statuses')
          : nodeRequire('statuses')) as typeof Statuses
      ).message
    } catch {
      // The error path must not fail: a status without its phrase still gets a generic title.
      phrases = {}
    }
  }
  return phrases[status]
}
