// Node module hooks (registered by `typescript.ts`, run on the loader thread) so handler modules and
// CDK apps written in TypeScript load as they are: esbuild strips the types, and the `.js` specifiers
// TypeScript sources use (`./orders.js`) resolve to the `.ts` file beside them.
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { transform } from 'esbuild'

const TS_FILE = /\.[cm]?ts$/
const JS_SPECIFIER = /\.([cm]?)js$/

interface ResolveContext {
  parentURL?: string
}
type NextResolve = (specifier: string, context: ResolveContext) => Promise<unknown>

export async function resolve(
  specifier: string,
  context: ResolveContext,
  nextResolve: NextResolve,
): Promise<unknown> {
  try {
    return await nextResolve(specifier, context)
  } catch (error) {
    const parent = context.parentURL
    const fromTs = parent?.startsWith('file:') === true && TS_FILE.test(new URL(parent).pathname)
    const relative = specifier.startsWith('.') || specifier.startsWith('/')
    if (!fromTs || !relative || !JS_SPECIFIER.test(specifier)) throw error
    return nextResolve(specifier.replace(JS_SPECIFIER, '.$1ts'), context)
  }
}

type NextLoad = (url: string, context: unknown) => Promise<unknown>

export async function load(url: string, context: unknown, nextLoad: NextLoad): Promise<unknown> {
  if (!url.startsWith('file:') || !TS_FILE.test(new URL(url).pathname))
    return nextLoad(url, context)
  const path = fileURLToPath(url)
  const commonjs = path.endsWith('.cts')
  const { code } = await transform(await readFile(path, 'utf8'), {
    loader: 'ts',
    format: commonjs ? 'cjs' : 'esm',
    target: 'node22',
    sourcefile: path,
    sourcemap: 'inline',
  })
  return { format: commonjs ? 'commonjs' : 'module', source: code, shortCircuit: true }
}
