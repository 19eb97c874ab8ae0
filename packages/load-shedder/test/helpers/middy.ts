import {
  detectIntegration,
  type GateproofHttpError,
  type RequestLike,
  renderErrorResponse,
  requestIdOf,
} from '@gateproof/core'

/** What the tests' handlers and renderer answer. */
export interface Response {
  statusCode: number
  statusDescription?: string
  headers?: Record<string, string>
  body: string
  isBase64Encoded?: boolean
}

export const OK: Response = {
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: '{"ok":true}',
}

/**
 * The smallest contract renderer: what the error mapper does for an `HttpError`, so these
 * tests do not depend on it. Anything without a status is a 500, a `TimeoutError` a 504.
 */
export const contractRenderer = () => ({
  onError: function contractRendererOnError(request: RequestLike) {
    if (request.response !== undefined) return
    const error = request.error as Partial<GateproofHttpError> & Error
    const status = error.statusCode ?? (error.name === 'TimeoutError' ? 504 : 500)
    request.response = renderErrorResponse(
      {
        status,
        detail: error.message,
        expose: error.expose,
        errorType: error.errorType,
        retryAfterSeconds: error.retryAfterSeconds,
        headers: error.headers,
        requestId: requestIdOf(request.event, request.context),
      },
      { integration: detectIntegration(request.event), event: request.event },
    )
  },
})

/** A promise and the functions that settle it, to hold a handler open. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

/** Lets every pending promise callback run. */
export const settle = () => new Promise((resolve) => setImmediate(resolve))

/**
 * The whole answer (body parsed) to a request over a spent `{ perSecond: 1, burst: 1 }`
 * rate limit, rendered in the error contract with Retry-After and RateLimit headers.
 */
export const rateLimitedResponse = (requestId: string) => ({
  statusCode: 429,
  headers: {
    'Content-Type': 'application/problem+json',
    'Retry-After': '1',
    'RateLimit-Policy': '"default";q=1;w=1',
    RateLimit: '"default";r=0;t=1',
    'x-amzn-ErrorType': 'TooManyRequestsException',
  },
  body: {
    type: 'about:blank',
    title: 'Too Many Requests',
    status: 429,
    detail: 'Request rate exceeded. Retry after 1 second.',
    errorType: 'TooManyRequestsException',
    requestId,
  },
  isBase64Encoded: false,
})
