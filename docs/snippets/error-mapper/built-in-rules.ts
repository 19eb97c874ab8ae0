import { BUILT_IN_RULES, errorMapper } from '@gateproof/error-mapper'
import middy from '@middy/core'

export const handler = middy(async () => {
  throw new Error('disk full')
}).use(
  errorMapper({
    builtInRules: [
      ...BUILT_IN_RULES,
      { name: 'catch-all', match: () => true, map: { status: 500, title: 'Something went wrong' } },
    ],
  }),
)
// → 500 "Something went wrong"; the thrown message never reaches the client
