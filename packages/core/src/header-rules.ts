/**
 * What may never reach a response header, from the handler or from a thrown error:
 * CR and LF end a header line (a front door that forwards them lets the body of a header
 * split the response; one that does not answers a malformed response), and NUL ends a
 * string for some parsers. Names, values and cookies are all checked.
 */
const SPLITTING = /[\r\n\0]/

/**
 * Short strings already found free of CR, LF and NUL. A function sends the same header names
 * and values on every response (`Content-Type`, `application/json`), and a set lookup costs
 * less than scanning them again. Strings are immutable, so membership is the scan's answer;
 * only clean strings enter, and the set is emptied when full, so it stays small whatever a
 * handler sends.
 */
const clean = new Set<string>()
const MAX_CLEAN_ENTRIES = 128
const MAX_CLEAN_LENGTH = 256

/**
 * The last two clean strings found in `clean`: a response's header name and value are asked
 * one after the other, the same strings on every response, and comparing a string with the
 * one it is costs less than hashing it into the set.
 */
let lastClean = ''
let lastCleanBefore = ''

/** Whether `text` holds CR, LF or NUL. */
export function hasSplittingChars(text: string): boolean {
  if (text === lastClean || text === lastCleanBefore) return false
  if (clean.has(text)) {
    lastCleanBefore = lastClean
    lastClean = text
    return false
  }
  if (SPLITTING.test(text)) return true
  if (text.length <= MAX_CLEAN_LENGTH) {
    if (clean.size >= MAX_CLEAN_ENTRIES) clean.clear()
    clean.add(text)
  }
  return false
}

/** The longest `Retry-After` gateproof sends: a day; a larger hint is not advice but a bug. */
export const MAX_RETRY_AFTER_SECONDS = 86_400

const DIGITS = /^[1-9]\d{0,5}$/

/**
 * A `Retry-After` gateproof sends is a positive whole number of seconds (RFC 9110
 * §10.2.3 `delay-seconds`, never 0, which means "retry at once"). HTTP dates are valid
 * HTTP but not something gateproof writes.
 */
export const isRetryAfterSeconds = (value: unknown): boolean =>
  typeof value === 'string'
    ? DIGITS.test(value) && Number(value) <= MAX_RETRY_AFTER_SECONDS
    : typeof value === 'number' &&
      Number.isInteger(value) &&
      value >= 1 &&
      value <= MAX_RETRY_AFTER_SECONDS
