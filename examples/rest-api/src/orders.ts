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
