import { statusTitle } from '@gateproof/core'
import type { ShapeProfile } from './profiles.js'

/** ALB's reason phrase for a status (A1): `200 OK`. */
export const statusLine = (status: number): string => `${status} ${statusTitle(status)}`

export interface Content {
  body: string
  contentType: string
  base64?: boolean
}

/**
 * The smallest response a front door accepts for a status and optional body: ALB
 * gets its required `headers`/`multiValueHeaders`, `isBase64Encoded` and
 * `statusDescription`; the others only what they read.
 */
export function respond(
  profile: ShapeProfile,
  status: number,
  content?: Content,
): Record<string, unknown> {
  const response: Record<string, unknown> = { statusCode: status }
  if (profile.statusDescription) response.statusDescription = statusLine(status)
  if (profile.headerLayout === 'multi-required') {
    response.multiValueHeaders = content ? { 'Content-Type': [content.contentType] } : {}
  } else if (content || profile.headerLayout === 'single-required') {
    response.headers = content ? { 'Content-Type': content.contentType } : {}
  }
  if (content) response.body = content.body
  if (content?.base64 || profile.requiresBase64Flag)
    response.isBase64Encoded = content?.base64 === true
  return response
}
