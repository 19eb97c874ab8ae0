import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb'

export interface Order {
  id: string
  status: string
}

/** Where orders live; DynamoDB in production, anything in tests. */
export interface OrderStore {
  get(id: string, signal: AbortSignal): Promise<Order | undefined>
}

export function dynamoOrderStore(tableName: string, client = new DynamoDBClient({})): OrderStore {
  return {
    async get(id, signal) {
      const { Item } = await client.send(
        new GetItemCommand({ TableName: tableName, Key: { id: { S: id } } }),
        // The timeout guard aborts this at the deadline: no work the client will never see.
        { abortSignal: signal },
      )
      return Item ? { id, status: Item.status?.S ?? 'unknown' } : undefined
    },
  }
}

/** Orders kept in memory: what `gateproof serve` answers from when no table is configured. */
export function memoryOrderStore(orders: Order[]): OrderStore {
  const byId = new Map(orders.map((order) => [order.id, order]))
  return {
    async get(id, signal) {
      signal.throwIfAborted()
      return byId.get(id)
    },
  }
}

/**
 * DynamoDB where the template's `TABLE_NAME` is set (deployed); a sample order `42` in memory
 * where it is not (served locally), so that a first `curl` answers 200 without an AWS account.
 */
export function orderStoreFromEnv(env: NodeJS.ProcessEnv = process.env): OrderStore {
  return env.TABLE_NAME
    ? dynamoOrderStore(env.TABLE_NAME)
    : memoryOrderStore([{ id: '42', status: 'shipped' }])
}
