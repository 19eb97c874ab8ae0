/** Copies a context into a plain object: what `{ ...context }` gives. */
export type ContextCopier = (context: object) => Record<PropertyKey, unknown>

/** Contexts with the same own enumerable keys, in the same order. */
interface Shape {
  readonly keys: readonly string[]
  /** An object with those keys, cloned and filled key by key; undefined: spread instead. */
  readonly template: Record<string, unknown> | undefined
}

/** Contexts of more shapes than this are spread without looking for a faster way. */
const MAX_SHAPES = 8

/**
 * A function that copies a context's own enumerable properties into a plain object, as
 * `{ ...context }` does (accessors are read once and copied as values), at a cost that
 * does not depend on how the context was built.
 *
 * The callback-era Node.js runtimes (runtime interface client 3.x) build the context from
 * an object literal with a getter/setter (`callbackWaitsForEmptyEventLoop`), which V8
 * keeps in dictionary mode; spreading such an object, or `Object.assign`, takes V8's slow
 * path at ~4–5 µs per copy. Cloning a template with the same keys and storing each value
 * costs under 1 µs there. Contexts made of data properties only (later runtimes, tests)
 * spread in tens of nanoseconds, faster than anything else, so they keep the spread.
 *
 * Which kind a process gets is judged from its first context: Lambda builds every context
 * alike, and a wrong guess (tests mixing kinds) costs time, never correctness.
 */
export function contextCopier(): ContextCopier {
  let withAccessors: boolean | undefined
  const shapes: Shape[] = []

  const shapeOf = (keys: readonly string[], context: object): Shape | undefined => {
    for (const shape of shapes) if (sameKeys(shape.keys, keys)) return shape
    if (shapes.length >= MAX_SHAPES) return undefined
    const shape: Shape = { keys, template: hasAccessor(context) ? templateOf(keys) : undefined }
    shapes.push(shape)
    return shape
  }

  const copyJudged: ContextCopier = (context) => {
    withAccessors ??= hasAccessor(context)
    if (!withAccessors) return { ...context }
    const keys = Object.keys(context)
    const template = shapeOf(keys, context)?.template
    // The template holds string keys only; a spread also copies enumerable symbols.
    if (template === undefined || Object.getOwnPropertySymbols(context).length > 0) {
      return { ...context }
    }
    const copy: Record<PropertyKey, unknown> = { ...template }
    const source = context as Record<string, unknown>
    for (let index = 0; index < keys.length; index++) {
      const key = keys[index] as string
      copy[key] = source[key]
    }
    return copy
  }

  // The usual case alone, small enough for V8 to inline where it is called. With the rare path
  // in the same function, V8 waited for ~14 000 requests before optimising it: it asks more
  // work of a longer function first, and each call ran only these two lines of it.
  return function copyContext(context) {
    return withAccessors === false ? { ...context } : copyJudged(context)
  }
}

const sameKeys = (a: readonly string[], b: readonly string[]): boolean => {
  if (a.length !== b.length) return false
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false
  return true
}

const hasAccessor = (context: object): boolean =>
  Object.values(Object.getOwnPropertyDescriptors(context)).some(
    (descriptor) => descriptor.get !== undefined || descriptor.set !== undefined,
  )

// Built with `fromEntries` and cloned by a spread, both of which define `__proto__` as an
// own key: storing into it afterwards never reaches the prototype setter.
const templateOf = (keys: readonly string[]): Record<string, unknown> =>
  Object.fromEntries(keys.map((key) => [key, undefined]))
