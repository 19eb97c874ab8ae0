/**
 * What may never reach a response header, from the handler or from a thrown error:
 * CR and LF end a header line (a front door that forwards them lets the body of a header
 * split the response; one that does not answers a malformed response), and NUL ends a
 * string for some parsers. Names, values and cookies are all checked.
 */
const SPLITTING = /[\r\n\0]/

/** Whether `text` holds CR, LF or NUL. */
export const hasSplittingChars = (text: string): boolean => SPLITTING.test(text)

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
