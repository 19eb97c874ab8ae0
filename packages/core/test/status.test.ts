import {
  ERROR_TYPES,
  errorTypeFor,
  isErrorStatus,
  isValidStatus,
  statusTitle,
} from '@gateproof/core'
import { describe, expect, it } from 'vitest'

describe('the status → x-amzn-ErrorType table', () => {
  it('names every status the way API Gateway and the AWS SDKs do', () => {
    expect(ERROR_TYPES).toEqual({
      400: 'BadRequestException',
      401: 'UnauthorizedException',
      403: 'AccessDeniedException',
      404: 'NotFoundException',
      405: 'MethodNotAllowedException',
      406: 'NotAcceptableException',
      408: 'RequestTimeoutException',
      409: 'ConflictException',
      410: 'GoneException',
      412: 'PreconditionFailedException',
      413: 'RequestTooLargeException',
      415: 'UnsupportedMediaTypeException',
      422: 'UnprocessableEntityException',
      429: 'TooManyRequestsException',
      500: 'InternalServerErrorException',
      501: 'NotImplementedException',
      502: 'BadGatewayException',
      503: 'ServiceUnavailableException',
      504: 'GatewayTimeoutException',
    })
  })

  it('lets overrides replace or add entries', () => {
    const overrides = { 403: 'ForbiddenException', 418: 'TeapotException' }
    expect(errorTypeFor(403, overrides)).toBe('ForbiddenException')
    expect(errorTypeFor(418, overrides)).toBe('TeapotException')
    expect(errorTypeFor(404, overrides)).toBe('NotFoundException')
  })

  it.each([
    [418, 'ImATeapotException'],
    [451, 'UnavailableForLegalReasonsException'],
    [428, 'PreconditionRequiredException'],
    [507, 'InsufficientStorageException'],
    [499, 'BadRequestException'],
    [599, 'InternalServerErrorException'],
  ])('derives %i → %s from the reason phrase when the table has no entry', (status, type) => {
    expect(errorTypeFor(status)).toBe(type)
  })
})

describe('statusTitle', () => {
  it('is the reason phrase, with a class fallback for unknown codes', () => {
    expect(statusTitle(429)).toBe('Too Many Requests')
    expect(statusTitle(504)).toBe('Gateway Timeout')
    expect(statusTitle(499)).toBe('Bad Request')
    expect(statusTitle(599)).toBe('Internal Server Error')
  })
})

describe('status predicates', () => {
  it('isValidStatus accepts integers from 100 to 599', () => {
    expect([100, 200, 429, 599].every(isValidStatus)).toBe(true)
    expect([99, 600, 200.5, '200', Number.NaN, undefined].some(isValidStatus)).toBe(false)
  })

  it('isErrorStatus accepts integers from 400 to 599', () => {
    expect([400, 404, 500, 599].every(isErrorStatus)).toBe(true)
    expect([399, 600, 404.1, '404', null].some(isErrorStatus)).toBe(false)
  })
})
