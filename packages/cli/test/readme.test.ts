// What the CLI README says serve prints, against what serve can print: every outcome of an
// exchange (`@gateproof/testing`'s Exchange['outcome']) is named.
import { readFileSync } from 'node:fs'
import type { Exchange } from '@gateproof/testing'
import { describe, expect, it } from 'vitest'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ')

// Every value of Exchange['outcome']; the record fails to compile when one is added or removed.
const OUTCOMES: Record<Exchange['outcome'], true> = {
  returned: true,
  threw: true,
  'integration-timeout': true,
  'function-timeout': true,
  throttled: true,
  unrouted: true,
  unauthorized: true,
}

describe('the CLI README says what serve prints (issue 13)', () => {
  it('names every outcome a request line can show, unauthorized (the authorizer said no) included', () => {
    const sentence = /the outcome is ([^;)]*)/.exec(readme)?.[1] ?? ''
    for (const outcome of Object.keys(OUTCOMES)) expect(sentence).toContain(`\`${outcome}\``)
  })
})
