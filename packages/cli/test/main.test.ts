import { describe, expect, it } from 'vitest'
import { commands } from '../src/commands.js'
import { main } from '../src/main.js'
import { memoryIo } from './helpers.js'

describe('gateproof: the command registry (issue 13, "--help for every command")', () => {
  it('gateproof --help lists every registered command with its summary', async () => {
    const io = memoryIo()
    expect(await main(['--help'], io)).toBe(0)
    for (const command of commands) {
      expect(io.out()).toContain(command.name)
      expect(io.out()).toContain(command.summary)
    }
  })

  it.each(commands.map((c) => c.name))(
    'gateproof %s --help prints its usage and exits 0',
    async (name) => {
      const io = memoryIo()
      expect(await main([name, '--help'], io)).toBe(0)
      expect(io.out()).toMatch(new RegExp(`^Usage: gateproof ${name} `))
      expect(io.out()).toContain('--help')
      expect(io.err()).toBe('')
    },
  )

  it('an unknown command is a usage error: exit 2 and the list of commands', async () => {
    const io = memoryIo()
    expect(await main(['srve'], io)).toBe(2)
    expect(io.err()).toContain('unknown command "srve"')
    expect(io.err()).toContain('serve')
  })

  it('no command is a usage error: exit 2 with the usage', async () => {
    const io = memoryIo()
    expect(await main([], io)).toBe(2)
    expect(io.err()).toContain('Usage: gateproof <command>')
  })

  it('an unknown flag of a command is a usage error: exit 2, the flag named, a pointer to --help', async () => {
    const io = memoryIo()
    expect(await main(['serve', 'x.mjs#handler', '--prot', '3000'], io)).toBe(2)
    expect(io.err()).toContain("'--prot'")
    expect(io.err()).toContain("Run 'gateproof serve --help'")
  })

  it('a command registered by another package runs with argv and io, its exit code returned', async () => {
    const io = memoryIo()
    const lint = {
      name: 'lint',
      summary: 'check a template',
      run: async (argv: string[], commandIo: typeof io) => {
        commandIo.stdout.write(`lint ${argv.join(' ')}`)
        return 1
      },
    }
    expect(await main(['lint', 'template.yaml'], io, [...commands, lint])).toBe(1)
    expect(io.out()).toBe('lint template.yaml')
  })
})
