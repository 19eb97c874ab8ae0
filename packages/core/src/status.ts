import { reasonPhrase } from './reason-phrases.js'

/** The `x-amzn-ErrorType` of each status, as API Gateway and AWS SDKs name them. */
export const ERROR_TYPES: Readonly<Record<number, string>> = {
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
}

/** The reason phrase of a status: `429` → `Too Many Requests`. */
export function statusTitle(status: number): string {
  return reasonPhrase(status) ?? (status >= 500 ? 'Internal Server Error' : 'Bad Request')
}

/**
 * The `x-amzn-ErrorType` for a status: from `overrides`, then the table, then the
 * reason phrase in PascalCase (`418` → `ImATeapotException`).
 */
export function errorTypeFor(status: number, overrides?: Readonly<Record<number, string>>): string {
  const known = overrides?.[status] ?? ERROR_TYPES[status]
  if (known !== undefined) return known
  const words = statusTitle(status)
    .replace(/'/g, '')
    .replace(/[^A-Za-z0-9]+/g, ' ')
    .trim()
    .split(' ')
  return `${words.map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()).join('')}Exception`
}

export const isErrorStatus = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 400 && value <= 599

export const isValidStatus = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599
