import {
  albEvent,
  functionUrlEvent,
  httpApiEvent,
  httpApiV1Event,
  restEvent,
} from '@gateproof/testing'

export const post = restEvent({
  httpMethod: 'POST',
  body: '{"quantity":2}',
  requestContext: { stage: 'dev' },
})
export const late = httpApiEvent({}, { arrivedAt: Date.now() - 25_000 }) // arrived 25 s ago
export const multiValue = albEvent({}, { multiValueHeaders: true })
export const v1 = httpApiV1Event()
export const url = functionUrlEvent({ rawPath: '/orders/42' })
