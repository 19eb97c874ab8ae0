import { detectIntegration, type EventOf } from '@gateproof/core'

export const handler = async (event: unknown) => {
  const integration = detectIntegration(event) // 'rest' | 'http-v1' | 'http-v2' | 'alb' | 'function-url' | undefined
  if (integration === 'rest') {
    const rest = event as EventOf<'rest'> // APIGatewayProxyEvent
    return { statusCode: 200, body: `REST ${rest.httpMethod} ${rest.path}` }
  }
  return { statusCode: 200, body: `front door: ${integration ?? 'none'}` }
}
