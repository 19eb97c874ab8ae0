import { gateproofPlugin } from '@gateproof/core'
import { errorMapper } from '@gateproof/error-mapper'
import { loadShedder } from '@gateproof/load-shedder'
import { proxyShape } from '@gateproof/proxy-shape'
import { timeoutGuard } from '@gateproof/timeout-guard'
import middy from '@middy/core'
import cors from '@middy/http-cors'
import httpErrorHandler from '@middy/http-error-handler'

const app = async () => ({ statusCode: 200, body: 'ok' })

const guard = timeoutGuard()
const shedder = loadShedder()
const shape = proxyShape()
export const handler = middy(app, gateproofPlugin(shape, guard, shedder))
  .use(shape) // last word on the response
  .use(cors())
  .use(errorMapper()) // error → status, headers
  .use(httpErrorHandler())
  .use(guard)
  .use(shedder)
