import { spawnSync } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { limiterKeys, redisLimiter } from '@gateproof/redis-limiter'
import { Cluster } from 'ioredis'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeWithRedis, type RedisServer, startRedis } from './helpers/redis-server.js'

const MASTERS = 3

/** Two normal requests of one key, one after the other. */
async function twice(limiter: ReturnType<typeof redisLimiter>, key: string) {
  const request = () => limiter.acquire({ key, priority: 'normal', deadlineAt: Date.now() + 5000 })
  const first = await request()
  return [first, await request()] as const
}

describeWithRedis(
  'a real 3-master Redis Cluster (issue 14, the shape of ElastiCache cluster mode)',
  () => {
    const nodes: RedisServer[] = []
    let cluster: Cluster

    beforeAll(async () => {
      for (let i = 0; i < MASTERS; i += 1) nodes.push(await startRedis({ cluster: 'empty' }))
      // The real tool, as an operator would: slots spread over the three masters.
      const created = spawnSync(
        'redis-cli',
        [
          '--cluster',
          'create',
          ...nodes.map((node) => `127.0.0.1:${node.port}`),
          '--cluster-replicas',
          '0',
          '--cluster-yes',
        ],
        { encoding: 'utf8', timeout: 60_000 },
      )
      if (created.status !== 0)
        throw new Error(`redis-cli --cluster create failed: ${created.stdout}`)
      for (const node of nodes) {
        for (let tries = 0; ; tries += 1) {
          const info = String(await node.admin.call('CLUSTER', 'INFO'))
          if (info.includes('cluster_state:ok')) break
          if (tries > 400) throw new Error('the cluster did not become ready')
          await sleep(25)
        }
      }
      cluster = new Cluster(nodes.map((node) => ({ host: '127.0.0.1', port: node.port })))
      cluster.on('error', () => {})
      await new Promise((resolve) => cluster.once('ready', resolve))
    }, 90_000)

    afterAll(async () => {
      cluster?.disconnect()
      for (const node of nodes) await node.stop()
    })

    it('R14 keys of many tenants land on all three masters, and each decision runs on one of them', async () => {
      const limiter = redisLimiter({
        client: cluster,
        budgetMs: 1000,
        rate: [
          { perSecond: 1, burst: 2 },
          { perSecond: 0.1, burst: 5 },
        ],
        concurrency: { limit: 1 },
      })
      const tenants = Array.from({ length: 30 }, (_, i) => `tenant-${i}`)
      for (const key of tenants) {
        const [first, second] = await twice(limiter, key)
        expect(first.admitted).toBe(true)
        expect(second).toMatchObject({ admitted: false, reason: 'concurrency' })
        if (first.admitted) first.release()
      }
      // Every master holds some tenants' keys, each tenant's keys all on one master.
      const owners = new Map<string, number>()
      for (const [index, node] of nodes.entries()) {
        for (const name of await node.admin.keys('*')) {
          const tag = name.slice(0, name.indexOf('}') + 1)
          expect(owners.get(tag) ?? index).toBe(index)
          owners.set(tag, index)
        }
      }
      expect(new Set(owners.values()).size).toBe(MASTERS)
      const { rates, leases, processes } = limiterKeys('gateproof', 'tenant-0', 2)
      const slots = await Promise.all(
        [...rates, leases, processes].map((name) => cluster.call('CLUSTER', 'KEYSLOT', name)),
      )
      expect(new Set(slots).size).toBe(1)
    })

    it('R14 a rate rule alone (the single-rate script) decides on every master, loaded there on first use', async () => {
      const limiter = redisLimiter({ client: cluster, budgetMs: 1000, rate: { perSecond: 0.5 } })
      // Loads the scripts on one node only: the other masters meet them on their first call.
      await limiter.ready
      for (let i = 0; i < 30; i += 1) {
        const key = `rate-tenant-${i}`
        const [first, second] = await twice(limiter, key)
        // Only a decision Redis made carries the quota; a fallback's does not.
        expect(first).toMatchObject({ admitted: true, quota: { remaining: 0 } })
        expect(second).toMatchObject({ admitted: false, reason: 'rate', quota: { remaining: 0 } })
      }
      const holders = await Promise.all(
        nodes.map(async (node) => (await node.admin.keys('{gateproof:rate-tenant-*')).length),
      )
      expect(holders.every((count) => count > 0)).toBe(true)
    })

    it('R14 concurrent decisions for one tenant share one round trip on its master', async () => {
      const limiter = redisLimiter({ client: cluster, budgetMs: 1000, concurrency: { limit: 3 } })
      const decisions = await Promise.all(
        Array.from({ length: 10 }, () =>
          limiter.acquire({ key: 'busy', priority: 'normal', deadlineAt: Date.now() + 5000 }),
        ),
      )
      expect(decisions.filter((d) => d.admitted)).toHaveLength(3)
      for (const decision of decisions) if (decision.admitted) decision.release()
    })
  },
)
