import { type Capture, captureOutput } from '@gateproof/testing'
import { afterEach, beforeEach } from 'vitest'

/**
 * Captures what Powertools prints during each test of the calling file or block. The
 * returned capture reads the one the running test writes to, so it can be declared once.
 */
export function captureEachTest(): Capture {
  let current: Capture | undefined
  beforeEach(() => {
    current = captureOutput()
  })
  afterEach(() => {
    current?.stop()
  })
  const running = (): Capture => {
    if (current === undefined) throw new Error('captureEachTest: read inside a test')
    return current
  }
  return {
    get lines() {
      return running().lines
    },
    metrics: () => running().metrics(),
    logs: () => running().logs(),
    stop: () => running().stop(),
  }
}
