import statuses from 'statuses'

// Reason phrases as Node.js names them (RFC 9110 and registered extensions): the `statuses`
// table, which is http-errors' own, so a bundle carries it once instead of twice (issue 18).
// Not node:http's STATUS_CODES (the same table): importing node:http costs ~40 ms of cold start.
export const REASON_PHRASES: Readonly<Record<number, string>> = statuses.message as Readonly<
  Record<number, string>
>
