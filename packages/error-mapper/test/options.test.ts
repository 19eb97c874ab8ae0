import { GateproofOptionsError } from '@gateproof/core'
import { describe, expect, it } from 'vitest'
import { BUILT_IN_RULES, type ErrorMapperOptions, errorMapper } from '../src/index.js'
import { powertools } from './support.js'

const rule = (overrides: Record<string, unknown>) => ({
  name: 'conflict',
  match: { name: 'ConditionalCheckFailedException' },
  map: { status: 409 },
  ...overrides,
})

describe('errorMapper options', () => {
  it('builds with every option valid', () => {
    const middleware = errorMapper({
      format: 'message',
      integration: 'rest',
      rules: [rule({})],
      builtInRules: BUILT_IN_RULES,
      throttleStatus: 429,
      retryAfterSeconds: 5,
      logLevels: { '4xx': 'info', '5xx': 'error' },
      errorTypes: { 409: 'VersionConflict' },
      ...powertools(),
    })
    expect(Object.keys(middleware)).toEqual(['onError'])
  })

  it('accepts a custom formatter', () => {
    expect(() =>
      errorMapper({ format: (c) => ({ body: c.title, contentType: 'text/plain' }) }),
    ).not.toThrow()
  })

  it.each<[string, unknown, RegExp]>([
    ['an unknown option', { fallbackMessage: 'x' }, /unknown option "fallbackMessage"/],
    ['options that are not an object', 'rest', /options must be an object/],
    ['an unknown format', { format: 'html' }, /"format" must be one of "problem", "message"/],
    ['an unknown integration', { integration: 'websocket' }, /"integration" must be one of/],
    [
      'a throttleStatus other than 429/503',
      { throttleStatus: 500 },
      /"throttleStatus" must be 429 or 503/,
    ],
    [
      'a retryAfterSeconds of 0',
      { retryAfterSeconds: 0 },
      /"retryAfterSeconds" must be an integer/,
    ],
    ['a fractional retryAfterSeconds', { retryAfterSeconds: 1.5 }, /"retryAfterSeconds"/],
    ['rules that are not an array', { rules: {} }, /"rules" must be an array/],
    [
      'a rule without a name',
      { rules: [rule({ name: '' })] },
      /rules\[0\]\.name must be a non-empty string/,
    ],
    [
      'a rule with an unknown key',
      { rules: [rule({ when: 1 })] },
      /rules\[0\] has an unknown key "when"/,
    ],
    [
      'a matcher with no keys',
      { rules: [rule({ match: {} })] },
      /needs at least one of instanceOf, name, code/,
    ],
    [
      'a matcher with an unknown key',
      { rules: [rule({ match: { message: 'x' } })] },
      /unknown key "message"/,
    ],
    [
      'a matcher whose instanceOf is not a class',
      { rules: [rule({ match: { instanceOf: 'Error' } })] },
      /instanceOf must be a class/,
    ],
    [
      'a matcher whose name is a number',
      { rules: [rule({ match: { name: 7 } })] },
      /name must be a string or a list of strings/,
    ],
    [
      'a matcher whose code is an object',
      { rules: [rule({ match: { code: {} } })] },
      /code must be a string, a number or a list/,
    ],
    [
      'a mapping without a status',
      { rules: [rule({ map: { title: 'x' } })] },
      /map\.status must be an integer from 400 to 599/,
    ],
    [
      'a mapping to a 2xx',
      { rules: [rule({ map: { status: 200 } })] },
      /map\.status must be an integer from 400 to 599/,
    ],
    [
      'a mapping with an unknown key',
      { rules: [rule({ map: { status: 409, body: 'x' } })] },
      /unknown key "body"/,
    ],
    [
      'a mapping whose errorType is not an identifier',
      { rules: [rule({ map: { status: 409, errorType: 'a b\r\n' } })] },
      /errorType must be an identifier/,
    ],
    [
      'a mapping whose expose is a string',
      { rules: [rule({ map: { status: 409, expose: 'yes' } })] },
      /expose must be a boolean/,
    ],
    [
      'a mapping whose headers is a string',
      { rules: [rule({ map: { status: 409, headers: 'x' } })] },
      /headers must be an object/,
    ],
    [
      'a mapping with a negative retryAfterSeconds',
      { rules: [rule({ map: { status: 503, retryAfterSeconds: -1 } })] },
      /retryAfterSeconds/,
    ],
    [
      'builtInRules with an invalid rule',
      { builtInRules: [...BUILT_IN_RULES, 'x'] },
      /builtInRules\[9\] must be an object/,
    ],
    ['logLevels with an unknown class', { logLevels: { '3xx': 'info' } }, /unknown option "3xx"/],
    [
      'logLevels with an unknown level',
      { logLevels: { '5xx': 'fatal' } },
      /"logLevels\.5xx" must be one of/,
    ],
    [
      'errorTypes keyed by a non-error status',
      { errorTypes: { 200: 'Ok' } },
      /key "200" that is not a status/,
    ],
    [
      'errorTypes with a value that is not an identifier',
      { errorTypes: { 409: 'Version Conflict' } },
      /must map 409 to an error type name/,
    ],
    [
      'metrics that are not a Metrics instance',
      { metrics: {} },
      /"metrics" must be a Powertools Metrics instance/,
    ],
    [
      'a logger that is not a Logger instance',
      { logger: console.log },
      /"logger" must be a Powertools Logger instance/,
    ],
  ])('rejects %s when the middleware is built', (_what, options, message) => {
    expect(() => errorMapper(options as ErrorMapperOptions)).toThrow(GateproofOptionsError)
    expect(() => errorMapper(options as ErrorMapperOptions)).toThrow(message)
  })
})

describe('options set to null', () => {
  it('take their defaults where they did before the checks became a table', () => {
    expect(() => errorMapper({ rules: null, builtInRules: null } as never)).not.toThrow()
    expect(() => errorMapper({ retryAfterSeconds: null } as never)).toThrow(GateproofOptionsError)
    expect(() => errorMapper({ throttleStatus: null } as never)).toThrow(
      'option "throttleStatus" must be 429 or 503, got null',
    )
  })
})

describe('issue 18: with several options wrong, the first one reported is the one reported before the option tables', () => {
  it('reports in the order the options were checked before (format, integration, throttleStatus, retryAfterSeconds, rules, builtInRules, metrics, logger, errorTypes, logLevels, metricErrorTypes)', () => {
    expect(() => errorMapper({ throttleStatus: 400, rules: 'x' } as never)).toThrow(
      'option "throttleStatus" must be 429 or 503, got 400',
    )
    expect(() => errorMapper({ retryAfterSeconds: 0, rules: 'x' } as never)).toThrow(
      'option "retryAfterSeconds" must be an integer from 1 to 86400, got 0',
    )
    expect(() => errorMapper({ logLevels: 1, errorTypes: 1 } as never)).toThrow(
      'option "errorTypes" must be an object',
    )
    expect(() => errorMapper({ metrics: {}, logLevels: 1 } as never)).toThrow(
      'option "metrics" must be a Powertools Metrics instance',
    )
  })

  it('still names the options in their documented order when a key is unknown', () => {
    expect(() => errorMapper({ typo: 1 } as never)).toThrow(
      'unknown option "typo"; expected one of "format", "integration", "rules", "builtInRules", "throttleStatus", "retryAfterSeconds", "logLevels", "errorTypes", "metrics", "logger", "metricErrorTypes"',
    )
  })
})
