/**
 * The rows of `gateway-facts.md` the simulator encodes, with their evidence class.
 * A simulated answer that rests on an UNCONFIRMED row is the documented best guess
 * and says so (`confirmed: false`); tests must not present it as AWS behaviour.
 */
export const FACT_ROWS = {
  /** §1.1 the documented REST proxy output format: a well-formed result is delivered as returned. */
  'R-format': 'DOC',
  R1: 'VAL',
  R2: 'VAL',
  R3: 'VAL',
  R4: 'VAL',
  R5: 'VAL',
  R6: 'VAL',
  R7: 'VAL',
  R8: 'VAL',
  R9: 'VAL',
  R10: 'UNCONFIRMED',
  R11: 'UNCONFIRMED',
  R12: 'VAL',
  R13: 'VAL',
  R14: 'VAL',
  R15: 'VAL',
  R16: 'DOC',
  R17: 'DOC',
  R18: 'VAL',
  R19: 'VAL',
  R20: 'DOC',
  R21: 'DOC',
  R22: 'DOC',
  R23: 'VAL',
  R24: 'UNCONFIRMED',
  'H1-1': 'DOC',
  'H1-2': 'UNCONFIRMED',
  'H1-3': 'EMU',
  'H1-4': 'EMU',
  'H2-1': 'DOC',
  'H2-2': 'DOC',
  'H2-3': 'DOC',
  'H2-4': 'UNCONFIRMED',
  'H2-5': 'DOC',
  'H2-6': 'DOC',
  'H2-7': 'EMU',
  'H2-8': 'UNCONFIRMED',
  'H2-9': 'UNCONFIRMED',
  'H2-10': 'UNCONFIRMED',
  A1: 'DOC',
  A2: 'DOC',
  A4: 'DOC',
  A5: 'DOC',
  A7: 'DOC',
  A8: 'COMM',
  U1: 'VAL',
  U2: 'VAL',
  U3: 'VAL',
  U4: 'VAL',
  U5: 'VAL',
  U6: 'VAL',
  U7: 'UNCONFIRMED',
  /** §2.1 unhandled exception / function error. */
  'F-unhandled': 'DOC',
  /** §2.1 function timeout (a function error). REST derived from the DOC rule, HTTP API COMM, FURL UNCONFIRMED. */
  'F-timeout': 'DOC',
  /** §2.1 integration timeout: REST 504 (DOC GR table), HTTP API 503 (COMM). */
  'F-integration-timeout': 'DOC',
  /** §2.1 throttle: REST 500 (DOC/COMM), ALB 502 (DOC), FURL 429 (DOC), HTTP API UNCONFIRMED. */
  'F-throttle': 'DOC',
  /** §2.1 response payload over 6 MB: client status derived, UNCONFIRMED. */
  'F-payload': 'UNCONFIRMED',
  /** §6.4 REST 10 240-byte header budget: what the client sees when exceeded is UNCONFIRMED. */
  'Q-rest-headers': 'UNCONFIRMED',
  /** §6.2 REST remaps or drops some response headers (`WWW-Authenticate` → `X-Amzn-Remapped-WWW-Authenticate`). */
  'HDR-rest-remap': 'DOC',
  /** §6.1 whether HTTP API passes a function's `x-amzn-*` headers (reserved names) through. */
  'HDR-http-x-amzn': 'UNCONFIRMED',
  /** §1.4/§8 the body of an ALB-generated error (A4): the awselb HTML page is a best guess. */
  'BODY-alb-error': 'UNCONFIRMED',
  /** §2.1 the body of a Function URL throttle (429) response. */
  'BODY-furl-throttle': 'UNCONFIRMED',
  /** §3 REST: a method/resource the API does not define is MISSING_AUTHENTICATION_TOKEN, 403. */
  'GR-missing-route': 'DOC',
  /** §10 Lambda authorizers (authorizer simulator). AZ12 is conflicting (DOC vs COMM): unconfirmed. */
  AZ1: 'DOC',
  AZ2: 'DOC',
  AZ3: 'DOC',
  AZ4: 'DOC',
  AZ5: 'DOC',
  AZ6: 'DOC',
  AZ7: 'DOC',
  AZ8: 'DOC',
  AZ9: 'DOC',
  AZ10: 'DOC',
  AZ11: 'COMM',
  AZ12: 'UNCONFIRMED',
  AZ13: 'UNCONFIRMED',
  AZ14: 'UNCONFIRMED',
  AZ15: 'UNCONFIRMED',
  AZ16: 'DOC',
  AZ17: 'DOC',
  AZ18: 'UNCONFIRMED',
  AZ19: 'DOC',
  AZ20: 'COMM',
  AZ21: 'UNCONFIRMED',
  AZ22: 'COMM',
  AZ23: 'DOC',
  AZ24: 'DOC',
  AZ25: 'DOC',
  AZ26: 'UNCONFIRMED',
  AZ27: 'COMM',
  AZ28: 'DOC',
  AZ29: 'DOC',
  /** HTTP API 2.0 context values of any JSON type are accepted (DOC); how they arrive is UNCONFIRMED. */
  AZ30: 'DOC',
  AZ31: 'UNCONFIRMED',
  AZ32: 'DOC',
  AZ33: 'UNCONFIRMED',
  AZ34: 'DOC',
  AZ35: 'DOC',
  /** §11 response streaming (local gateway's streaming routes). */
  ST2: 'DOC',
  ST3: 'DOC',
  ST5: 'DOC',
  /** A failure before the prelude: a 5xx is expected (answered 502), not verified. */
  ST8: 'UNCONFIRMED',
  /** A failure after the prelude truncates the body (curl 18 for a timeout, DOC); the rest of the client view is unconfirmed. */
  ST9: 'UNCONFIRMED',
  ST20: 'UNCONFIRMED',
  ST21: 'UNCONFIRMED',
  ST31: 'DOC',
  /** ALB does not stream: treated as unsupported, unconfirmed. */
  ST32: 'UNCONFIRMED',
  /** A shape rule no row covers; the simulator's answer is a best guess. */
  unconfirmed: 'UNCONFIRMED',
} as const

export type FactRow = keyof typeof FACT_ROWS
