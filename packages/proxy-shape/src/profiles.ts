import type { Integration } from '@gateproof/core'
import type { ViolationRule } from './violations.js'

/**
 * What a response is checked against: one front door, or `universal`, the shape
 * every front door delivers (used when the event says nothing about where it came
 * from). `universal` is not valid for ALB target groups with multi-value headers.
 */
export type ShapeTarget = Integration | 'universal'

export const SHAPE_TARGETS: readonly ShapeTarget[] = [
  'rest',
  'http-v1',
  'http-v2',
  'alb',
  'function-url',
  'universal',
]

/** Where a front door reads response headers from. */
export type HeaderLayout =
  /** `headers` and `multiValueHeaders`, both optional (REST, HTTP API 1.0). */
  | 'both'
  /** `headers` only, optional; `multiValueHeaders` is folded in (HTTP API 2.0, Function URL). */
  | 'single-optional'
  /** `headers` only, required (ALB without multi-value headers, universal). */
  | 'single-required'
  /** `multiValueHeaders` only, required (ALB with multi-value headers, A2). */
  | 'multi-required'

/** The rules of one front door, built once at module load. */
export interface ShapeProfile {
  readonly target: ShapeTarget
  /** Top-level keys the front door reads. */
  readonly keys: ReadonlySet<string>
  /** Payload 2.0: a result without `statusCode` is the body of a 200 (H2-1..H2-4, U1..U3). */
  readonly infers: boolean
  /** REST answers 200 when `statusCode` is missing (R1–R3). */
  readonly defaultsStatus: boolean
  /** The front door is known to accept `"201"` (R4, U5). */
  readonly acceptsStringStatus: boolean
  /** `headers: null` is known to be accepted (R9). */
  readonly acceptsNullHeaders: boolean
  readonly headerLayout: HeaderLayout
  /** `cookies[]` becomes `set-cookie` headers (H2-5). */
  readonly cookies: boolean
  /** ALB's reason phrase (A1); added to every response gateproof builds. */
  readonly statusDescription: boolean
  /** ALB requires `isBase64Encoded` (A4). */
  readonly requiresBase64Flag: boolean
  /** Serialised response limit in bytes: Lambda's 6 MB, ALB's 1 MB (§2.1, A5). */
  readonly maxPayloadBytes: number
  /** REST's budget for all response header lines (§6.4). */
  readonly maxHeaderBytes: number
  /** REST renames some response headers to `X-Amzn-Remapped-<name>` (§6.2): the budget counts them so. */
  readonly remapsHeaders: boolean
  /** ALB's limit for one header line (§6.4). */
  readonly maxHeaderLineBytes: number
  /** The `gateway-facts.md` row behind each rule for this front door. */
  readonly rows: Readonly<Partial<Record<ViolationRule, string>>>
}

// Conservative: the limit Lambda reports is 6 291 556 bytes, 6 MiB is 100 bytes less.
const LAMBDA_RESPONSE_BYTES = 6 * 1024 * 1024
const ALB_RESPONSE_BYTES = 1024 * 1024
export const REST_HEADER_BYTES = 10_240
const ALB_HEADER_BYTES = 32 * 1024
const ALB_HEADER_LINE_BYTES = 16 * 1024

const V1_KEYS = ['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded']
const V2_KEYS = ['statusCode', 'headers', 'cookies', 'body', 'isBase64Encoded']

const rest: ShapeProfile = {
  target: 'rest',
  keys: new Set(V1_KEYS),
  infers: false,
  defaultsStatus: true,
  acceptsStringStatus: true,
  acceptsNullHeaders: true,
  headerLayout: 'both',
  cookies: false,
  statusDescription: false,
  requiresBase64Flag: false,
  maxPayloadBytes: LAMBDA_RESPONSE_BYTES,
  maxHeaderBytes: REST_HEADER_BYTES,
  remapsHeaders: true,
  maxHeaderLineBytes: Number.POSITIVE_INFINITY,
  rows: {
    'empty-result': 'R7',
    'not-a-response': 'R7',
    'status-invalid': 'R5/R24',
    'unknown-key': 'R6',
    'header-field': 'R6',
    'header-value': 'R8/R10/R11',
    'multi-value-header-value': 'R12',
    'body-type': 'R17/R18',
    'body-base64': 'R21',
    'payload-outside-body': 'R6',
    'payload-size': '§2.1',
    'header-size': '§6.4',
  },
}

const httpV1: ShapeProfile = {
  ...rest,
  target: 'http-v1',
  defaultsStatus: false,
  acceptsStringStatus: false,
  acceptsNullHeaders: false,
  maxHeaderBytes: Number.POSITIVE_INFINITY,
  remapsHeaders: false,
  rows: {
    'empty-result': 'H1-1',
    'not-a-response': 'H1-1',
    'status-missing': 'H1-2',
    'status-string': 'H1-1',
    'status-invalid': 'H1-1',
    'unknown-key': 'H1-3',
    'header-field': 'H1-3',
    'header-value': 'H1-1',
    'multi-value-header-value': 'H1-1',
    'body-type': 'H1-1',
    'body-base64': 'H1-4',
    'payload-outside-body': 'H1-3',
    'payload-size': '§2.1',
  },
}

const httpV2: ShapeProfile = {
  target: 'http-v2',
  keys: new Set(V2_KEYS),
  infers: true,
  defaultsStatus: false,
  acceptsStringStatus: false,
  acceptsNullHeaders: false,
  headerLayout: 'single-optional',
  cookies: true,
  statusDescription: false,
  requiresBase64Flag: false,
  maxPayloadBytes: LAMBDA_RESPONSE_BYTES,
  maxHeaderBytes: Number.POSITIVE_INFINITY,
  remapsHeaders: false,
  maxHeaderLineBytes: Number.POSITIVE_INFINITY,
  rows: {
    'payload-outside-body': 'H2-3',
    'status-string': 'H2-8',
    'unknown-key': 'H2-3',
    'header-field': 'H2-6',
    'cookies-type': 'H2-5',
    'body-type': 'H2-9',
    'body-base64': 'H2-7',
    unserializable: 'H2-4',
    'payload-size': '§2.1',
  },
}

const functionUrl: ShapeProfile = {
  ...httpV2,
  target: 'function-url',
  acceptsStringStatus: true,
  rows: { ...httpV2.rows, 'body-type': 'U7', 'status-string': 'U5' },
}

const alb: ShapeProfile = {
  target: 'alb',
  keys: new Set(['statusCode', 'statusDescription', 'headers', 'body', 'isBase64Encoded']),
  infers: false,
  defaultsStatus: false,
  acceptsStringStatus: false,
  acceptsNullHeaders: false,
  headerLayout: 'single-required',
  cookies: false,
  statusDescription: true,
  requiresBase64Flag: true,
  maxPayloadBytes: ALB_RESPONSE_BYTES,
  maxHeaderBytes: ALB_HEADER_BYTES,
  remapsHeaders: false,
  maxHeaderLineBytes: ALB_HEADER_LINE_BYTES,
  rows: {
    'empty-result': 'A4',
    'not-a-response': 'A4',
    'status-missing': 'A4',
    'status-string': 'A4',
    'status-invalid': 'A4',
    'unknown-key': 'A4',
    'header-field': 'A2',
    'headers-type': 'A4',
    'header-value': 'A8',
    'multi-value-header-value': 'A2',
    'base64-flag': 'A4',
    'body-type': 'A4',
    'body-base64': 'A4',
    'status-description': 'A1',
    'payload-outside-body': 'A4',
    'payload-size': 'A5',
    'header-size': 'A7',
  },
}

const albMulti: ShapeProfile = {
  ...alb,
  keys: new Set([
    'statusCode',
    'statusDescription',
    'multiValueHeaders',
    'body',
    'isBase64Encoded',
  ]),
  headerLayout: 'multi-required',
}

/** The strictest common ground: REST's keys, ALB's required fields and every size limit. */
const universal: ShapeProfile = {
  ...alb,
  target: 'universal',
  keys: new Set(['statusCode', 'headers', 'body', 'isBase64Encoded']),
  statusDescription: false,
  maxHeaderBytes: REST_HEADER_BYTES,
  remapsHeaders: true,
  rows: { ...rest.rows, ...alb.rows, 'unknown-key': 'R6', 'status-invalid': 'R5/R24' },
}

const PROFILES: Readonly<Record<Exclude<ShapeTarget, 'alb'>, ShapeProfile>> = {
  rest,
  'http-v1': httpV1,
  'http-v2': httpV2,
  'function-url': functionUrl,
  universal,
}

/** The rules for a target; ALB's depend on the target group's multi-value headers mode (A2). */
export function shapeProfile(target: ShapeTarget, albMultiValueHeaders = false): ShapeProfile {
  if (target === 'alb') return albMultiValueHeaders ? albMulti : alb
  return PROFILES[target]
}
