import middy from '@middy/core'

export const handler = middy(async () => ({
  statusCode: 200,
  headers: { 'Content-Length': 12 },
  body: { id: 'o-1' },
}))
// REST client: 502 {"message": "Internal server error"}   (R17: "Malformed Lambda proxy response")
// ALB client:  502                                         (A4, A8)
// HTTP API:    an object body is unconfirmed territory (H2-9); emulators answer 500 or 502
