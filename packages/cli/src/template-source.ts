import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { buildModel, loadTemplates, type Template } from '@gateproof/observability'
import { UsageError } from './command.js'
import { importModule } from './load-handler.js'
import { readTemplateApp, type TemplateApp } from './template.js'

export interface LoadedTemplate {
  app: TemplateApp
  /** What was read: the template file, or the CDK app that was synthesized. */
  source: string
  /** Removes a synthesized cloud assembly; call when done with the app's code. */
  dispose(): void
}

const CDK_ENTRY = /\.(ts|mts|js|mjs|cjs)$/
let synthesisCount = 0

/**
 * Reads a template for its routes and functions: SAM or CloudFormation YAML (short-form tags) or
 * JSON, a CDK cloud assembly directory (`cdk.out`), or a CDK app — `cdk.json`, its directory, or the
 * app's entry file — which is synthesized first, TypeScript included.
 */
export async function loadTemplate(path: string, cwd: string): Promise<LoadedTemplate> {
  const file = resolve(cwd, path)
  if (!existsSync(file)) throw new UsageError(`cannot find the template ${path} (${file})`)
  if (statSync(file).isDirectory()) {
    if (existsSync(join(file, 'cdk.json')))
      return synthesize(cdkEntry(join(file, 'cdk.json')), path)
    if (existsSync(join(file, 'manifest.json'))) return read(file, path, () => undefined)
    for (const name of ['template.yaml', 'template.yml', 'template.json']) {
      if (existsSync(join(file, name))) return loadTemplate(join(file, name), cwd)
    }
    throw new UsageError(`${path} is a directory without cdk.json, manifest.json or template.yaml`)
  }
  if (basename(file) === 'cdk.json') return synthesize(cdkEntry(file), path)
  if (CDK_ENTRY.test(file)) return synthesize(file, path)
  return read(file, path, () => undefined)
}

/** Every template at `file` (a template, or each stack of a cloud assembly) read as one app. */
async function read(file: string, source: string, dispose: () => void): Promise<LoadedTemplate> {
  let templates: Template[]
  try {
    templates = await loadTemplates(file)
  } catch (error) {
    dispose()
    // A template that cannot be read is a bad argument, exit 2, as gateproof doctor has it.
    throw new UsageError(`cannot read ${source}: ${(error as Error).message}`)
  }
  // Relative code paths start beside a template file, or at the cloud assembly's root.
  const baseDir = statSync(file).isDirectory() ? file : dirname(file)
  const app: TemplateApp = { routes: [], functions: {} }
  for (const template of templates) {
    const stack = readTemplateApp(
      { Resources: template.resources, Globals: template.globals },
      baseDir,
    )
    // Each function's own timeout, read as doctor reads it (Globals, Lambda's 3 s default).
    for (const [id, fn] of buildModel(template).functions) {
      const found = stack.functions[id]
      if (found && fn.timeout !== undefined && fn.timeout > 0) found.timeoutMs = fn.timeout * 1000
      if (found && fn.reservedConcurrency !== undefined && fn.reservedConcurrency >= 0) {
        found.reservedConcurrency = fn.reservedConcurrency
      }
    }
    app.routes.push(...stack.routes)
    Object.assign(app.functions, stack.functions)
    app.integrationTimeoutsMs = { ...app.integrationTimeoutsMs, ...stack.integrationTimeoutsMs }
  }
  return { app, source, dispose }
}

/** The app's entry file from `cdk.json`'s `app` command (`npx tsx src/app.ts`, `node bin/app.js`). */
function cdkEntry(cdkJson: string): string {
  const { app } = JSON.parse(readFileSync(cdkJson, 'utf8')) as { app?: unknown }
  const entry =
    typeof app === 'string' ? app.split(/\s+/).find((token) => CDK_ENTRY.test(token)) : undefined
  if (!entry) {
    throw new UsageError(
      `cannot tell the app's entry file from ${cdkJson} ("app": ${JSON.stringify(app)}): run cdk synth and pass cdk.out`,
    )
  }
  return resolve(dirname(cdkJson), entry)
}

/** Whether `path` names a CDK app: `cdk.json`, a directory holding one, or an app's entry file. */
export function isCdkApp(path: string, cwd: string): boolean {
  const file = resolve(cwd, path)
  if (!existsSync(file)) return false
  if (statSync(file).isDirectory()) return existsSync(join(file, 'cdk.json'))
  return basename(file) === 'cdk.json' || CDK_ENTRY.test(file)
}

/**
 * Synthesizes the CDK app `path` names (as `isCdkApp` reads it) into a fresh cloud assembly;
 * `dispose()` removes it.
 */
export async function synthesizeCdkApp(
  path: string,
  cwd: string,
): Promise<{ outdir: string; dispose(): void }> {
  const file = resolve(cwd, path)
  const entry = statSync(file).isDirectory()
    ? cdkEntry(join(file, 'cdk.json'))
    : basename(file) === 'cdk.json'
      ? cdkEntry(file)
      : file
  return synthesizeTo(entry, path)
}

/** Runs a CDK app in this process with `CDK_OUTDIR` pointing at a fresh directory. */
async function synthesize(entry: string, source: string): Promise<LoadedTemplate> {
  const { outdir, dispose } = await synthesizeTo(entry, source)
  return read(outdir, source, dispose)
}

async function synthesizeTo(
  entry: string,
  source: string,
): Promise<{ outdir: string; dispose(): void }> {
  const outdir = mkdtempSync(join(tmpdir(), 'gateproof-cdk-'))
  const dispose = () => rmSync(outdir, { recursive: true, force: true })
  const previous = process.env.CDK_OUTDIR
  process.env.CDK_OUTDIR = outdir
  try {
    // A fresh module instance per synthesis: the app's `app.synth()` runs on import.
    synthesisCount += 1
    await importModule(`${entry}`, dirname(entry), `synth=${synthesisCount}`)
  } catch (error) {
    dispose()
    throw new Error(`synthesizing the CDK app ${source} failed: ${(error as Error).message}`)
  } finally {
    if (previous === undefined) delete process.env.CDK_OUTDIR
    else process.env.CDK_OUTDIR = previous
  }
  return { outdir, dispose }
}
