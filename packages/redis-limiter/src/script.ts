import { createHash } from 'node:crypto'

/**
 * One round trip decides every request of one key that arrived in the same tick of
 * the event loop, in arrival order: GCRA for each rate window and a lease semaphore
 * for concurrency, checked together and committed only when every enforced rule
 * admits, so a request refused by one rule uses up nothing of the others. Time,
 * the TATs and the lease count are read once per batch and the TATs written once.
 *
 * KEYS[1..n]   rate keys (string: the theoretical arrival time, TAT, ms of Redis time)
 * KEYS[n+1]    lease key (sorted set: lease id → expiry), when concurrency is on
 * KEYS[last]   process key (sorted set: process id → last decision), when ARGV[3] is set
 * ARGV[1] n, the number of rate rules
 * ARGV[2] shadow mask: bit i-1 for rate rule i, bit n for concurrency
 * ARGV[3] process id to mark active ('' = not this time)
 * ARGV[4] process window in ms
 * ARGV[5..7] leases critical / normal / sheddable requests may see held (0 = no concurrency)
 * ARGV[8] m, the number of requests
 * then 4 per rate rule: emission interval (ms per cell), cells for critical / normal / sheddable
 * then 4 per request: priority (1 critical, 2 normal, 3 sheddable), cost in cells,
 *   lease id, lease lifetime in ms (the request's remaining time to its deadline)
 *
 * Reply: 9 integers per request — outcome (1 admitted, 2 refused by a rate, 3 refused
 * by concurrency), retryAfterMs, remaining, resetMs (of the tightest enforced rate rule),
 * leases held, mask of shadow rules that would have refused, highest use of any rule
 * in per mille, processes active in the window (-1 when not asked), index of the rate
 * rule `remaining` describes (-1 none). Integers only: Redis truncates Lua floats.
 *
 * Time is Redis `TIME`, never the caller's clock, so hosts with skewed clocks share
 * one timeline; lease lifetimes are sent as durations for the same reason.
 */
export const LIMITER_SCRIPT = `
local t = redis.call('TIME')
local now = t[1] * 1000 + t[2] / 1000
local n = tonumber(ARGV[1])
local shadow = tonumber(ARGV[2])
local m = tonumber(ARGV[8])
local procs = -1
if ARGV[3] ~= '' then
  local pkey = KEYS[#KEYS]
  local window = tonumber(ARGV[4])
  redis.call('ZADD', pkey, now, ARGV[3])
  redis.call('ZREMRANGEBYSCORE', pkey, '-inf', now - window)
  procs = redis.call('ZCARD', pkey)
  redis.call('PEXPIRE', pkey, window)
end
local interval, cells, tat, dirty, shadowed = {}, {}, {}, {}, {}
for i = 1, n do
  local b = 4 + 4 * i
  interval[i] = tonumber(ARGV[b + 1])
  cells[i] = { tonumber(ARGV[b + 2]), tonumber(ARGV[b + 3]), tonumber(ARGV[b + 4]) }
  local v = tonumber(redis.call('GET', KEYS[i]) or 0)
  if v < now then v = now end
  tat[i] = v
  shadowed[i] = bit.band(shadow, 2 ^ (i - 1)) ~= 0
end
local slots = { tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]) }
local lkey, held, longest = KEYS[n + 1], 0, 0
local concurrency = slots[2] > 0
local concurrencyShadow = bit.band(shadow, 2 ^ n) ~= 0
if concurrency then
  redis.call('ZREMRANGEBYSCORE', lkey, '-inf', now)
  held = redis.call('ZCARD', lkey)
end
local out = {}
local base = 8 + 4 * n
for j = 1, m do
  local b = base + 4 * (j - 1)
  local p = tonumber(ARGV[b + 1])
  local cost = tonumber(ARGV[b + 2])
  local outcome, retry, would, usage, rule, remaining, resetMs = 1, 0, 0, 0, -1, 0, 0
  local newTat = {}
  for i = 1, n do
    local c = cells[i][p]
    local nt = tat[i] + interval[i] * cost
    local conformsAt = nt - c * interval[i]
    if conformsAt > now then
      usage = 1000
      if shadowed[i] then
        would = would + 2 ^ (i - 1)
      else
        local wait = math.ceil(conformsAt - now)
        if outcome == 1 or wait > retry then retry = wait end
        outcome = 2
      end
    else
      newTat[i] = nt
      local used = math.floor((nt - now) / (c * interval[i]) * 1000)
      if used > usage then usage = used end
    end
  end
  local allowed = slots[p]
  if outcome == 1 and concurrency then
    if held >= allowed then
      usage = 1000
      if concurrencyShadow then
        would = would + 2 ^ n
      else
        local blocking = redis.call('ZRANGE', lkey, held - allowed, held - allowed, 'WITHSCORES')
        outcome = 3
        retry = math.ceil(tonumber(blocking[2]) - now)
      end
    elseif ARGV[b + 3] ~= '' then
      local ttl = tonumber(ARGV[b + 4])
      redis.call('ZADD', lkey, now + ttl, ARGV[b + 3])
      if ttl > longest then longest = ttl end
      held = held + 1
      local used = math.floor(held / allowed * 1000)
      if used > usage then usage = used end
    end
  end
  for i = 1, n do
    if outcome == 1 and newTat[i] then
      tat[i] = newTat[i]
      dirty[i] = true
    end
    if not shadowed[i] then
      local left = math.floor(cells[i][p] - (tat[i] - now) / interval[i] + 1e-9)
      if rule < 0 or left < remaining then
        rule = i - 1
        remaining = left
        resetMs = math.ceil(tat[i] - now)
      end
    end
  end
  local k = 9 * (j - 1)
  out[k + 1] = outcome
  out[k + 2] = retry
  out[k + 3] = remaining
  out[k + 4] = resetMs
  out[k + 5] = held
  out[k + 6] = would
  out[k + 7] = usage
  out[k + 8] = procs
  out[k + 9] = rule
end
for i = 1, n do
  if dirty[i] then
    redis.call('SET', KEYS[i], string.format('%.17g', tat[i]), 'PX', math.ceil(tat[i] - now))
  end
end
if longest > 0 and redis.call('PTTL', lkey) < longest then redis.call('PEXPIRE', lkey, longest) end
return out
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

export const REPLY_FIELDS = 9

const OUTCOMES: readonly (ScriptOutcome | undefined)[] = [
  undefined,
  'admitted',
  'rate',
  'concurrency',
]

/**
 * Reads the script's reply for `count` requests; anything else means a key holds
 * foreign data or the script is wrong.
 */
export function decodeScriptReplies(reply: unknown, count: number): ScriptReply[] {
  if (!Array.isArray(reply) || reply.length !== count * REPLY_FIELDS) throw unexpected(reply)
  const replies: ScriptReply[] = new Array(count)
  for (let j = 0; j < count; j += 1) {
    const k = j * REPLY_FIELDS
    for (let f = 0; f < REPLY_FIELDS; f += 1) {
      if (!Number.isInteger(reply[k + f])) throw unexpected(reply)
    }
    const outcome = OUTCOMES[reply[k] as number]
    if (outcome === undefined) throw unexpected(reply)
    replies[j] = {
      outcome,
      retryAfterMs: reply[k + 1],
      remaining: reply[k + 2],
      resetMs: reply[k + 3],
      held: reply[k + 4],
      wouldRefuse: reply[k + 5],
      usagePermille: reply[k + 6],
      processes: reply[k + 7],
      rule: reply[k + 8],
    }
  }
  return replies
}

function unexpected(reply: unknown): TypeError {
  const text = JSON.stringify(reply)
  return new TypeError(
    `unexpected limiter script reply: ${text && text.length > 200 ? `${text.slice(0, 200)}…` : text}`,
  )
}
