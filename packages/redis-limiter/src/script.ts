import { createHash } from 'node:crypto'

/**
 * One decision, one round trip: GCRA for each rate window and a lease semaphore for
 * concurrency, checked together and committed only when every enforced rule admits,
 * so a request refused by one rule uses up nothing of the others.
 *
 * KEYS[1..n]   rate keys (string: the theoretical arrival time, TAT, ms of Redis time)
 * KEYS[n+1]    lease key (sorted set: lease id → expiry), when concurrency is on
 * KEYS[last]   process key (sorted set: process id → last decision), when ARGV[7] is set
 * ARGV[1] n, the number of rate rules
 * ARGV[2] cost of the request in rate cells
 * ARGV[3] leases this priority may see held; 0 turns the concurrency check off
 * ARGV[4] lease id
 * ARGV[5] lease lifetime in ms (the request's remaining time to its deadline)
 * ARGV[6] shadow mask: bit i-1 for rate rule i, bit n for concurrency
 * ARGV[7] process id to mark active ('' = not this time)
 * ARGV[8] process window in ms
 * ARGV[7+2i], ARGV[8+2i] emission interval (ms per cell) and cells of rate rule i
 *
 * Reply: { outcome, retryAfterMs, remaining, resetMs, held, wouldRefuse, usage‰,
 * processes, rule } — outcome 1 admitted, 2 refused by a rate, 3 refused by
 * concurrency; wouldRefuse is the mask of shadow rules that would have refused;
 * usage is the highest use of any rule in per mille; processes is the number of
 * processes active in the window (-1 when not asked); rule is the 0-based index of
 * the rate rule whose quota `remaining`/`resetMs` describe (-1 none). Integers
 * only: Redis truncates Lua floats in replies.
 *
 * Time is Redis `TIME`, never the caller's clock, so hosts with skewed clocks share
 * one timeline; lease lifetimes are sent as durations for the same reason.
 */
export const LIMITER_SCRIPT = `
local t = redis.call('TIME')
local now = t[1] * 1000 + t[2] / 1000
local n = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local allowed = tonumber(ARGV[3])
local shadow = tonumber(ARGV[6])
local outcome, retry, remaining, resetMs, held, would, usage, rule = 1, 0, 0, 0, 0, 0, 0, -1
local procs = -1
local pid = ARGV[7]
if pid ~= '' then
  local pkey = KEYS[#KEYS]
  local window = tonumber(ARGV[8])
  redis.call('ZADD', pkey, now, pid)
  redis.call('ZREMRANGEBYSCORE', pkey, '-inf', now - window)
  procs = redis.call('ZCARD', pkey)
  redis.call('PEXPIRE', pkey, window)
end
local tats, newTats = {}, {}
for i = 1, n do
  local interval = tonumber(ARGV[7 + 2 * i])
  local cells = tonumber(ARGV[8 + 2 * i])
  local tat = tonumber(redis.call('GET', KEYS[i]) or 0)
  if tat < now then tat = now end
  tats[i] = tat
  local newTat = tat + interval * cost
  local conformsAt = newTat - cells * interval
  if conformsAt > now then
    usage = 1000
    if bit.band(shadow, 2 ^ (i - 1)) ~= 0 then
      would = would + 2 ^ (i - 1)
    else
      local wait = math.ceil(conformsAt - now)
      if outcome == 1 or wait > retry then retry = wait end
      outcome = 2
    end
  else
    newTats[i] = newTat
    local used = math.floor((newTat - now) / (cells * interval) * 1000)
    if used > usage then usage = used end
  end
end
if outcome == 1 and allowed > 0 then
  local lkey = KEYS[n + 1]
  redis.call('ZREMRANGEBYSCORE', lkey, '-inf', now)
  held = redis.call('ZCARD', lkey)
  if held >= allowed then
    usage = 1000
    if bit.band(shadow, 2 ^ n) ~= 0 then
      would = would + 2 ^ n
    else
      local blocking = redis.call('ZRANGE', lkey, held - allowed, held - allowed, 'WITHSCORES')
      outcome = 3
      retry = math.ceil(tonumber(blocking[2]) - now)
    end
  else
    local ttl = tonumber(ARGV[5])
    redis.call('ZADD', lkey, now + ttl, ARGV[4])
    if redis.call('PTTL', lkey) < ttl then redis.call('PEXPIRE', lkey, ttl) end
    held = held + 1
    local used = math.floor(held / allowed * 1000)
    if used > usage then usage = used end
  end
end
for i = 1, n do
  local interval = tonumber(ARGV[7 + 2 * i])
  local tat = tats[i]
  if outcome == 1 and newTats[i] then
    tat = newTats[i]
    redis.call('SET', KEYS[i], string.format('%.17g', tat), 'PX', math.ceil(tat - now))
  end
  if bit.band(shadow, 2 ^ (i - 1)) == 0 then
    local left = math.floor(tonumber(ARGV[8 + 2 * i]) - (tat - now) / interval + 1e-9)
    if rule < 0 or left < remaining then
      rule = i - 1
      remaining = left
      resetMs = math.ceil(tat - now)
    end
  end
end
return { outcome, retry, remaining, resetMs, held, would, usage, procs, rule }
`

/** What `EVALSHA` is called with; Redis knows the script by this digest. */
export const LIMITER_SCRIPT_SHA = createHash('sha1').update(LIMITER_SCRIPT).digest('hex')

export type ScriptOutcome = 'admitted' | 'rate' | 'concurrency'

export interface ScriptReply {
  outcome: ScriptOutcome
  retryAfterMs: number
  /** Cells left of the tightest enforced rate rule for this priority (0 without one). */
  remaining: number
  /** Milliseconds until that rule's bucket is full again. */
  resetMs: number
  /** Leases held after the decision (0 without a concurrency limit). */
  held: number
  /** Shadow rules that would have refused: bit i for rate rule i, bit n for concurrency. */
  wouldRefuse: number
  /** Highest use of any rule, per mille. */
  usagePermille: number
  /** Processes active in the window, -1 when not asked. */
  processes: number
  /** The rate rule `remaining` describes, -1 without one. */
  rule: number
}

const OUTCOMES: readonly (ScriptOutcome | undefined)[] = [
  undefined,
  'admitted',
  'rate',
  'concurrency',
]

/** Reads the script's reply; anything else means the key holds foreign data or the script is wrong. */
export function decodeScriptReply(reply: unknown): ScriptReply {
  if (!Array.isArray(reply) || reply.length !== 9) throw unexpected(reply)
  for (let i = 0; i < 9; i += 1) if (!Number.isInteger(reply[i])) throw unexpected(reply)
  const outcome = OUTCOMES[reply[0] as number]
  if (outcome === undefined) throw unexpected(reply)
  return {
    outcome,
    retryAfterMs: reply[1],
    remaining: reply[2],
    resetMs: reply[3],
    held: reply[4],
    wouldRefuse: reply[5],
    usagePermille: reply[6],
    processes: reply[7],
    rule: reply[8],
  }
}

function unexpected(reply: unknown): TypeError {
  return new TypeError(`unexpected limiter script reply: ${JSON.stringify(reply)}`)
}
