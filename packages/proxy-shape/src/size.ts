import { isObject } from '@gateproof/core'
import type { Pass } from './pass.js'
import { serialise } from './values.js'

// JSON escapes a character into at most 6 bytes (`\u001f`); keys and punctuation are bounded by the slack.
const MAX_JSON_BYTES_PER_CHAR = 6
const JSON_BYTES_PER_ENTRY = 8
const JSON_SLACK_BYTES = 512
const MAX_UTF8_BYTES_PER_CHAR = 3
// The `Content-Type: application/json` REST adds when the response has none (R22).
const DEFAULT_CONTENT_TYPE_LINE = 32
// §6.2: the response headers REST sends as `X-Amzn-Remapped-<name>`, 16 bytes longer. The
// checking pass's bound (3 bytes a character, names of 4 or more) already covers that growth.
const REST_REMAPPED = new Set([
  'authorization',
  'connection',
  'content-md5',
  'date',
  'max-forwards',
  'server',
  'user-agent',
  'www-authenticate',
])
const REMAPPED_PREFIX_BYTES = 'X-Amzn-Remapped-'.length

/**
 * One header line as sent, `name: value\r\n`; on REST (`remaps`) a name it remaps carries its
 * `X-Amzn-Remapped-` prefix (§6.2).
 */
export function headerLineBytes(name: string, value: string, remaps: boolean): number {
  const prefix = remaps && REST_REMAPPED.has(name.toLowerCase()) ? REMAPPED_PREFIX_BYTES : 0
  return prefix + Buffer.byteLength(name) + Buffer.byteLength(value) + 4
}

/**
 * Size limits: Lambda's 6 MB (ALB 1 MB) for the serialised response, REST's
 * 10 240-byte header budget, ALB's 32 KB / 16 KB header limits. The checking pass
 * counted string lengths, which bound the byte sizes from above; only a response
 * whose bound passes a limit is measured exactly.
 */
export function checkSizes(response: unknown, pass: Pass): void {
  const { profile } = pass
  if (
    !pass.measured &&
    MAX_JSON_BYTES_PER_CHAR * pass.chars + JSON_BYTES_PER_ENTRY * pass.entries + JSON_SLACK_BYTES >
      profile.maxPayloadBytes
  ) {
    const json = serialise(response)
    const bytes = json === undefined ? Number.POSITIVE_INFINITY : Buffer.byteLength(json)
    if (bytes > profile.maxPayloadBytes) {
      pass.fail(
        'payload-size',
        '$',
        `the response is over ${profile.maxPayloadBytes} bytes as JSON`,
      )
    }
  }
  if (
    MAX_UTF8_BYTES_PER_CHAR * pass.headerChars + DEFAULT_CONTENT_TYPE_LINE >
      profile.maxHeaderBytes ||
    MAX_UTF8_BYTES_PER_CHAR * pass.longestHeaderLine > profile.maxHeaderLineBytes
  ) {
    const { total, longest } = headerBytes(response, profile.remapsHeaders)
    if (total > profile.maxHeaderBytes) {
      pass.fail(
        'header-size',
        '$.headers',
        `the response headers take ${total} bytes; the limit is ${profile.maxHeaderBytes}`,
      )
    } else if (longest > profile.maxHeaderLineBytes) {
      pass.fail(
        'header-size',
        '$.headers',
        `a response header takes ${longest} bytes; the limit is ${profile.maxHeaderLineBytes}`,
      )
    }
  }
}

/**
 * Header lines as sent: `name: value\r\n` per value (names REST remaps with their prefix),
 * plus the Content-Type REST would add.
 */
function headerBytes(response: unknown, remaps: boolean): { total: number; longest: number } {
  let total = 0
  let longest = 0
  let contentType = false
  const line = (name: string, value: unknown) => {
    const bytes = headerLineBytes(name, String(value), remaps)
    total += bytes
    if (bytes > longest) longest = bytes
    if (name.toLowerCase() === 'content-type') contentType = true
  }
  if (isObject(response)) {
    if (isObject(response.headers)) {
      for (const [name, value] of Object.entries(response.headers)) line(name, value)
    }
    if (isObject(response.multiValueHeaders)) {
      for (const [name, values] of Object.entries(response.multiValueHeaders)) {
        if (Array.isArray(values)) for (const value of values) line(name, value)
      }
    }
  }
  if (!contentType) total += DEFAULT_CONTENT_TYPE_LINE
  return { total, longest }
}
