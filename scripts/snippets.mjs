// README code blocks are real files (issue 13). The rule, for every README.md at the root, in packages/*,
// examples/* and every Markdown page under docs/:
//
// - A TypeScript/JavaScript block (```ts, ```js, …) is preceded by `<!-- snippet: docs/snippets/<pkg>/<name>.ts -->`
//   and equals that file, byte for byte. The file is typechecked (root tsconfig.json) and run by
//   test/readme-samples.test.ts.
// - Every other block says what it is in its info string: ```sh (commands), ```text (diagrams, output),
//   ```json, ```yaml, ```http, ```console… Such a block is not code to run and is not checked, unless it also
//   carries a snippet marker (then it must equal its file too). A block without an info string is an error.
// - A README's install lines (```sh blocks with `npm install`) name every package its snippets import
//   (`aws-lambda` types come from `@types/aws-lambda`; `node:` built-ins and relative imports need nothing).
//
//   node scripts/snippets.mjs           rewrite every marked block from its file (`pnpm snippets`)
//   node scripts/snippets.mjs --check   report what is wrong, exit 1 if anything is
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))
export const SNIPPETS_DIR = 'docs/snippets'

const CODE_LANGUAGES = new Set([
  'ts',
  'typescript',
  'tsx',
  'mts',
  'cts',
  'js',
  'javascript',
  'jsx',
  'mjs',
  'cjs',
])
const MARKER = /^<!--\s*snippet:\s*(\S+)\s*-->\s*$/
const FENCE = /^(`{3,}|~{3,})(.*)$/

const HOW_TO = `How to fix a code block (issue 13: every README sample is a real file that is typechecked and run):
  1. Put the code in docs/snippets/<package>/<name>.ts as a complete program: its imports, and a definition
     for every name it uses (no undefined getOrder/metrics/logger; define them in the file).
  2. Put <!-- snippet: docs/snippets/<package>/<name>.ts --> on the line before the \`\`\`ts block.
  3. Run \`pnpm snippets\` — it copies every snippet file into its README block (the file is the source of truth).
  4. \`pnpm typecheck\` typechecks the file; \`pnpm vitest run test/readme-samples.test.ts\` runs it (an exported
     \`handler\` is invoked with an event of its front door; add an expectation there if it should not answer 2xx).
  5. List every package the snippet imports in the README's install line (\`npm install …\`).
  A block that is not code to run (a diagram, a shell command, output) says so with its info string:
  \`\`\`text, \`\`\`sh, \`\`\`json, \`\`\`yaml, \`\`\`http, \`\`\`console. See scripts/snippets.mjs for the full rule.`

/** Every Markdown file the rule covers, relative to the root. */
export function documents(root = ROOT) {
  const files = []
  if (existsSync(join(root, 'README.md'))) files.push('README.md')
  for (const group of ['packages', 'examples']) {
    const dir = join(root, group)
    if (!existsSync(dir)) continue
    for (const name of readdirSync(dir).sort()) {
      const readme = join(group, name, 'README.md')
      if (existsSync(join(root, readme))) files.push(readme)
    }
  }
  const walk = (dir) => {
    for (const name of readdirSync(join(root, dir)).sort()) {
      const path = join(dir, name)
      if (name === 'node_modules') continue
      if (statSync(join(root, path)).isDirectory()) walk(path)
      else if (name.endsWith('.md')) files.push(path)
    }
  }
  if (existsSync(join(root, 'docs'))) walk('docs')
  return files
}

/** The fenced blocks of a Markdown text, with the snippet marker that precedes each (if any). */
export function blocks(text) {
  const lines = text.split('\n')
  const found = []
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i])
    if (!open) continue
    const fence = open[1]
    const info = open[2].trim()
    let end = i + 1
    while (end < lines.length && !(lines[end].startsWith(fence) && lines[end].trim() === fence))
      end++
    let before = i - 1
    while (before >= 0 && lines[before].trim() === '') before--
    const marker = before >= 0 ? MARKER.exec(lines[before].trim()) : null
    found.push({
      line: i + 1,
      start: i,
      end,
      language: info.split(/\s+/)[0] ?? '',
      content: lines.slice(i + 1, end).join('\n'),
      snippet: marker ? marker[1] : undefined,
    })
    i = end
  }
  return found
}

/** Bare package names a module imports (`@scope/name`, `name`), without `node:` and relative imports. */
export function importedPackages(source, file = '') {
  const names = new Set()
  // TypeScript knows Node's modules and globals only from @types/node: a project copying a
  // .ts sample that uses them fails to typecheck without it (TS2580, TS2307).
  if (file.endsWith('.ts') && /['"]node:|\bprocess\.|\bBuffer\./.test(source)) {
    names.add('@types/node')
  }
  const pattern =
    /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g
  for (const match of source.matchAll(pattern)) {
    const specifier = match[1] ?? match[2] ?? match[3]
    if (!specifier || specifier.startsWith('.') || specifier.startsWith('node:')) continue
    const parts = specifier.split('/')
    const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
    names.add(name === 'aws-lambda' ? '@types/aws-lambda' : name)
  }
  return [...names]
}

/** Packages named by the install lines (`npm install …`, `pnpm add …`) of a Markdown text. */
export function installedPackages(text) {
  const names = new Set()
  for (const block of blocks(text)) {
    if (!['sh', 'bash', 'shell', 'console'].includes(block.language)) continue
    for (const line of block.content.split('\n')) {
      const command = /(?:npm\s+(?:install|i|add)|pnpm\s+add|yarn\s+add)\s+(.+)$/.exec(line)
      if (!command) continue
      for (const token of command[1].split(/\s+/)) {
        if (token === '' || token.startsWith('-') || token.startsWith('#')) continue
        const at = token.lastIndexOf('@')
        names.add(at > 0 ? token.slice(0, at) : token)
      }
    }
  }
  return names
}

/** Everything wrong with the documents, as messages naming the file, the line and what to do. */
export function check(root = ROOT) {
  const problems = []
  for (const doc of documents(root)) {
    const text = readFileSync(join(root, doc), 'utf8')
    const imported = new Map()
    for (const block of blocks(text)) {
      const where = `${doc}:${block.line}`
      if (block.snippet !== undefined) {
        const file = join(root, block.snippet)
        if (!existsSync(file)) {
          problems.push(`${where}: the marker names ${block.snippet}, which does not exist.`)
          continue
        }
        const source = readFileSync(file, 'utf8')
        if (source.replace(/\n$/, '') !== block.content) {
          problems.push(
            `${where}: the block differs from ${block.snippet}. Edit the file, then run \`pnpm snippets\`.`,
          )
        }
        for (const name of importedPackages(source, block.snippet)) {
          if (!imported.has(name)) imported.set(name, block.snippet)
        }
      } else if (block.language === '') {
        problems.push(
          `${where}: a code block without an info string. Tag it (\`\`\`text, \`\`\`sh, \`\`\`json…) or make it a snippet.`,
        )
      } else if (CODE_LANGUAGES.has(block.language)) {
        problems.push(
          `${where}: a \`\`\`${block.language} block without <!-- snippet: … --> before it; it is not a checked file.`,
        )
      }
    }
    if (doc.endsWith('README.md') && imported.size > 0) {
      const installed = installedPackages(text)
      for (const [name, snippet] of imported) {
        if (installed.has(name)) continue
        problems.push(
          `${doc}: ${snippet} imports ${name}, which no install line (\`npm install …\` in a \`\`\`sh block) names.`,
        )
      }
    }
  }
  return problems
}

/** Copies every snippet file into the block that names it. Returns the documents it changed. */
export function rewrite(root = ROOT) {
  const changed = []
  for (const doc of documents(root)) {
    const path = join(root, doc)
    const text = readFileSync(path, 'utf8')
    const lines = text.split('\n')
    // Bottom-up, so earlier line numbers stay valid.
    for (const block of blocks(text).reverse()) {
      if (block.snippet === undefined) continue
      const file = join(root, block.snippet)
      if (!existsSync(file)) continue
      const source = readFileSync(file, 'utf8').replace(/\n$/, '')
      lines.splice(block.start + 1, block.end - block.start - 1, ...source.split('\n'))
    }
    const next = lines.join('\n')
    if (next !== text) {
      writeFileSync(path, next)
      changed.push(doc)
    }
  }
  return changed
}

export function report(problems) {
  return `${problems.length} README code block problem(s):\n\n${problems.map((p) => `- ${p}`).join('\n')}\n\n${HOW_TO}`
}

/** Every snippet file, relative to the root. */
export function snippetFiles(root = ROOT) {
  const files = []
  const walk = (dir) => {
    if (!existsSync(join(root, dir))) return
    for (const name of readdirSync(join(root, dir)).sort()) {
      const path = join(dir, name)
      if (statSync(join(root, path)).isDirectory()) walk(path)
      else if (/\.(ts|mts)$/.test(name) && !name.endsWith('.d.ts')) files.push(path)
    }
  }
  walk(SNIPPETS_DIR)
  return files
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--check')) {
    const problems = check()
    if (problems.length > 0) {
      console.error(report(problems))
      process.exit(1)
    }
    console.log(`snippets: ${documents().length} documents, every code block checked`)
  } else {
    const changed = rewrite()
    console.log(
      changed.length
        ? `snippets: rewrote ${changed.map((d) => relative('.', d)).join(', ')}`
        : 'snippets: up to date',
    )
    const problems = check()
    if (problems.length > 0) {
      console.error(report(problems))
      process.exit(1)
    }
  }
}
