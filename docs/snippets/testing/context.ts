import { lambdaContext } from '@gateproof/testing'
import { expect, vi } from 'vitest'

vi.useFakeTimers()
const context = lambdaContext({ remainingMs: 3_000 })
vi.advanceTimersByTime(1_000)
expect(context.getRemainingTimeInMillis()).toBe(2_000) // and 0 once the time is up
vi.useRealTimers()
