import { functionUrlEvent, installStreamingGlobals, invokeStreaming } from '@gateproof/testing'
import { gateproof } from 'gateproof'

// The Lambda runtime installs `awslambda` before your module loads; in a test, install a local one first.
const uninstall = installStreamingGlobals()

const handler = gateproof(
  async () => ({ statusCode: 200, headers: { 'content-type': 'text/plain' }, body: 'hello' }),
  { streaming: true },
)

// `prelude` (status, headers, cookies), `body`, every write with its time, and `ended`.
export const streamed = await invokeStreaming(handler, functionUrlEvent())
uninstall()
