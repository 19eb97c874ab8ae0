import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  BUSY_UTILIZATION,
  EventLoopMonitor,
  type EventLoopSource,
  perfHooksSource,
} from '../src/event-loop.js'

const options = { maxDelayMs: 100, maxUtilization: undefined, sampleIntervalMs: 250 }

function fakeSource(delayMs: number, utilization: number) {
  const source = { delayMs, utilization, resets: 0 }
  const api: EventLoopSource = {
    delayMs: () => source.delayMs,
    utilization: () => source.utilization,
    reset: () => {
      source.resets++
    },
  }
  return { source, api }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('EventLoopMonitor', () => {
  it('reports overload when the delay is over the threshold on a busy loop', () => {
    const { api } = fakeSource(150, 0.9)
    const monitor = new EventLoopMonitor(options, api, 0)
    expect(monitor.read(250)).toEqual({ overloaded: true, delayMs: 150, utilization: 0.9 })
  })

  it('ignores a long delay on an idle loop: a frozen (standard Lambda) or waiting process', () => {
    const { api } = fakeSource(60_000, BUSY_UTILIZATION / 10)
    const monitor = new EventLoopMonitor(options, api, 0)
    expect(monitor.read(250).overloaded).toBe(false)
  })

  it('reports overload on utilisation alone when maxUtilization is set', () => {
    const { api } = fakeSource(5, 0.97)
    const monitor = new EventLoopMonitor({ ...options, maxUtilization: 0.95 }, api, 0)
    expect(monitor.read(250).overloaded).toBe(true)
  })

  it('re-reads the source at most once per sample interval, resetting it each time', () => {
    const { source, api } = fakeSource(150, 0.9)
    const monitor = new EventLoopMonitor(options, api, 0)
    expect(monitor.read(100).overloaded).toBe(false)
    expect(source.resets).toBe(0)
    expect(monitor.read(250).overloaded).toBe(true)
    source.delayMs = 10
    expect(monitor.read(400).overloaded).toBe(true)
    expect(monitor.read(500).overloaded).toBe(false)
    expect(source.resets).toBe(2)
  })

  it('measures a really blocked event loop with perf_hooks', async () => {
    const source = perfHooksSource()
    await new Promise((resolve) => setTimeout(resolve, 30))
    const until = Date.now() + 300
    while (Date.now() < until) {
      // Block the loop the way a CPU-bound handler would.
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(source.delayMs()).toBeGreaterThan(200)
    expect(source.utilization()).toBeGreaterThan(BUSY_UTILIZATION)
    source.reset()
    expect(source.delayMs()).toBe(0)
  })
})
