#!/usr/bin/env node
// Release checks for every package under packages/: publint, @arethetypeswrong/cli, and a
// pack-and-install test that imports each packed tarball from a fresh npm project with ESM
// `import` and with `require()`. Exits non-zero on any failure.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { publint } from 'publint'
import { formatMessage } from 'publint/utils'

const root = resolve(import.meta.dirname, '..')
const work = mkdtempSync(join(tmpdir(), 'gateproof-pack-'))
const tarballs = join(work, 'tarballs')
mkdirSync(tarballs)
const failures = []
const run = (cmd, args, options = {}) =>
  execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options })

const packages = readdirSync(join(root, 'packages'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => {
    const dir = join(root, 'packages', entry.name)
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    return { dir, manifest, name: manifest.name }
  })
  .filter(({ manifest }) => !manifest.private)
  // GATEPROOF_PACKAGES=core,testing checks a subset while developing.
  .filter(
    ({ dir }) =>
      !process.env.GATEPROOF_PACKAGES ||
      process.env.GATEPROOF_PACKAGES.split(',').some((n) => dir.endsWith(`/packages/${n}`)),
  )

for (const pkg of packages) {
  const out = run('pnpm', ['pack', '--pack-destination', tarballs], { cwd: pkg.dir })
  pkg.tarball = out
    .trim()
    .split('\n')
    .filter((line) => line.endsWith('.tgz'))
    .at(-1)
  if (!pkg.tarball) throw new Error(`pnpm pack printed no tarball for ${pkg.name}:\n${out}`)
  if (!pkg.tarball.startsWith('/')) pkg.tarball = join(tarballs, pkg.tarball)

  const { messages } = await publint({
    pkgDir: pkg.dir,
    level: 'warning',
    strict: true,
    pack: 'pnpm',
  })
  for (const message of messages) {
    failures.push(`publint ${pkg.name}: ${formatMessage(message, pkg.manifest) ?? message.code}`)
  }
  try {
    run(join(root, 'node_modules/.bin/attw'), [
      pkg.tarball,
      '--profile',
      'esm-only',
      '--format',
      'table-flipped',
    ])
    console.log(`ok   attw     ${pkg.name}`)
  } catch (error) {
    failures.push(`attw ${pkg.name}:\n${error.stdout ?? ''}${error.stderr ?? error.message}`)
  }
  if (messages.length === 0) console.log(`ok   publint  ${pkg.name}`)
}

// A fresh project that installs only the tarballs: a file missing from `files` or a
// dependency missing from package.json fails here, not on a user's machine.
const project = join(work, 'project')
mkdirSync(project)
const fileSpecs = Object.fromEntries(packages.map((pkg) => [pkg.name, `file:${pkg.tarball}`]))
writeFileSync(
  join(project, 'package.json'),
  JSON.stringify(
    { name: 'pack-check', private: true, dependencies: fileSpecs, overrides: fileSpecs },
    null,
    2,
  ),
)
try {
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--omit=dev'], {
    cwd: project,
  })
} catch (error) {
  failures.push(`npm install of the packed tarballs failed:\n${error.stdout}${error.stderr}`)
}
if (failures.length === 0) {
  for (const pkg of packages) {
    const esm = `const m = await import(${JSON.stringify(pkg.name)}); if (Object.keys(m).length === 0) throw new Error('no exports')`
    const cjs = `const m = require(${JSON.stringify(pkg.name)}); if (Object.keys(m).length === 0) throw new Error('no exports')`
    for (const [kind, args] of [
      ['import', ['--input-type=module', '-e', esm]],
      ['require', ['--input-type=commonjs', '-e', cjs]],
    ]) {
      try {
        run(process.execPath, args, { cwd: project })
        console.log(`ok   ${kind.padEnd(8)} ${pkg.name}`)
      } catch (error) {
        failures.push(`${kind} ${pkg.name} from its tarball:\n${error.stderr}`)
      }
    }
    for (const bin of Object.keys(pkg.manifest.bin ?? {})) {
      try {
        run(join(project, 'node_modules', '.bin', bin), ['--help'], { cwd: project })
        console.log(`ok   bin      ${bin} (${pkg.name})`)
      } catch (error) {
        failures.push(
          `bin ${bin} of ${pkg.name} from its tarball:\n${error.stderr ?? error.message}`,
        )
      }
    }
    for (const subpath of Object.keys(pkg.manifest.exports ?? {})) {
      if (subpath === '.' || subpath === './package.json') continue
      const specifier = `${pkg.name}/${subpath.slice(2)}`
      try {
        run(
          process.execPath,
          ['--input-type=module', '-e', `await import(${JSON.stringify(specifier)})`],
          { cwd: project },
        )
        console.log(`ok   import   ${specifier}`)
      } catch (error) {
        // A subpath may need an optional peer the fresh project lacks; report only other failures.
        if (!/Cannot find (package|module) '(aws-cdk-lib|constructs)/.test(error.stderr)) {
          failures.push(`import ${specifier} from its tarball:\n${error.stderr}`)
        } else console.log(`skip import   ${specifier} (needs its optional peer)`)
      }
    }
  }
}

// The README's headline one-liner, typechecked with strict tsc against the packed `gateproof` and
// its dependencies as a user installs them (issue 13: `event` must be typed, not `unknown`).
if (failures.length === 0) {
  const snippet = readFileSync(join(root, 'docs/snippets/gateproof/one-liner.ts'), 'utf8')
  writeFileSync(join(project, 'handler.mts'), snippet)
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'ES2023',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        skipLibCheck: true,
        types: [],
      },
      files: ['handler.mts'],
    }),
  )
  try {
    run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', project], {
      cwd: project,
    })
    console.log('ok   tsc      the README one-liner, --strict, against the packed gateproof')
  } catch (error) {
    failures.push(
      `strict tsc of the README one-liner against the tarballs:\n${error.stdout}${error.stderr}`,
    )
  }
}

rmSync(work, { recursive: true, force: true })
if (failures.length > 0) {
  console.error(`\n${failures.length} package check(s) failed:\n\n${failures.join('\n\n')}`)
  process.exit(1)
}
console.log(
  `\npackage checks: ${packages.length} packages passed publint, attw and pack-and-install`,
)
