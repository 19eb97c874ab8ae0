import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import errorMapper from '@gateproof/error-mapper'
import middy from '@middy/core'
import httpCors from '@middy/http-cors'
import httpSecurityHeaders from '@middy/http-security-headers'

const metrics = new Metrics({ namespace: 'shop', serviceName: 'orders' })
const logger = new Logger({ serviceName: 'orders' })

// Your handler; a stand-in here. A ConditionalCheckFailedException it throws becomes a 409.
const placeOrder = async () => ({ statusCode: 201, body: JSON.stringify({ id: 'o-1' }) })

export const handler = middy(placeOrder)
  .use(httpCors({ origin: 'https://shop.example.com' }))
  .use(httpSecurityHeaders())
  .use(
    errorMapper({
      metrics,
      logger,
      rules: [
        {
          name: 'optimistic-lock',
          match: { instanceOf: ConditionalCheckFailedException },
          map: { status: 409, detail: 'The order changed meanwhile; reload it and retry.' },
        },
      ],
    }),
  )
