import { once } from 'node:events'
import { createServer, type Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb'
import { albEvent, lambdaContext } from '@gateproof/testing'
import middy from '@middy/core'
import type { Context } from 'aws-lambda'
import { describe, expect, it } from 'vitest'
import { getDeadline, timeoutGuard } from '../src/index.js'

describe('the deadline signal and the AWS SDK v3', () => {
  it('stops an AWS SDK v3 call given the signal at the deadline (client.send(command, { abortSignal }))', async () => {
    // A DynamoDB endpoint that accepts connections and never answers.
    const sockets = new Set<Socket>()
    const server = createServer((socket) => {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const { port } = server.address() as { port: number }
    const dynamodb = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    })

    const guard = timeoutGuard({ marginMs: 20 })
    let sdkError: unknown
    const handler = middy(async (_event: unknown, context: Context) => {
      const abortSignal = getDeadline(context)?.signal
      const command = new GetItemCommand({ TableName: 'orders', Key: { id: { S: '42' } } })
      try {
        await dynamodb.send(command, { abortSignal })
      } catch (error) {
        sdkError = error
        throw error
      }
      return { statusCode: 200, body: 'unreachable' }
    }, guard.plugin).use(guard)

    try {
      const response = await handler(albEvent(), lambdaContext({ remainingMs: 300 }))
      expect(response).toMatchObject({ statusCode: 504 })
      await sleep(20)
      expect(sdkError).toMatchObject({ name: 'AbortError' })
    } finally {
      dynamodb.destroy()
      for (const socket of sockets) socket.destroy()
      server.close()
      await once(server, 'close')
    }
  })
})
