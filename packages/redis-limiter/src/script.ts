import { createHash } from 'node:crypto'

/**
 * One decision, one round trip: GCRA for the rate and a lease semaphore for
 * concurrency, checked together and committed only when both admit, so a request
 * refused for concurrency does not use up a rate cell.
 *
 * KEYS[1] rate key (string: the theoretical arrival time, TAT, in ms of Redis time)
 * KEYS[2] lease key (sorted set: lease id scored by its expiry in ms of Redis time)
 * ARGV[1] emission interval in ms (1000 / perSecond); 0 turns the rate check off
 * ARGV[2] burst cells this priority may use
 * ARGV[3] leases this priority may see held; 0 turns the concurrency check off
 * ARGV[4] lease id
 * ARGV[5] lease lifetime in ms (the request's remaining time to its deadline)
 *
 * Reply: { outcome, retryAfterMs, remaining, resetMs, held } with outcome
 * 1 admitted, 2 refused by rate, 3 refused by concurrency. Integers only: Redis
 * truncates Lua floats in replies.
 *
 * Time is Redis `TIME`, never the caller's clock, so Lambda hosts with skewed
 * clocks still share one timeline. Lease lifetimes are sent as durations for the
 * same reason.
 */
export const LIMITER_SCRIPT = `
if redis.replicate_commands then pcall(redis.replicate_commands) end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local interval = tonumber(ARGV[1])
local cells = tonumber(ARGV[2])
local allowed = tonumber(ARGV[3])

local remaining = 0
local resetMs = 0
local tat = now
local newTat = now
if interval > 0 then
  tat = tonumber(redis.call('GET', KEYS[1]) or '0')
  if tat < now then tat = now end
  newTat = tat + interval
  local conformsAt = newTat - cells * interval
  if conformsAt > now then
    return { 2, math.ceil(conformsAt - now), 0, math.ceil(tat - now), 0 }
  end
end

local held = 0
if allowed > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  held = redis.call('ZCARD', KEYS[2])
  if held >= allowed then
    local blocking = redis.call('ZRANGE', KEYS[2], held - allowed, held - allowed, 'WITHSCORES')
    if interval > 0 then
      remaining = math.floor(cells - (tat - now) / interval + 1e-9)
      resetMs = math.ceil(tat - now)
    end
    return { 3, math.ceil(tonumber(blocking[2]) - now), remaining, resetMs, held }
  end
  redis.call('ZADD', KEYS[2], now + tonumber(ARGV[5]), ARGV[4])
  local latest = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
  redis.call('PEXPIRE', KEYS[2], math.ceil(tonumber(latest[2]) - now))
  held = held + 1
end

if interval > 0 then
  remaining = math.floor(cells - (newTat - now) / interval + 1e-9)
  resetMs = math.ceil(newTat - now)
  redis.call('SET', KEYS[1], string.format('%.17g', newTat), 'PX', resetMs)
end
return { 1, 0, remaining, resetMs, held }
`

/** What `EVALSHA` is called with; Redis knows the script by this digest. */
export const LIMITER_SCRIPT_SHA = createHash('sha1').update(LIMITER_SCRIPT).digest('hex')

export type ScriptOutcome = 'admitted' | 'rate' | 'concurrency'

export interface ScriptReply {
  outcome: ScriptOutcome
  retryAfterMs: number
  /** Rate cells left for this priority (0 without a rate limit). */
  remaining: number
  /** Milliseconds until the rate bucket is full again. */
  resetMs: number
  /** Leases held after the decision (0 without a concurrency limit). */
  held: number
}

const OUTCOMES: Record<number, ScriptOutcome> = { 1: 'admitted', 2: 'rate', 3: 'concurrency' }

/** Reads the script's reply; anything else means the key holds foreign data or the script is wrong. */
export function decodeScriptReply(reply: unknown): ScriptReply {
  if (!Array.isArray(reply) || reply.length !== 5 || !reply.every(Number.isInteger)) {
    throw new TypeError(`unexpected limiter script reply: ${JSON.stringify(reply)}`)
  }
  const [code, retryAfterMs, remaining, resetMs, held] = reply as number[]
  const outcome = OUTCOMES[code as number]
  if (outcome === undefined) throw new TypeError(`unexpected limiter script outcome: ${code}`)
  return {
    outcome,
    retryAfterMs: retryAfterMs as number,
    remaining: remaining as number,
    resetMs: resetMs as number,
    held: held as number,
  }
}
