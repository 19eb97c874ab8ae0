import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { type AnyHandler, installStreamingGlobals } from '@gateproof/testing'
import { UsageError } from './command.js'
import { enableTypeScript, isTypeScript } from './typescript.js'

/** A module file name, as `importModule` loads it. */
const MODULE_FILE = /\.(?:[cm]?js|[cm]?ts)$/

/** `./dist/handler.js#handler` → the file and the export (`handler` when omitted). */
export function parseTarget(target: string): { modulePath: string; exportName: string } {
  // An export name holds no path separator and is no module file name: after a '#' followed by
  // either, the '#' belongs to a directory or file name ("we#b/handler.mjs", "report#2.mjs"),
  // and the export is the default.
  const last = target.lastIndexOf('#')
  const tail = target.slice(last + 1)
  const hash = last >= 0 && (/[/\\]/.test(tail) || MODULE_FILE.test(tail)) ? -1 : last
  const modulePath = hash < 0 ? target : target.slice(0, hash)
  const exportName = hash < 0 ? 'handler' : target.slice(hash + 1)
  if (!modulePath || !exportName) {
    throw new UsageError(`"${target}" is not <module>#<export> (e.g. ./dist/handler.js#handler)`)
  }
  return { modulePath, exportName }
}

/** Imports an ESM or CommonJS module, `.mjs`/`.js`/`.cjs`/`.ts`, relative to `cwd`. */
export async function importModule(
  modulePath: string,
  cwd: string,
  query?: string,
): Promise<unknown> {
  const file = resolve(cwd, modulePath)
  if (!existsSync(file)) throw new UsageError(`cannot find the module ${modulePath} (${file})`)
  if (isTypeScript(file)) enableTypeScript()
  // As the Lambda runtime does: a streaming handler is wrapped when its module loads (ST25).
  if (!('awslambda' in globalThis)) installStreamingGlobals()
  const url = pathToFileURL(file)
  if (query) url.search = query
  return import(url.href)
}

/** The handler function `target` names. */
export async function loadHandler(target: string, cwd: string): Promise<AnyHandler> {
  const { modulePath, exportName } = parseTarget(target)
  const loaded = (await importModule(modulePath, cwd)) as Record<string, unknown>
  // A CommonJS module's exports are its default export; named ones only when Node detects them.
  const commonjs = loaded.default as Record<string, unknown> | undefined
  const handler =
    loaded[exportName] ?? (typeof commonjs === 'object' ? commonjs?.[exportName] : undefined)
  if (typeof handler !== 'function') {
    const functions = [
      ...new Set(
        [
          ...Object.entries(loaded),
          ...Object.entries(typeof commonjs === 'object' ? (commonjs ?? {}) : {}),
        ]
          .filter(([name, value]) => name !== 'default' && typeof value === 'function')
          .map(([name]) => name),
      ),
    ]
    const hint =
      functions.length > 0
        ? `; its function exports: ${functions.map((name) => `${modulePath}#${name}`).join(', ')}`
        : '; it exports no functions'
    throw new UsageError(`${modulePath} has no function export "${exportName}"${hint}`)
  }
  return handler as AnyHandler
}
