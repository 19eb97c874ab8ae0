import { assertOneOf } from '@gateproof/core'
import { inspect } from './inspect.js'
import { PACKAGE } from './options.js'
import { SHAPE_TARGETS, type ShapeTarget, shapeProfile } from './profiles.js'
import type { ValidationResult } from './violations.js'

export interface ValidateOptions {
  /** ALB only: the target group has multi-value headers on (A2); the event tells (`albMultiValueHeaders(event)`). */
  albMultiValueHeaders?: boolean
}

/**
 * Checks a handler result against a front door's rules without changing it: the
 * same rule engine `proxyShape` runs, as a pure function for your own tests.
 *
 *     expect(validateProxyResult(await handler(event, context), 'rest')).toEqual({ valid: true, violations: [] })
 */
export function validateProxyResult(
  result: unknown,
  integration: ShapeTarget,
  options: ValidateOptions = {},
): ValidationResult {
  assertOneOf(PACKAGE, 'integration', integration, SHAPE_TARGETS)
  const { violations } = inspect(result, shapeProfile(integration, options.albMultiValueHeaders))
  return { valid: violations.length === 0, violations: [...violations] }
}
