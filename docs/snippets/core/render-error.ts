import { type ProxyEvent, renderErrorResponse, requestIdOf } from '@gateproof/core'
import type { Context } from 'aws-lambda'

export const handler = async (event: ProxyEvent, context: Context) =>
  renderErrorResponse(
    {
      status: 429,
      detail: 'Request rate exceeded. Retry after 2 seconds.',
      retryAfterSeconds: 2,
      requestId: requestIdOf(event, context),
    },
    { integration: 'rest' },
  )
// {
//   statusCode: 429,
//   headers: { 'Content-Type': 'application/problem+json',
//              'x-amzn-ErrorType': 'TooManyRequestsException', 'Retry-After': '2' },
//   body: '{"type":"about:blank","title":"Too Many Requests","status":429,"detail":…}',
//   isBase64Encoded: false,
// }
