import {
  assertFormat,
  assertLogger,
  assertMetrics,
  assertOptionTable,
  type ErrorFormat,
  type EventOf,
  type Integration,
  type OptionCheck,
  setsNothing,
  type TelemetryOptions,
} from '@gateproof/core'
import { SHAPE_TARGETS, type ShapeTarget } from './profiles.js'

export const PACKAGE = '@gateproof/proxy-shape'

/**
 * - `repair`: fix what has one safe meaning, render a 500 for the rest.
 * - `strict`: every violation becomes a rendered 500.
 * - `report`: change nothing, only log and count.
 */
export type ProxyShapeMode = 'repair' | 'strict' | 'report'

export const MODES: readonly ProxyShapeMode[] = ['repair', 'strict', 'report']

/** `auto` reads the front door from each event, falling back to `universal`. */
export type IntegrationOption = 'auto' | ShapeTarget

/** The event type a middleware for an integration option sees. */
export type EventFor<T extends IntegrationOption> = T extends Integration ? EventOf<T> : unknown

export interface ProxyShapeOptions<T extends IntegrationOption = IntegrationOption>
  extends TelemetryOptions {
  /** Whose rules apply. Default `auto`. */
  integration?: T
  /** Default `repair`. */
  mode?: ProxyShapeMode
  /** Body of the rendered 500, in the error contract. Default `problem`. */
  format?: ErrorFormat
}

export interface ResolvedOptions {
  integration: IntegrationOption
  mode: ProxyShapeMode
  format: ErrorFormat
}

const KEYS = ['integration', 'mode', 'format', 'metrics', 'logger'] as const

/**
 * Every option's check, in the order they were checked before the table (issue 18: with
 * several options wrong, the same one is reported). Built only when options are checked:
 * built at import, the table would cost a cold start more than its code saves (issue 18).
 */
function checks(): Record<(typeof KEYS)[number], OptionCheck> {
  return {
    integration: ['auto', ...SHAPE_TARGETS],
    mode: MODES,
    metrics: assertMetrics,
    logger: assertLogger,
    format: assertFormat,
  }
}

export function resolveOptions(options: ProxyShapeOptions): ResolvedOptions {
  // Options that set nothing (the preset's default) have nothing to check.
  if (!setsNothing(options, KEYS)) assertOptionTable(PACKAGE, options, checks(), undefined, KEYS)
  return {
    integration: options.integration ?? 'auto',
    mode: options.mode ?? 'repair',
    format: options.format ?? 'problem',
  }
}
