import type { Template } from './template.js'

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

export const recordOf = (value: unknown): Record<string, unknown> => (isRecord(value) ? value : {})

/** Resolves a `Ref` to a parameter to its `Default`, so `Timeout: !Ref Timeout` still reads. */
function parameterDefault(value: unknown, template: Template): unknown {
  if (isRecord(value) && typeof value.Ref === 'string') {
    const parameter = template.parameters[value.Ref]
    if (parameter !== undefined) return parameter.Default
  }
  return value
}

/** A number written as a number or a numeric string; anything unresolvable is undefined. */
export function numberOf(value: unknown, template: Template): number | undefined {
  const resolved = parameterDefault(value, template)
  if (typeof resolved === 'number' && Number.isFinite(resolved)) return resolved
  if (typeof resolved === 'string' && /^-?\d+(\.\d+)?$/.test(resolved.trim())) {
    return Number(resolved)
  }
  return undefined
}

/** A literal string (a parameter's default included); intrinsic functions give undefined. */
export function stringOf(value: unknown, template: Template): string | undefined {
  const resolved = parameterDefault(value, template)
  return typeof resolved === 'string' ? resolved : undefined
}

export function booleanOf(value: unknown, template: Template): boolean | undefined {
  const resolved = parameterDefault(value, template)
  if (typeof resolved === 'boolean') return resolved
  if (resolved === 'true' || resolved === 'false') return resolved === 'true'
  return undefined
}

/**
 * The logical ids of the template's resources a value refers to, anywhere inside it:
 * `Ref`, `Fn::GetAtt` (list or `A.B` string) and `${Id}` / `${Id.Attr}` in `Fn::Sub`.
 */
export function referencedIds(value: unknown, template: Template): string[] {
  const found = new Set<string>()
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item)
      return
    }
    if (!isRecord(node)) return
    for (const [key, inner] of Object.entries(node)) {
      if (key === 'Ref' && typeof inner === 'string') found.add(inner)
      else if (key === 'Fn::GetAtt') {
        const target = Array.isArray(inner) ? inner[0] : String(inner).split('.')[0]
        if (typeof target === 'string') found.add(target)
      } else if (key === 'Fn::Sub') {
        const text = Array.isArray(inner) ? inner[0] : inner
        if (typeof text === 'string') {
          for (const match of text.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}/g)) {
            found.add(match[1] as string)
          }
        }
        if (Array.isArray(inner)) visit(inner[1])
      } else visit(inner)
    }
  }
  visit(value)
  return [...found].filter((id) => template.resources[id] !== undefined)
}

/** The one resource a value refers to, when it refers to exactly one resource. */
export function referencedId(value: unknown, template: Template): string | undefined {
  const ids = referencedIds(value, template)
  return ids.length === 1 ? ids[0] : undefined
}

/** Every literal string inside a value, intrinsic functions' arguments included. */
export function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.flatMap(stringsIn)
  if (isRecord(value)) return Object.values(value).flatMap(stringsIn)
  return []
}
