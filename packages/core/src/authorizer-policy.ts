/**
 * How API Gateway reads an authorizer's IAM policy for one request (gateway-facts §10.2):
 * an explicit Deny that covers the method ARN wins (AZ7), else an Allow that covers it
 * lets the request through (AZ6), else the request is implicitly denied (AZ8). Shared by
 * the authorizer middleware (telemetry, cache warnings) and the testing simulator.
 */
export type PolicyDecision = 'allow' | 'explicit-deny' | 'implicit-deny'

/** The action API Gateway checks a policy for. */
export const INVOKE_ACTION = 'execute-api:Invoke'

/**
 * AZ19: a method ARN longer than this many bytes (long path parameter values) never reaches
 * the authorizer: the client gets 414 `Request URI too long`.
 */
export const METHOD_ARN_MAX_BYTES = 1600

/** AZ19: a `Resource` in an authorizer's policy statement is limited to this many characters. */
export const POLICY_RESOURCE_MAX_LENGTH = 512

/** Whether API Gateway answers 414 before invoking the authorizer for this method ARN (AZ19). */
export const methodArnTooLong = (arn: string): boolean =>
  Buffer.byteLength(arn, 'utf8') > METHOD_ARN_MAX_BYTES

/** IAM wildcard match: `*` any run of characters, `?` one character, over the whole string. */
export function iamPatternMatches(pattern: string, value: string, ignoreCase = false): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern
  const v = ignoreCase ? value.toLowerCase() : value
  // Iterative glob match with backtracking on the last `*`: linear in practice, no regex
  // built from an authorizer's output (no ReDoS, no escaping bugs).
  let pi = 0
  let vi = 0
  let star = -1
  let mark = 0
  while (vi < v.length) {
    if (pi < p.length && p[pi] === '*') {
      star = pi++
      mark = vi
    } else if (pi < p.length && (p[pi] === '?' || p[pi] === v[vi])) {
      pi++
      vi++
    } else if (star !== -1) {
      pi = star + 1
      vi = ++mark
    } else {
      return false
    }
  }
  while (pi < p.length && p[pi] === '*') pi++
  return pi === p.length
}

const list = (value: unknown): string[] | undefined => {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value
  return undefined
}

/** A statement covers the request when its action and resource parts both match. */
function covers(statement: Record<string, unknown>, arn: string): boolean {
  const action = list(statement.Action)
  const notAction = list(statement.NotAction)
  const actionMatches =
    action !== undefined
      ? action.some((a) => iamPatternMatches(a, INVOKE_ACTION, true))
      : notAction !== undefined && !notAction.some((a) => iamPatternMatches(a, INVOKE_ACTION, true))
  if (!actionMatches) return false
  const resource = list(statement.Resource)
  const notResource = list(statement.NotResource)
  return resource !== undefined
    ? resource.some((r) => iamPatternMatches(r, arn))
    : notResource !== undefined && !notResource.some((r) => iamPatternMatches(r, arn))
}

/** What a policy document decides for the method (REST, HTTP API 1.0) or route (2.0) ARN. */
export function policyDecision(policyDocument: unknown, arn: string): PolicyDecision {
  if (typeof policyDocument !== 'object' || policyDocument === null) return 'implicit-deny'
  const raw = (policyDocument as Record<string, unknown>).Statement
  const statements = Array.isArray(raw) ? raw : [raw]
  let allowed = false
  for (const statement of statements) {
    if (typeof statement !== 'object' || statement === null) continue
    const s = statement as Record<string, unknown>
    if (!covers(s, arn)) continue
    if (s.Effect === 'Deny') return 'explicit-deny'
    if (s.Effect === 'Allow') allowed = true
  }
  return allowed ? 'allow' : 'implicit-deny'
}

/**
 * The stage wildcard for a method or route ARN: `arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/`
 * followed by `*` for the method and `*` for the path — every route of the stage (AZ25).
 * `undefined` when the ARN is not an execute-api one.
 */
export function stageWildcardArn(methodArn: string): string | undefined {
  const match = /^(arn:[^:]+:execute-api:[^:]*:[^:]*:[^/]+\/[^/]+)\//.exec(methodArn)
  return match ? `${match[1]}/*/*` : undefined
}

/**
 * The `Resource` of a Deny for this ARN: the ARN itself, or — when it is longer than a
 * policy `Resource` may be (AZ19) — the whole stage, or `*`. A Deny is never too wide.
 */
export function denyResourceFor(arn: string | undefined): string {
  if (arn === undefined) return '*'
  if (arn.length <= POLICY_RESOURCE_MAX_LENGTH) return arn
  const stage = stageWildcardArn(arn)
  return stage !== undefined && stage.length <= POLICY_RESOURCE_MAX_LENGTH ? stage : '*'
}
