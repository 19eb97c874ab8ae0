import { iamPatternMatches, policyDecision, stageWildcardArn } from '@gateproof/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

const ARN = 'arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/orders/42'
const statement = (Effect: string, Resource: unknown, Action: unknown = 'execute-api:Invoke') => ({
  Action,
  Effect,
  Resource,
})
const policy = (...Statement: unknown[]) => ({ Version: '2012-10-17', Statement })

describe('policyDecision (gateway-facts §10.2)', () => {
  it('AZ6: an Allow naming the method ARN allows', () => {
    expect(policyDecision(policy(statement('Allow', ARN)), ARN)).toBe('allow')
  })
  it('AZ7: a matching Deny wins over a matching Allow', () => {
    expect(policyDecision(policy(statement('Allow', '*'), statement('Deny', ARN)), ARN)).toBe(
      'explicit-deny',
    )
  })
  it('AZ8: an Allow for another method is an implicit deny', () => {
    const other = ARN.replace('GET', 'POST')
    expect(policyDecision(policy(statement('Allow', other)), ARN)).toBe('implicit-deny')
  })
  it('AZ25: the stage wildcard covers every method and path of the stage, not other stages', () => {
    const wildcard = stageWildcardArn(ARN) as string
    expect(wildcard).toBe('arn:aws:execute-api:us-east-1:123456789012:abc123/prod/*/*')
    expect(policyDecision(policy(statement('Allow', wildcard)), ARN)).toBe('allow')
    expect(
      policyDecision(
        policy(statement('Allow', wildcard)),
        ARN.replace('GET/orders/42', 'DELETE/x/y'),
      ),
    ).toBe('allow')
    expect(
      policyDecision(policy(statement('Allow', wildcard)), ARN.replace('/prod/', '/dev/')),
    ).toBe('implicit-deny')
  })
  it('AZ15: Effect "allow" (lowercase) grants nothing', () => {
    expect(policyDecision(policy(statement('allow', ARN)), ARN)).toBe('implicit-deny')
  })
  it('§10.2: action wildcards and lists are honoured, other actions are not', () => {
    expect(policyDecision(policy(statement('Allow', ARN, 'execute-api:*')), ARN)).toBe('allow')
    expect(policyDecision(policy(statement('Allow', [ARN], ['s3:GetObject'])), ARN)).toBe(
      'implicit-deny',
    )
  })
  it('§10.2: NotResource and NotAction', () => {
    expect(
      policyDecision(policy({ Effect: 'Allow', Action: '*', NotResource: 'arn:other' }), ARN),
    ).toBe('allow')
    expect(
      policyDecision(policy({ Effect: 'Allow', NotAction: 'execute-api:*', Resource: '*' }), ARN),
    ).toBe('implicit-deny')
  })
  it('stageWildcardArn refuses what is not an execute-api ARN', () => {
    expect(stageWildcardArn('arn:aws:s3:::bucket/key')).toBeUndefined()
  })
})

describe('iamPatternMatches', () => {
  it('matches * and ? like IAM', () => {
    expect(iamPatternMatches('a*c', 'abbbc')).toBe(true)
    expect(iamPatternMatches('a?c', 'abc')).toBe(true)
    expect(iamPatternMatches('a?c', 'abbc')).toBe(false)
    expect(iamPatternMatches('*', '')).toBe(true)
    expect(iamPatternMatches('EXECUTE-api:invoke', 'execute-api:Invoke', true)).toBe(true)
  })
  it('agrees with an escaped regular expression on arbitrary strings (property)', () => {
    const chars = fc.constantFrom('a', 'b', '/', '*', '?', '.', '(')
    fc.assert(
      fc.property(fc.string({ unit: chars }), fc.string({ unit: chars }), (pattern, value) => {
        const source = pattern
          .split('')
          .map((c) =>
            c === '*'
              ? '[\\s\\S]*'
              : c === '?'
                ? '[\\s\\S]'
                : c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'),
          )
          .join('')
        expect(iamPatternMatches(pattern, value)).toBe(new RegExp(`^${source}$`).test(value))
      }),
      { numRuns: 2000 },
    )
  })
  it('is linear on pathological patterns (no catastrophic backtracking)', () => {
    expect(iamPatternMatches(`${'*a'.repeat(200)}b`, 'a'.repeat(5000))).toBe(false)
  })
})
