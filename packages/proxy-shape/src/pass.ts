import type { ShapeProfile } from './profiles.js'
import type { Violation, ViolationRule } from './violations.js'

/**
 * One walk over a result. A checking pass records violations and size bounds; a
 * repairing pass (run only when the check found violations, none of them fatal)
 * builds the repaired response with the very same rule code.
 */
export class Pass {
  violations: Violation[] | undefined
  /** A violation with no safe repair was found. */
  unfixable = false
  /** UTF-16 length of every string that will be serialised (bodies, header names and values). */
  chars = 0
  /** Map entries and array items, for JSON punctuation. */
  entries = 0
  /** Σ (name + value + `": "` + CRLF) over every header line. */
  headerChars = 0
  longestHeaderLine = 0
  /** The payload size was already measured exactly (inferred results). */
  measured = false

  constructor(
    readonly profile: ShapeProfile,
    readonly repairing: boolean,
  ) {}

  /**
   * A violation that can be repaired; its message cites the front door's facts row for the
   * rule unless `cite` is false (a rule that also covers what no row describes).
   */
  flag(rule: ViolationRule, path: string, message: string, cite = true): void {
    if (this.repairing) return
    const row = cite ? this.profile.rows[rule] : undefined
    const violation = { path, rule, message: row === undefined ? message : `${message} (${row})` }
    if (this.violations) this.violations.push(violation)
    else this.violations = [violation]
  }

  /** A violation without a safe repair: the response becomes a rendered 500. */
  fail(rule: ViolationRule, path: string, message: string): void {
    this.unfixable = true
    this.flag(rule, path, message)
  }

  text(value: string): void {
    this.chars += value.length
    this.entries += 1
  }

  header(name: string, value: string): void {
    const line = name.length + value.length + 4
    this.headerChars += line
    if (line > this.longestHeaderLine) this.longestHeaderLine = line
    this.chars += name.length + value.length
    this.entries += 1
  }
}
