#!/usr/bin/env node
// Committed in source so a fresh `pnpm install` links the bin before anything is built.
const main = new URL('../dist/main.js', import.meta.url)
import(main.href).then(
  ({ runCli }) => runCli(),
  (error) => {
    if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes(main.pathname)) {
      process.stderr.write('gateproof: @gateproof/cli is not built yet: run `pnpm build` first\n')
      process.exit(1)
    }
    throw error
  },
)
