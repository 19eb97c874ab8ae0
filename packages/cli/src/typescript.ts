import { existsSync } from 'node:fs'
import { register } from 'node:module'
import { fileURLToPath } from 'node:url'

let registered = false

/**
 * Lets `import()` load TypeScript (handler modules, CDK apps) through `ts-hooks`. Once per process.
 * Run from its sources (the test runner), the CLI has no compiled hooks file: the runner
 * compiles TypeScript itself.
 */
export function enableTypeScript(): void {
  if (registered) return
  registered = true
  const hooks = new URL('./ts-hooks.js', import.meta.url)
  if (existsSync(fileURLToPath(hooks))) register(hooks)
}

export const isTypeScript = (path: string): boolean => /\.[cm]?tsx?$/.test(path)
