import type { AsyncLocalStorage } from 'node:async_hooks'
import type { RequestGuard } from './request-guard.js'

/**
 * What a Middy timer carries in its async context when requests overlap; emptied when
 * the request ends, so a context that outlives the request holds nothing of it.
 */
interface GuardScope {
  guard: RequestGuard | undefined
}

/**
 * Tells Middy's early-timeout callback, which gets no arguments, whose timer fired.
 *
 * Standard Lambda runs one request at a time per process: the request whose timer is
 * armed is the one. Only when two armed requests overlap (Lambda Managed Instances,
 * containers) does the guard scope each timer with `AsyncLocalStorage`: entered right
 * before Middy arms it, carried by the timer into its callback. Async context tracking
 * costs every promise in the process on Node 22, so the guard turns it on only once
 * requests do overlap (the Managed Instances runtime has it on already).
 */
export class TimerOwners {
  /**
   * Made when requests first overlap: `node:async_hooks`' storage module is loaded then, not
   * at every cold start of a function whose requests never overlap (standard Lambda).
   */
  #scopes: AsyncLocalStorage<GuardScope> | undefined
  #armed = 0
  #overlapping = false
  /** The request armed while no other was: the owner of any timer that carries no scope. */
  #solo: RequestGuard | undefined

  /** Middy is about to arm the timer that races this request's handler. */
  arming(guard: RequestGuard): void {
    if (!guard.armed) {
      guard.armed = true
      this.#armed += 1
    }
    if (this.#armed > 1) this.#overlapping = true
    if (!this.#overlapping) {
      this.#solo = guard
      return
    }
    guard.scope ??= { guard }
    this.#scopes ??= new (process.getBuiltinModule('node:async_hooks').AsyncLocalStorage)()
    this.#scopes.enterWith(guard.scope)
  }

  /** The request ended: its timer, if any, is cleared or has fired. */
  ended(guard: RequestGuard): void {
    if (!guard.armed) return
    guard.armed = false
    this.#armed -= 1
    if (this.#solo === guard) this.#solo = undefined
    if (guard.scope !== undefined) guard.scope.guard = undefined
  }

  /**
   * The request whose timer the guard's own loop is firing while your `timeoutEarlyResponse`
   * (over the plugin's, perhaps calling it) runs: the loop knows whose it is.
   */
  firing: RequestGuard | undefined

  /** The request whose timer is firing now, if it is still waiting for its handler. */
  owner(): RequestGuard | undefined {
    const guard = this.firing ?? this.#scopes?.getStore()?.guard ?? this.#solo
    return guard === undefined || guard.timedOut ? undefined : guard
  }
}
