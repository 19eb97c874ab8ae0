// A newcomer's typo in a `gateproof()` option must be named by the compiler. With several
// signatures TypeScript explains only the last one's failure; the preset's signatures are
// ordered so that it is the option that gets explained, not the explicit-types signature's
// complaint that the handler's result is not `never`.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { beforeAll, describe, expect, it } from 'vitest'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const virtual = join(root, 'test', '__option-errors__.ts')

const CALLS = {
  unknownOption: `gateproof(async () => ({ statusCode: 200, body: 'x' }), { timeot: { floorMs: 3 } })`,
  unknownOptionWithFrontDoor: `gateproof(async () => ({ statusCode: 200, body: 'x' }), { integration: 'rest', shedder: {} })`,
  misspelledPartOption: `gateproof(async () => ({ statusCode: 200, body: 'x' }), { loadShedder: { inFlihgt: 3 } })`,
  wrongOptionType: `gateproof(async () => ({ statusCode: 200, body: 'x' }), { integration: 'alb', logger: 'yes' })`,
  unknownStreamingOption: `gateproof(async () => ({ statusCode: 200, body: 'x' }), { streaming: true, timeot: 1 })`,
  bodyObject: `gateproof(async () => ({ statusCode: 200, body: { id: 1 } }))`,
  valid: `gateproof(async () => ({ statusCode: 200, body: 'x' }), { integration: 'rest', loadShedder: { inFlight: 3 } })`,
  validExplicitTypes: `gateproof<{ id: string }, { ok: true }>(async () => ({ ok: true }), { proxyShape: false })`,
} as const

let messages: Record<keyof typeof CALLS, string>

beforeAll(() => {
  const names = Object.keys(CALLS) as (keyof typeof CALLS)[]
  const source = [
    `import { gateproof } from 'gateproof'`,
    ...names.map((name) => `export const ${name} = ${CALLS[name]}`),
  ].join('\n')
  const configPath = join(root, 'tsconfig.json')
  const config = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'))
      },
    },
  )
  if (config === undefined) throw new Error('tsconfig.json could not be read')
  const host = ts.createCompilerHost(config.options)
  const { getSourceFile, fileExists, readFile } = host
  host.fileExists = (file) => file === virtual || fileExists.call(host, file)
  host.readFile = (file) => (file === virtual ? source : readFile.call(host, file))
  host.getSourceFile = (file, language, ...rest) =>
    file === virtual
      ? ts.createSourceFile(file, source, language)
      : getSourceFile.call(host, file, language, ...rest)
  const program = ts.createProgram([virtual], config.options, host)
  const file = program.getSourceFile(virtual)
  const diagnostics = program.getSemanticDiagnostics(file)
  messages = Object.fromEntries(names.map((name) => [name, ''])) as typeof messages
  for (const d of diagnostics) {
    const line = file?.getLineAndCharacterOfPosition(d.start ?? 0).line ?? 0
    const name = names[line - 1]
    if (name !== undefined) messages[name] += ts.flattenDiagnosticMessageText(d.messageText, '\n')
  }
}, 120_000)

describe('gateproof() option errors name the option (newcomer, issue 13)', () => {
  it('an unknown option is named', () => {
    expect(messages.unknownOption).toContain(`'timeot' does not exist`)
    expect(messages.unknownOption).not.toContain(`not assignable to type 'never'`)
  })

  it('an unknown option beside a named front door is named', () => {
    expect(messages.unknownOptionWithFrontDoor).toContain(`'shedder' does not exist`)
  })

  it('a misspelled option of a part is named', () => {
    expect(messages.misspelledPartOption).toContain(`'inFlihgt' does not exist`)
    expect(messages.misspelledPartOption).toContain(`Did you mean to write 'inFlight'?`)
  })

  it('an option of the wrong type says which type it needs', () => {
    expect(messages.wrongOptionType).toMatch(/not assignable to type 'false \| Logger/)
  })

  it('an unknown option of a streaming handler is named', () => {
    expect(messages.unknownStreamingOption).toContain(`'timeot' does not exist`)
  })

  it('R17: a body object is still refused, naming the body', () => {
    expect(messages.bodyObject).toContain(`Types of property 'body' are incompatible`)
  })

  it('valid calls, with a front door or explicit types, still compile', () => {
    expect(messages.valid).toBe('')
    expect(messages.validExplicitTypes).toBe('')
  })
})
