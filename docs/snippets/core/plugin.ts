import { gateproofPlugin } from '@gateproof/core'
import { loadShedder } from '@gateproof/load-shedder'
import { timeoutGuard } from '@gateproof/timeout-guard'
import middy from '@middy/core'

const app = async () => ({ statusCode: 200, body: 'ok' })

const guard = timeoutGuard()
const shedder = loadShedder()
export const handler = middy(app, gateproofPlugin(guard, shedder)).use(guard).use(shedder)
