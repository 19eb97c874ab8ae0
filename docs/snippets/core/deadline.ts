import { computeDeadline, type ProxyEvent, remainingMs, timeoutStatusFor } from '@gateproof/core'
import type { Context } from 'aws-lambda'

export const handler = async (event: ProxyEvent, context: Context) => {
  const deadline = computeDeadline(event, context) // once, at the start of the request
  if (remainingMs(deadline) < 1_000) {
    // ms left; negative once passed. Too little time: answer as the front door would, but now.
    return { statusCode: timeoutStatusFor(deadline.integration ?? 'rest'), body: '' }
  }
  return { statusCode: 200, body: JSON.stringify({ boundBy: deadline.boundBy }) }
}
