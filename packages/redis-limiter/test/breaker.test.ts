import { describe, expect, it } from 'vitest'
import { createBreaker, type Transition } from '../src/breaker.js'

function setup(failures = 3, coolDownMs = 1000) {
  let now = 0
  const transitions: string[] = []
  const breaker = createBreaker(
    { failures, coolDownMs },
    ({ from, to }: Transition) => transitions.push(`${from}→${to}`),
    { now: () => now },
  )
  return {
    breaker,
    transitions,
    advance: (ms: number) => {
      now += ms
    },
  }
}

describe('circuit breaker', () => {
  it('opens after `failures` consecutive failures, and not before', () => {
    const { breaker, transitions } = setup(3)
    for (let i = 0; i < 2; i += 1) breaker.failed(breaker.pass()!)
    expect(breaker.state).toBe('closed')
    breaker.failed(breaker.pass()!)
    expect(breaker.state).toBe('open')
    expect(breaker.pass()).toBeUndefined()
    expect(transitions).toEqual(['closed→open'])
  })

  it('starts counting again after a success', () => {
    const { breaker } = setup(3)
    breaker.failed(breaker.pass()!)
    breaker.failed(breaker.pass()!)
    breaker.succeeded(breaker.pass()!)
    breaker.failed(breaker.pass()!)
    breaker.failed(breaker.pass()!)
    expect(breaker.state).toBe('closed')
  })

  it('lets exactly one probe through after the cool down; its success closes the circuit', () => {
    const { breaker, transitions, advance } = setup(1, 1000)
    breaker.failed(breaker.pass()!)
    advance(999)
    expect(breaker.pass()).toBeUndefined()
    expect(breaker.msUntilProbe()).toBe(1)
    advance(1)
    const probe = breaker.pass()
    expect(probe).toEqual({ probe: true })
    expect(breaker.pass()).toBeUndefined()
    breaker.succeeded(probe!)
    expect(breaker.state).toBe('closed')
    expect(transitions).toEqual(['closed→open', 'open→half-open', 'half-open→closed'])
  })

  it('opens again for another cool down when the probe fails', () => {
    const { breaker, transitions, advance } = setup(1, 1000)
    breaker.failed(breaker.pass()!)
    advance(1000)
    breaker.failed(breaker.pass()!)
    expect(breaker.state).toBe('open')
    expect(breaker.msUntilProbe()).toBe(1000)
    expect(transitions).toEqual(['closed→open', 'open→half-open', 'half-open→open'])
  })

  it('ignores late outcomes of calls that started before the circuit opened', () => {
    const { breaker, advance } = setup(1, 1000)
    const early = breaker.pass()!
    const failing = breaker.pass()!
    breaker.failed(failing)
    breaker.succeeded(early)
    expect(breaker.state).toBe('open')
    advance(1000)
    const probe = breaker.pass()!
    breaker.succeeded(early)
    breaker.failed(early)
    expect(breaker.state).toBe('half-open')
    breaker.succeeded(probe)
    expect(breaker.state).toBe('closed')
  })
})
