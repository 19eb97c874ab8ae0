import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type BreakerOptions, createBreaker, type Transition } from '../src/breaker.js'

const OPTIONS: BreakerOptions = {
  failureRatio: 0.5,
  minCalls: 10,
  windowMs: 1000,
  coolDownMs: 500,
  probes: 2,
}

function setup(options: Partial<BreakerOptions> = {}) {
  let now = 0
  const transitions: string[] = []
  const opened: Transition[] = []
  const breaker = createBreaker(
    { ...OPTIONS, ...options },
    (transition: Transition) => {
      transitions.push(`${transition.from}→${transition.to}`)
      if (transition.to === 'open') opened.push(transition)
    },
    { now: () => now },
  )
  const call = (ok: boolean) => {
    const ticket = breaker.pass()
    if (ticket === undefined) return false
    if (ok) breaker.succeeded(ticket)
    else breaker.failed(ticket)
    return true
  }
  return {
    breaker,
    transitions,
    opened,
    call,
    advance: (ms: number) => {
      now += ms
    },
  }
}

describe('circuit breaker (issue 14: failure ratio over a sliding window, half-open probes)', () => {
  it('R14 does not open below the minimum call count, however many of those calls failed', () => {
    const { breaker, call } = setup({ minCalls: 10 })
    for (let i = 0; i < 9; i += 1) call(false)
    expect(breaker.state).toBe('closed')
    call(false)
    expect(breaker.state).toBe('open')
  })

  it('R14 a burst of concurrent failures among many successes is not a dead Redis', () => {
    const { breaker, call } = setup({ minCalls: 10, failureRatio: 0.5 })
    for (let i = 0; i < 30; i += 1) call(true)
    // 20 concurrent decisions that all waited behind one slow moment.
    for (let i = 0; i < 20; i += 1) call(false)
    expect(breaker.state).toBe('closed')
    for (let i = 0; i < 10; i += 1) call(false)
    expect(breaker.state).toBe('open')
  })

  it('R14 opens on the ratio of the window only: old outcomes slide out', () => {
    const { breaker, call, advance, opened } = setup({ minCalls: 4, windowMs: 1000 })
    for (let i = 0; i < 40; i += 1) call(true)
    advance(1100)
    for (let i = 0; i < 4; i += 1) call(false)
    expect(breaker.state).toBe('open')
    expect(opened[0]).toMatchObject({ calls: 4, failures: 4 })
  })

  it('R14 after the cool down lets `probes` calls through; all succeeding closes the circuit', () => {
    const { breaker, call, advance, transitions } = setup({ minCalls: 1, probes: 2 })
    call(false)
    advance(499)
    expect(breaker.pass()).toBeUndefined()
    expect(breaker.msUntilProbe()).toBe(1)
    advance(1)
    const first = breaker.pass()
    const second = breaker.pass()
    expect(first?.probe).toBe(true)
    expect(second?.probe).toBe(true)
    expect(breaker.pass()).toBeUndefined()
    breaker.succeeded(first!)
    expect(breaker.state).toBe('half-open')
    breaker.succeeded(second!)
    expect(breaker.state).toBe('closed')
    expect(transitions).toEqual(['closed→open', 'open→half-open', 'half-open→closed'])
  })

  it('R14 one failed probe opens the circuit for another cool down', () => {
    const { breaker, advance, transitions, call } = setup({ minCalls: 1 })
    call(false)
    advance(500)
    const probe = breaker.pass()!
    breaker.failed(probe)
    expect(breaker.state).toBe('open')
    expect(breaker.msUntilProbe()).toBe(500)
    expect(transitions).toEqual(['closed→open', 'open→half-open', 'half-open→open'])
  })

  it('R14 ignores late outcomes of calls that started before the circuit opened', () => {
    const { breaker, advance } = setup({ minCalls: 1, probes: 1 })
    const early = breaker.pass()!
    breaker.failed(breaker.pass()!)
    breaker.succeeded(early)
    expect(breaker.state).toBe('open')
    advance(500)
    const probe = breaker.pass()!
    breaker.succeeded(early)
    breaker.failed(early)
    expect(breaker.state).toBe('half-open')
    breaker.succeeded(probe)
    expect(breaker.state).toBe('closed')
  })

  it('R14 property: never opens while the window holds fewer than minCalls calls or a ratio below failureRatio', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ ok: fc.boolean(), gap: fc.integer({ min: 0, max: 300 }) }), {
          maxLength: 200,
        }),
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        (calls, minCalls, failureRatio) => {
          const { breaker, call, advance, opened } = setup({
            minCalls,
            failureRatio,
            coolDownMs: 1e9,
          })
          for (const { ok, gap } of calls) {
            advance(gap)
            call(ok)
            if (breaker.state !== 'closed') break
          }
          for (const transition of opened) {
            expect(transition.calls).toBeGreaterThanOrEqual(minCalls)
            expect(transition.failures).toBeGreaterThanOrEqual(failureRatio * transition.calls)
          }
        },
      ),
    )
  })
})
