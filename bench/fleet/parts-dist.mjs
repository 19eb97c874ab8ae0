export { gateproof } from '../../packages/gateproof/dist/index.js'
export { redisLimiter } from '../../packages/redis-limiter/dist/index.js'
export { simulateGateway } from '../../packages/testing/dist/index.js'
