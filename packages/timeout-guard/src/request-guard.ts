import {
  type Deadline,
  type GateproofHttpError,
  type RequestLike,
  remainingMs,
} from '@gateproof/core'

/**
 * Where the deadline caught the request: on arrival, in a `before` middleware (the handler
 * never ran), in the handler, or in an `after` middleware (its result was never sent).
 */
export type TimeoutPhase = 'arrival' | 'before' | 'handler' | 'after'

/** What a handler can read about its request's deadline (see `getDeadline`). */
export interface GuardedDeadline {
  /** Epoch ms by which the response must leave: `min(Lambda, gateway) − margin`. */
  readonly at: number
  /** How `at` was computed: arrival time, both limits, margin, which limit won. */
  readonly deadline: Deadline
  /** Milliseconds left before `at`; negative once it has passed. */
  remainingMs(): number
  /**
   * Aborted at the deadline with a `TimeoutError` `DOMException` as its reason. Pass it
   * to AWS SDK v3 calls (`client.send(command, { abortSignal })`), `fetch`, streams.
   */
  readonly signal: AbortSignal
  /** True once the guard answered this request with its timeout. */
  readonly timedOut: boolean
}

/** The handler's view of its deadline: what `getDeadline` returns. */
export class DeadlineHandle implements GuardedDeadline {
  readonly deadline: Deadline
  #controller: AbortController | undefined
  #reason: DOMException | undefined

  constructor(deadline: Deadline) {
    this.deadline = deadline
  }

  get at(): number {
    return this.deadline.at
  }

  get timedOut(): boolean {
    return this.#reason !== undefined
  }

  remainingMs(): number {
    return remainingMs(this.deadline)
  }

  // Created on first use: most requests never ask for it, and an abort costs microseconds.
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController()
      if (this.#reason !== undefined) this.#controller.abort(this.#reason)
    }
    return this.#controller.signal
  }

  /** Aborts the signal with a `TimeoutError`; false when it already was. */
  expire(): boolean {
    if (this.#reason !== undefined) return false
    this.#reason = new DOMException('The request reached its deadline', 'TimeoutError')
    this.#controller?.abort(this.#reason)
    return true
  }
}

/** One request's deadline and timeout bookkeeping, in `request.internal`. */
export class RequestGuard {
  readonly handle: DeadlineHandle
  readonly request: RequestLike
  /** The handler's context, and the countdown it shows once Middy has armed its timer. */
  view: object | undefined
  countdown: (() => number) | undefined
  /** When Middy started racing the handler against the deadline. */
  handlerStartedAt: number | undefined
  /** Counted among the requests whose Middy timer may be pending (see `TimerOwners`). */
  armed = false
  scope: { guard: RequestGuard | undefined } | undefined
  timedOutAt: number | undefined
  phase: TimeoutPhase | undefined
  error: GateproofHttpError | undefined
  /** The `onTimeout` hook still running; never rejects. */
  onTimeoutDone: Promise<void> | undefined
  /** The guard's `before` or `onError` ran: it is in the middleware chain. */
  seenInChain = false
  /** Rejects at the deadline while a `before`/`after` middleware is awaited (H5); made on first need. */
  deadlineReached: Promise<never> | undefined
  deadlineTimer: ReturnType<typeof setTimeout> | undefined
  /** The phase of the middleware being raced against the deadline; `undefined` between races. */
  racing: TimeoutPhase | undefined = undefined
  /**
   * The clock reading the guard's `before` decided on, for the check right before the handler
   * when nothing but gateproof's code ran since (see core's `ENDS_AT_READING`).
   */
  reading: number | undefined

  constructor(request: RequestLike, deadline: Deadline) {
    this.request = request
    this.handle = new DeadlineHandle(deadline)
  }

  get deadline(): Deadline {
    return this.handle.deadline
  }

  get timedOut(): boolean {
    return this.timedOutAt !== undefined
  }

  /** Marks the timeout and aborts the signal; false when it was already marked. */
  expire(phase: TimeoutPhase, now: number): boolean {
    if (this.timedOutAt !== undefined) return false
    this.timedOutAt = now
    this.phase = phase
    this.handle.expire()
    return true
  }
}
