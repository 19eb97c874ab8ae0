/**
 * Node's own `require`, resolving from this package: how unbundled ESM loads a CommonJS
 * dependency synchronously, and only when first needed (see `http-error.ts`). Callers write
 * `typeof require === 'function' ? require('name') : nodeRequire('name')` so that a bundler
 * sees the plain `require('name')`, inlines the package and defines `require`. `node:module`
 * is fetched here rather than imported: a static import of it costs an ESM bundle that has
 * none ~2 M instructions at import.
 */
export const nodeRequire = (name: string): unknown =>
  process.getBuiltinModule('node:module').createRequire(import.meta.url)(name)
