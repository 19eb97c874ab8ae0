import { getHeader, isObject } from '@gateproof/core'

/** Longest key kept: a client-chosen value must not make Redis keys of any size. */
const MAX_KEY_LENGTH = 128

export interface KeyByOptions {
  /** The key when the event carries none. Default `'anonymous'`. */
  fallback?: string
}

type AnyEvent = unknown

/** A header's value through core's header rule (own keys, any casing), whatever the event is. */
function headerOf(event: AnyEvent, name: string): string | undefined {
  if (!isObject(event) || !Object.hasOwn(event, 'headers')) return undefined
  const value = getHeader(event.headers, name)
  return typeof value === 'string' ? value : undefined
}

function ownPath(event: AnyEvent, path: readonly string[]): unknown {
  let at: unknown = event
  for (const step of path) {
    if (!isObject(at) || !Object.hasOwn(at, step)) return undefined
    at = (at as Record<string, unknown>)[step]
  }
  return at
}

function clean(value: unknown, fallback: string): string {
  if (typeof value !== 'string' || value === '') return fallback
  return value.length > MAX_KEY_LENGTH ? value.slice(0, MAX_KEY_LENGTH) : value
}

/**
 * Key functions for the load shedder's `key` option: one fleet-wide limit per tenant,
 * per API key or per header value. They read own properties only and never throw,
 * whatever the event (another trigger, a Proxy, a null-prototype object); a missing
 * value becomes `fallback`, so all anonymous traffic shares one limit.
 */
export const keyBy = {
  /** The tenant of Lambda tenant isolation, from the `x-amz-tenant-id` header. */
  tenant({ fallback = 'anonymous' }: KeyByOptions = {}) {
    return function tenantKey(event: AnyEvent): string {
      return safely(() => clean(headerOf(event, 'x-amz-tenant-id'), fallback), fallback)
    }
  },
  /** The API key: API Gateway REST's `requestContext.identity.apiKey`, else the `x-api-key` header. */
  apiKey({ fallback = 'anonymous' }: KeyByOptions = {}) {
    return function apiKeyKey(event: AnyEvent): string {
      return safely(() => {
        const fromGateway = ownPath(event, ['requestContext', 'identity', 'apiKey'])
        return clean(
          typeof fromGateway === 'string' && fromGateway !== ''
            ? fromGateway
            : headerOf(event, 'x-api-key'),
          fallback,
        )
      }, fallback)
    }
  },
  /** Any request header's value, case-insensitively. */
  header(name: string, { fallback = 'anonymous' }: KeyByOptions = {}) {
    if (typeof name !== 'string' || name === '') {
      throw new TypeError('@gateproof/redis-limiter: keyBy.header needs a header name')
    }
    return function headerKey(event: AnyEvent): string {
      return safely(() => clean(headerOf(event, name), fallback), fallback)
    }
  },
}

/** A throwing getter or Proxy trap must not fail the request: it gets the fallback key. */
function safely(read: () => string, fallback: string): string {
  try {
    return read()
  } catch {
    return fallback
  }
}
