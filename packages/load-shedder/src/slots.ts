/** What an admitted request holds in the in-process in-flight count. */
export interface Slot {
  /** Epoch ms after which the slot is reclaimed even if nobody released it. */
  expiresAt: number
  /** Position in the registry while held, -1 once released. */
  slotIndex: number
}

/**
 * The requests in flight in this process (on Managed Instances: this worker thread).
 *
 * Releasing is the shedder's job on every path; the expiry is the backstop for a path that
 * skipped it (a handler built without the shedder's plugin and answered early by a later
 * middleware). Expired slots are looked for only when the count is about to refuse someone,
 * so holding and releasing stay O(1): an array with swap-remove, no hashing.
 */
export class InFlightSlots {
  readonly #held: Slot[] = []
  /** Slots reclaimed at their expiry instead of being released: each one is a missed release. */
  reclaimed = 0

  get count(): number {
    return this.#held.length
  }

  acquire(slot: Slot, expiresAt: number): void {
    slot.expiresAt = expiresAt
    slot.slotIndex = this.#held.length
    this.#held.push(slot)
  }

  /** Frees a slot; a second call, or a call after it was reclaimed, does nothing. */
  release(slot: Slot): boolean {
    const index = slot.slotIndex
    if (index < 0 || this.#held[index] !== slot) return false
    const last = this.#held.pop() as Slot
    if (last !== slot) {
      this.#held[index] = last
      last.slotIndex = index
    }
    slot.slotIndex = -1
    return true
  }

  /** Frees every slot whose request is certainly over; returns how many. */
  reclaimExpired(now: number): number {
    let freed = 0
    for (let i = this.#held.length - 1; i >= 0; i--) {
      const slot = this.#held[i] as Slot
      if (slot.expiresAt <= now && this.release(slot)) freed++
    }
    this.reclaimed += freed
    return freed
  }
}
