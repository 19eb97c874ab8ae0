import { errorMapper } from '@gateproof/error-mapper'
import middy from '@middy/core'
import httpCors from '@middy/http-cors'
import httpErrorHandler from '@middy/http-error-handler'
import httpSecurityHeaders from '@middy/http-security-headers'
import createHttpError from 'http-errors'

const getOrder = async () => {
  throw createHttpError(404, 'No order 42')
}

export const handler = middy(getOrder)
  .use(httpCors({ origin: 'https://shop.example.com' })) // onError runs 4th: adds CORS headers to the mapper's response
  .use(httpSecurityHeaders()) // onError runs 3rd: adds security headers
  .use(httpErrorHandler()) // onError runs 2nd: sees request.response set, does nothing
  .use(errorMapper()) // onError runs 1st: renders, counts, logs
// → 404 application/problem+json, detail "No order 42", with Access-Control-Allow-Origin
