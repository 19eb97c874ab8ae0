import {
  denyResourceFor,
  INVOKE_ACTION,
  isObject,
  POLICY_RESOURCE_MAX_LENGTH,
  policyDecision,
} from '@gateproof/core'
import type { ResponseFormat } from './options.js'
import { kindOf, type Violation, type ViolationRule, type Warning } from './violations.js'

export interface InspectTarget {
  /** REST TOKEN/REQUEST and HTTP API 1.0 take only flat context values (AZ16); 2.0 takes any JSON (AZ30). */
  flatContext: boolean
  format: ResponseFormat
  /** The request's method (REST, HTTP API 1.0) or route (2.0) ARN, when the event has one. */
  arn: string | undefined
  cacheTtlSeconds: number
}

/** What the output means for the request, once repaired. */
export type Decision = 'allow' | 'deny'

export interface Inspection {
  violations: Violation[]
  /** A violation without one safe fix: the output must be replaced by a deliberate outcome. */
  unfixable: boolean
  /** The output as Lambda sends it (a JSON round trip) with every fixable violation fixed. */
  repaired: unknown
  /** For a valid or repaired output: whether the client gets through. */
  decision: Decision | undefined
  /** A valid `principalId` in the output, for a Deny policy that replaces it. */
  principalId: string | undefined
  /** `statusCode` of a proxy-style output (AZ11): 401/403 say what the author meant. */
  proxyStatus: number | undefined
  warnings: Warning[]
}

const POLICY_VERSIONS = ['2012-10-17', '2008-10-17']

/**
 * The output as the Lambda runtime will send it: the runtime serialises it with
 * `JSON.stringify`, so `toJSON`, dropped `undefined`s and `NaN → null` apply, and a
 * throwing getter, a Proxy trap, a cycle or a BigInt fail the invocation (AZ10: 500).
 * Validating this copy, not the live object, means what is checked is what is sent.
 */
function serialised(output: unknown): { ok: true; value: unknown } | { ok: false } {
  try {
    const text = JSON.stringify(output)
    return text === undefined
      ? { ok: true, value: undefined }
      : { ok: true, value: JSON.parse(text) }
  } catch {
    return { ok: false }
  }
}

class Findings {
  readonly violations: Violation[] = []
  readonly warnings: Warning[] = []
  add(path: string, rule: ViolationRule, row: string, fixable: boolean, message: string): void {
    this.violations.push({ path, rule, row, fixable, message })
  }
  get unfixable(): boolean {
    return this.violations.some((v) => !v.fixable)
  }
}

/** Checks an authorizer's output against API Gateway's contract for its kind (§10.2, §10.4). */
export function inspectOutput(output: unknown, target: InspectTarget): Inspection {
  const findings = new Findings()
  const result = (repaired: unknown, more: Partial<Inspection> = {}): Inspection => ({
    violations: findings.violations,
    unfixable: findings.unfixable,
    repaired,
    decision: findings.unfixable ? undefined : more.decision,
    principalId: more.principalId,
    proxyStatus: more.proxyStatus,
    warnings: findings.warnings,
  })
  const copy = serialised(output)
  if (!copy.ok) {
    findings.add(
      '$',
      'unreadable',
      'AZ10',
      false,
      'the output cannot be serialised (a getter or Proxy trap throws, a cycle, or a BigInt): the invocation fails',
    )
    return result(undefined)
  }
  const value = copy.value
  if (!isObject(value)) {
    findings.add(
      '$',
      'not-an-object',
      'AZ11',
      false,
      `the output is ${kindOf(value)}, not an object`,
    )
    return result(value)
  }
  if ('statusCode' in value && !('policyDocument' in value) && !('isAuthorized' in value)) {
    const status = typeof value.statusCode === 'number' ? value.statusCode : undefined
    findings.add(
      '$',
      'proxy-response',
      'AZ11',
      false,
      'the output is a proxy response ({ statusCode, body }); an authorizer answers with a policy',
    )
    return result(value, { proxyStatus: status })
  }
  return target.format === 'simple'
    ? inspectSimple(value, target, findings, result)
    : inspectPolicy(value, target, findings, result)
}

type Result = (repaired: unknown, more?: Partial<Inspection>) => Inspection

/** AZ29: `{ isAuthorized: boolean, context? }`; context values may be any JSON (AZ30). */
function inspectSimple(
  value: Record<string, unknown>,
  target: InspectTarget,
  findings: Findings,
  result: Result,
): Inspection {
  if (!('isAuthorized' in value) && 'policyDocument' in value) {
    findings.add(
      '$',
      'wrong-format',
      'AZ32',
      false,
      'an IAM policy from an authorizer configured for simple responses (enableSimpleResponses)',
    )
    return result(value)
  }
  if (typeof value.isAuthorized !== 'boolean') {
    findings.add(
      '$.isAuthorized',
      'is-authorized',
      'AZ32',
      false,
      `isAuthorized must be true or false, got ${kindOf(value.isAuthorized)}`,
    )
  }
  const repaired: Record<string, unknown> = { ...value }
  const context = inspectContext(value.context, target, findings)
  if (context === undefined) delete repaired.context
  else repaired.context = context
  return result(repaired, { decision: value.isAuthorized === true ? 'allow' : 'deny' })
}

/** §10.2 / AZ28: `{ principalId, policyDocument: { Version, Statement: [...] }, context?, usageIdentifierKey? }`. */
function inspectPolicy(
  value: Record<string, unknown>,
  target: InspectTarget,
  findings: Findings,
  result: Result,
): Inspection {
  if ('isAuthorized' in value && !('policyDocument' in value)) {
    findings.add(
      '$',
      'wrong-format',
      target.flatContext ? 'AZ11' : 'AZ32',
      false,
      'a simple response ({ isAuthorized }) where API Gateway expects an IAM policy',
    )
    return result(value)
  }
  const repaired: Record<string, unknown> = { ...value }
  let principalId: string | undefined
  const id = value.principalId
  if (typeof id === 'string' && id !== '') {
    principalId = id
  } else if (typeof id === 'number') {
    // A number has one string form; the gateway passes it on as a string anyway (AZ17).
    findings.add(
      '$.principalId',
      'principal-id',
      'AZ12',
      true,
      'principalId is a number, not a string',
    )
    principalId = String(id)
    repaired.principalId = principalId
  } else {
    findings.add(
      '$.principalId',
      'principal-id',
      'AZ12',
      false,
      `principalId must be a non-empty string, got ${id === '' ? 'an empty string' : kindOf(id)}`,
    )
  }
  const policy = inspectPolicyDocument(value.policyDocument, findings)
  if (policy !== undefined) repaired.policyDocument = policy
  const context = inspectContext(value.context, target, findings)
  if (context === undefined) delete repaired.context
  else repaired.context = context
  const key = value.usageIdentifierKey
  if (key !== undefined && key !== null && typeof key !== 'string') {
    findings.add(
      '$.usageIdentifierKey',
      'usage-identifier-key',
      'AZ11',
      false,
      `usageIdentifierKey must be a string, got ${kindOf(key)}`,
    )
  }
  if (policy === undefined || target.arn === undefined) return result(repaired, { principalId })
  const decision = policyDecision(policy, target.arn) === 'allow' ? 'allow' : 'deny'
  if (decision === 'allow' && target.cacheTtlSeconds > 0 && onlyThisMethod(policy, target.arn)) {
    findings.warnings.push({
      rule: 'cache-narrow-resource',
      row: 'AZ25',
      message:
        'an Allow for this method ARN only, with caching on: other methods get 403 until the cached policy expires; allow the stage (allow(…, { methodArn, cacheTtlSeconds }))',
    })
  }
  return result(repaired, { principalId, decision })
}

function inspectPolicyDocument(
  document: unknown,
  findings: Findings,
): Record<string, unknown> | undefined {
  if (!isObject(document)) {
    findings.add(
      '$.policyDocument',
      'policy-document',
      'AZ13',
      false,
      `policyDocument must be an object, got ${kindOf(document)}`,
    )
    return undefined
  }
  const repaired: Record<string, unknown> = { ...document }
  if (document.Version === undefined) {
    findings.add('$.policyDocument.Version', 'policy-version', 'AZ13', true, 'Version is missing')
    repaired.Version = '2012-10-17'
  } else if (!POLICY_VERSIONS.includes(document.Version as string)) {
    findings.add(
      '$.policyDocument.Version',
      'policy-version',
      'AZ13',
      false,
      'Version must be "2012-10-17" (or the legacy "2008-10-17")',
    )
  }
  let statements: unknown[]
  if (Array.isArray(document.Statement)) {
    statements = document.Statement
  } else if (isObject(document.Statement)) {
    // IAM's grammar allows one statement object; API Gateway's acceptance is UNCONFIRMED.
    findings.add(
      '$.policyDocument.Statement',
      'statement-not-array',
      'AZ14',
      true,
      'Statement is one object, not an array',
    )
    statements = [document.Statement]
  } else {
    findings.add(
      '$.policyDocument.Statement',
      'statement-invalid',
      'AZ13',
      false,
      `Statement must be an array of statements, got ${kindOf(document.Statement)}`,
    )
    return undefined
  }
  if (statements.length === 0) {
    findings.add(
      '$.policyDocument.Statement',
      'statement-empty',
      'AZ13',
      false,
      'Statement is empty',
    )
  }
  statements.forEach((statement, i) => {
    inspectStatement(statement, `$.policyDocument.Statement[${i}]`, findings)
  })
  repaired.Statement = statements
  return repaired
}

const isStringList = (value: unknown): boolean =>
  (typeof value === 'string' && value !== '') ||
  (Array.isArray(value) &&
    value.length > 0 &&
    value.every((item) => typeof item === 'string' && item !== ''))

function inspectStatement(statement: unknown, path: string, findings: Findings): void {
  if (!isObject(statement)) {
    findings.add(path, 'statement-invalid', 'AZ13', false, `a statement is ${kindOf(statement)}`)
    return
  }
  if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') {
    // AZ15: "allow" is not IAM's "Allow"; guessing would risk granting access.
    findings.add(
      `${path}.Effect`,
      'effect',
      'AZ15',
      false,
      'Effect must be exactly "Allow" or "Deny"',
    )
  }
  if (!isStringList(statement.Action) && !isStringList(statement.NotAction)) {
    findings.add(
      `${path}.Action`,
      'action',
      'AZ13',
      false,
      `Action must be a string or a list of strings such as "${INVOKE_ACTION}"`,
    )
  }
  if (!isStringList(statement.Resource) && !isStringList(statement.NotResource)) {
    findings.add(
      `${path}.Resource`,
      'resource',
      'AZ13',
      false,
      'Resource must be a method ARN (or a list of them)',
    )
    return
  }
  inspectResourceLength(statement, path, findings)
}

const tooLong = (value: unknown): boolean =>
  (typeof value === 'string' ? [value] : Array.isArray(value) ? value : []).some(
    (item) => typeof item === 'string' && item.length > POLICY_RESOURCE_MAX_LENGTH,
  )

/**
 * AZ19: a policy `Resource` is limited to 512 characters; a method ARN may reach 1 600 bytes
 * (long path parameters). A Deny is widened (never too wide); an Allow is not, since a
 * wider Allow could grant more than the author meant.
 */
function inspectResourceLength(
  statement: Record<string, unknown>,
  path: string,
  findings: Findings,
): void {
  for (const key of ['Resource', 'NotResource'] as const) {
    if (!tooLong(statement[key])) continue
    const fixable = key === 'Resource' && statement.Effect === 'Deny'
    findings.add(
      `${path}.${key}`,
      'resource-too-long',
      'AZ19',
      fixable,
      `a ${key} is longer than the ${POLICY_RESOURCE_MAX_LENGTH} characters API Gateway takes; allow a wildcard such as …/<stage>/GET/* instead`,
    )
    if (fixable) {
      const list =
        typeof statement.Resource === 'string' ? [statement.Resource] : statement.Resource
      const widened = (list as string[]).map((r) =>
        r.length > POLICY_RESOURCE_MAX_LENGTH ? denyResourceFor(r) : r,
      )
      statement.Resource = typeof statement.Resource === 'string' ? widened[0] : widened
    }
  }
}

/**
 * `context` values: REST and HTTP API 1.0 take strings, numbers and booleans only (AZ16);
 * objects and arrays become JSON strings (one meaning: the text the author would have
 * written), `null` keys are dropped (AZ18). HTTP API 2.0 takes any JSON value (AZ30).
 * Returns the repaired context, or `undefined` to leave the key out.
 */
function inspectContext(
  context: unknown,
  target: InspectTarget,
  findings: Findings,
): Record<string, unknown> | undefined {
  if (context === undefined) return undefined
  if (context === null) {
    findings.add('$.context', 'context-null', 'AZ18', true, 'context is null')
    return undefined
  }
  if (!isObject(context)) {
    findings.add(
      '$.context',
      'context-not-object',
      target.flatContext ? 'AZ16' : 'AZ30',
      false,
      `context must be an object, got ${kindOf(context)}`,
    )
    return undefined
  }
  if (!target.flatContext) return context
  const entries: [string, unknown][] = []
  for (const [key, item] of Object.entries(context)) {
    const path = `$.context[${JSON.stringify(key)}]`
    if (item === null) {
      findings.add(path, 'context-null', 'AZ18', true, 'a context value is null')
      continue
    }
    if (typeof item === 'object') {
      findings.add(
        path,
        'context-nested',
        'AZ16',
        true,
        `a context value is ${kindOf(item)}; API Gateway takes strings, numbers and booleans only`,
      )
      entries.push([key, JSON.stringify(item)])
      continue
    }
    entries.push([key, item])
  }
  // fromEntries defines own properties: a "__proto__" key stays a key.
  return Object.fromEntries(entries)
}

/** The policy's Allow statements name this ARN and nothing wider (AZ25). */
function onlyThisMethod(policy: Record<string, unknown>, arn: string): boolean {
  const statements = policy.Statement as Record<string, unknown>[]
  return statements
    .filter((s) => s.Effect === 'Allow')
    .every((s) => {
      const resources = typeof s.Resource === 'string' ? [s.Resource] : s.Resource
      return Array.isArray(resources) && resources.every((r) => r === arn)
    })
}
