import { createHash } from 'node:crypto'

import type { Priority } from '@gateproof/load-shedder'
import type { ResolvedRate, ResolvedRules } from './options.js'

export interface LimiterScript {
  readonly body: string
  /** What `EVALSHA` is called with; Redis knows the script by this digest. */
  readonly sha: string
  /** ARGV entries per request: 2 (priority, cost), 4 with concurrency (+ lease id, lifetime). */
  readonly argsPerRequest: number
  /**
   * Takes a batch of normal requests of cost 1 as their count (ARGV[2]) and replies with
   * `decodeUniformReplies`' shape: the rules have the shape of `singleRateScript`.
   */
  readonly uniform: boolean
}

/** One enforced rate rule, no concurrency limit, no shadow rule: most keys' rules. */
function hasSingleRateShape(rules: ResolvedRules): boolean {
  const rate = rules.rates[0]
  return rules.rates.length === 1 && rate !== undefined && !rate.shadow && !rules.concurrency
}

/** A number as Lua reads it back exactly (JS prints the shortest round-trip form). */
const lua = (n: number): string => String(n)

/**
 * `cells[p]` without a table: priority 1 critical, 2 normal, 3 sheddable. The priority
 * stays the ARGV string: comparing it costs Redis less than `tonumber`.
 */
const byPriority = (values: { critical: number; normal: number; sheddable: number }): string =>
  `((p == '2' and ${lua(values.normal)}) or (p == '1' and ${lua(values.critical)}) or ${lua(values.sheddable)})`

/** Which fields the reply of one request carries: only those the rules can make vary. */
export interface ReplyShape {
  /** Per request: outcome, retryAfterMs, usage, then the optional fields below in this order. */
  readonly fields: number
  /** remaining and resetMs of the tightest enforced rate rule: some rate rule is enforced. */
  readonly quota: boolean
  /** The index of that rule: more than one rate rule is enforced (otherwise `fixedRule`). */
  readonly rule: boolean
  /** The rule `remaining` describes when the reply does not say: -1 without an enforced rate. */
  readonly fixedRule: number
  /** Leases held: a concurrency limit is set. */
  readonly held: boolean
  /** Mask of shadow rules that would have refused: some rule is in shadow mode. */
  readonly would: boolean
}

export function replyShape(rules: ResolvedRules): ReplyShape {
  const enforced: number[] = []
  rules.rates.forEach((rate, i) => {
    if (!rate.shadow) enforced.push(i)
  })
  const quota = enforced.length > 0
  const rule = enforced.length > 1
  const held = rules.concurrency !== undefined
  const would = rules.rates.some((rate) => rate.shadow) || rules.concurrency?.shadow === true
  return {
    fields: 3 + (quota ? 2 : 0) + (rule ? 1 : 0) + (held ? 1 : 0) + (would ? 1 : 0),
    quota,
    rule,
    fixedRule: enforced.length === 1 ? (enforced[0] as number) : -1,
    held,
    would,
  }
}

/**
 * The script for one set of rules, generated once per rule set with its limits written
 * in as constants: a request sends only what changes per request (2 arguments for a
 * rate, 4 with concurrency), and Redis runs no code for a rule the key does not have.
 * One call decides every request of one key that arrived in the same tick, in arrival
 * order: GCRA for each rate window and a lease semaphore for concurrency, checked
 * together and committed only when every enforced rule admits, so a request refused by
 * one rule uses up nothing of the others. Time, the TATs and the lease count are read
 * once per call and each TAT written once, and only when it moved.
 *
 * KEYS: the rate keys (string: theoretical arrival time, TAT, µs of Redis time), the
 * lease key (sorted set: lease id → expiry) when concurrency is on, then the process
 * key (sorted set: process id → last decision) when ARGV[1] is set.
 * ARGV[1]: process id to mark active, or ''. Then per request: priority (1 critical,
 * 2 normal, 3 sheddable), cost in cells and, with concurrency, lease id and lease
 * lifetime in ms (the request's remaining time to its deadline).
 *
 * Reply: the processes active in the window (-1 when not asked), then per request the
 * fields of `replyShape(rules)`: outcome (1 admitted, 2 refused by a rate, 3 refused by
 * concurrency), retryAfterMs, highest use of any rule in per mille, then — only when the
 * rules can make them vary — remaining and resetMs of the tightest enforced rate rule,
 * the index of that rule, leases held, mask of shadow rules that would have refused (bit
 * i for rate rule i, bit n for concurrency). Integers only: Redis truncates Lua floats.
 * Each reply field costs Redis and the client a little, so none is sent that the client
 * already knows.
 *
 * Rules of the single-rate shape (one enforced rate rule, no concurrency limit, no shadow
 * rule) also take a batch of normal requests of cost 1 — the usual batch — as ARGV[2],
 * their count, instead of a priority and a cost each; the reply is then three integers
 * whatever the count: the processes, the time and the TAT before the first request
 * (both µs, the TAT at least the time). Those are all the GCRA reads, so the client runs
 * the loop below again with the same double operations and gets every decision exactly
 * (`decodeUniformReplies`); Redis runs it to store the TAT. The same GCRA with the same
 * arithmetic: what changes is what crosses the wire and what Redis turns into Lua strings
 * and a RESP reply (34 ARGV and 81 reply integers → 2 and 3 for 16 requests).
 *
 * Time is Redis `TIME`, never the caller's clock, so hosts with skewed clocks share one
 * timeline; lease lifetimes are sent as durations for the same reason.
 */
export function limiterScript(rules: ResolvedRules, processWindowMs: number): LimiterScript {
  const { rates, concurrency } = rules
  const n = rates.length
  const k = concurrency ? 4 : 2
  const shape = replyShape(rules)
  const uniform = hasSingleRateShape(rules)
  // Sized for one request: a table that grows is allocated again. No request (the warm-up)
  // replies the process count alone.
  const sized = `#ARGV > 1 and { -1${', 0'.repeat(shape.fields)} } or { -1 }`
  const lines: string[] = [
    "local t = redis.call('TIME')",
    // Rates in whole microseconds: exact in a double, and stored with '%d', which costs
    // Redis a third less than a float format. Leases and processes in ms.
    'local us = t[1] * 1000000 + t[2]',
    'local now = us / 1000',
    // A count of uniform requests makes ARGV even: a priority and a cost each make it odd.
    ...(uniform
      ? ['local uniform = #ARGV == 2', `local out = uniform and { -1, 0, 0 } or (${sized})`]
      : [`local out = ${sized}`]),
    "if ARGV[1] ~= '' then",
    '  local pkey = KEYS[#KEYS]',
    "  redis.call('ZADD', pkey, now, ARGV[1])",
    `  redis.call('ZREMRANGEBYSCORE', pkey, '-inf', now - ${lua(processWindowMs)})`,
    "  out[1] = redis.call('ZCARD', pkey)",
    `  redis.call('PEXPIRE', pkey, ${lua(processWindowMs)})`,
    'end',
  ]
  rates.forEach((_rate, i) => {
    lines.push(
      `local tat${i} = tonumber(redis.call('GET', KEYS[${i + 1}]) or 0)`,
      `if tat${i} < us then tat${i} = us end`,
      `local dirty${i} = false`,
    )
  })
  if (concurrency) {
    lines.push(
      `local lkey = KEYS[${n + 1}]`,
      "redis.call('ZREMRANGEBYSCORE', lkey, '-inf', now)",
      "local held = redis.call('ZCARD', lkey)",
      'local longest = 0',
    )
  }
  if (uniform) {
    const rate = rates[0] as ResolvedRate
    const interval = lua(rate.interval * 1000)
    // The general loop's arithmetic for p == '2' and cost == 1 (`interval * 1` is `interval`),
    // which `decodeUniformReplies` repeats.
    lines.push(
      'if uniform then',
      '  out[2] = us',
      '  out[3] = tat0',
      `  local c0 = ${lua(rate.cells.normal)}`,
      '  for r = 1, tonumber(ARGV[2]) do',
      `    local nt0 = math.ceil(tat0 + ${interval})`,
      `    if nt0 - c0 * ${interval} <= us then`,
      '      tat0 = nt0',
      '      dirty0 = true',
      '    end',
      '  end',
      'else',
    )
  }
  lines.push(
    'local o = 1',
    `for j = 2, #ARGV, ${k} do`,
    '  local p = ARGV[j]',
    // Most requests cost 1: no `tonumber` for them.
    '  local cost = ARGV[j + 1]',
    "  if cost == '1' then cost = 1 else cost = tonumber(cost) end",
    '  local outcome, retry, usage = 1, 0, 0',
  )
  if (shape.would) lines.push('  local would = 0')
  rates.forEach((rate, i) => {
    const interval = lua(rate.interval * 1000)
    lines.push(
      `  local c${i} = ${byPriority(rate.cells)}`,
      // Rounded up to whole microseconds: never more than the rate.
      `  local nt${i} = math.ceil(tat${i} + ${interval} * cost)`,
      `  local ok${i} = nt${i} - c${i} * ${interval} <= us`,
      `  if ok${i} then`,
      `    local u = math.floor((nt${i} - us) / (c${i} * ${interval}) * 1000)`,
      '    if u > usage then usage = u end',
      '  else',
      '    usage = 1000',
      rate.shadow
        ? `    would = would + ${2 ** i}`
        : [
            `    local w = math.ceil((nt${i} - c${i} * ${interval} - us) / 1000)`,
            '    if outcome == 1 or w > retry then retry = w end',
            '    outcome = 2',
          ].join('\n'),
      '  end',
    )
  })
  if (concurrency) {
    lines.push(
      '  if outcome == 1 then',
      `    local a = ${byPriority(concurrency.slots)}`,
      '    if held >= a then',
      '      usage = 1000',
      concurrency.shadow
        ? `      would = would + ${2 ** n}`
        : [
            "      local blocking = redis.call('ZRANGE', lkey, held - a, held - a, 'WITHSCORES')",
            '      outcome = 3',
            '      retry = math.ceil(tonumber(blocking[2]) - now)',
          ].join('\n'),
      '    else',
      '      local ttl = tonumber(ARGV[j + 3])',
      "      redis.call('ZADD', lkey, now + ttl, ARGV[j + 2])",
      '      if ttl > longest then longest = ttl end',
      '      held = held + 1',
      '      local u = math.floor(held / a * 1000)',
      '      if u > usage then usage = u end',
      '    end',
      '  end',
    )
  }
  if (shape.quota) lines.push('  local rule, remaining, reset = -1, 0, 0')
  rates.forEach((rate, i) => {
    lines.push(`  if outcome == 1 and ok${i} then tat${i} = nt${i}; dirty${i} = true end`)
    if (rate.shadow) return
    lines.push(
      `  local left${i} = math.floor(c${i} - (tat${i} - us) / ${lua(rate.interval * 1000)} + 1e-9)`,
      `  if rule < 0 or left${i} < remaining then rule = ${i}; remaining = left${i}; reset = math.ceil((tat${i} - us) / 1000) end`,
    )
  })
  // The order of `ReplyShape` and `decodeScriptReplies`.
  const fields = ['outcome', 'retry', 'usage']
  if (shape.quota) fields.push('remaining', 'reset')
  if (shape.rule) fields.push('rule')
  if (shape.held) fields.push('held')
  if (shape.would) fields.push('would')
  fields.forEach((field, f) => {
    lines.push(`  out[o + ${f + 1}] = ${field}`)
  })
  lines.push(`  o = o + ${shape.fields}`, 'end')
  if (uniform) lines.push('end')
  rates.forEach((_rate, i) => {
    lines.push(
      // A TAT of now is no TAT (and an expiry of 0 ms an error): a cost too small to move a
      // TAT of now by one µs writes nothing.
      `if dirty${i} and tat${i} > us then redis.call('SET', KEYS[${i + 1}], string.format('%d', tat${i}), 'PX', math.ceil((tat${i} - us) / 1000)) end`,
    )
  })
  if (concurrency) {
    lines.push(
      "if longest > 0 and redis.call('PTTL', lkey) < longest then redis.call('PEXPIRE', lkey, longest) end",
    )
  }
  lines.push('return out')
  const body = `${lines.join('\n')}\n`
  return {
    body,
    sha: createHash('sha1').update(body).digest('hex'),
    argsPerRequest: k,
    uniform,
  }
}

/**
 * The decision of `limiterScript` for the shape most keys have — one enforced rate rule,
 * no concurrency limit, no shadow rule — when one request is decided alone and the
 * process is not marking itself active: the same GCRA with the same arithmetic, stored
 * value and expiry, in what Redis runs cheapest. Redis 7.0 turns a table reply into RESP
 * by probing it for `err`, `ok` and the RESP3 fields, and every ARGV entry is a string
 * put into a table, so an admission replies one integer, `tat - now` after it, from
 * which the client derives usage, remaining and reset exactly as the general script
 * does (the same double operations on the same operands); a normal request of cost 1
 * sends no ARGV. Measured with callgrind inside `evalShaCommand`: 55,000 → 38,400
 * instructions per call, 7.4 → 4.3 µs (`INFO commandstats`, pipelined).
 *
 * KEYS[1]: the rate key; none for the warm-up, which only loads the script.
 * ARGV: nothing for a normal request of cost 1, else priority (1 critical, 2 normal,
 * 3 sheddable) and cost.
 * Reply: admitted, µs from now until the TAT (an integer ≥ 0); refused by the rate,
 * `{ retryAfterMs, µs from now until the TAT }`; -1 for the warm-up.
 */
export function singleRateScript(rules: ResolvedRules): LimiterScript | undefined {
  const rate = rules.rates[0]
  if (rate === undefined || !hasSingleRateShape(rules)) return undefined
  const interval = lua(rate.interval * 1000)
  const lines = [
    'local key = KEYS[1]',
    'if key == nil then return -1 end',
    // Each global function is a table lookup per use: once into locals costs Redis less.
    'local call, ceil, format = redis.call, math.ceil, string.format',
    "local t = call('TIME')",
    'local us = t[1] * 1000000 + t[2]',
    "local tat = tonumber(call('GET', key) or 0)",
    'if tat < us then tat = us end',
    `local c, cost = ${lua(rate.cells.normal)}, 1`,
    'local p = ARGV[1]',
    'if p then',
    `  c = ${byPriority(rate.cells)}`,
    '  cost = tonumber(ARGV[2])',
    'end',
    `local nt = ceil(tat + ${interval} * cost)`,
    `if nt - c * ${interval} <= us then`,
    // Both as '%d' strings: Redis 7.0 prints a Lua number argument with '%.17g', which
    // costs it more than Lua's integer format.
    "  if nt > us then call('PSETEX', key, format('%d', ceil((nt - us) / 1000)), format('%d', nt)) end",
    '  return nt - us',
    'end',
    `return { ceil((nt - c * ${interval} - us) / 1000), tat - us }`,
  ]
  const body = `${lines.join('\n')}\n`
  return {
    body,
    sha: createHash('sha1').update(body).digest('hex'),
    argsPerRequest: 2,
    uniform: false,
  }
}

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

/**
 * Reads the script's reply for `count` requests of the rules of `shape`; anything else
 * means a key holds foreign data or the script is wrong.
 */
export function decodeScriptReplies(
  reply: unknown,
  count: number,
  shape: ReplyShape,
): ScriptReply[] {
  const size = shape.fields
  if (!Array.isArray(reply) || reply.length !== 1 + count * size) throw unexpected(reply)
  for (let i = 0; i < reply.length; i += 1) {
    if (!Number.isInteger(reply[i])) throw unexpected(reply)
  }
  const processes = reply[0] as number
  const replies: ScriptReply[] = new Array(count)
  for (let j = 0; j < count; j += 1) {
    let k = 1 + j * size
    const outcome = OUTCOMES[reply[k] as number]
    if (outcome === undefined) throw unexpected(reply)
    const retryAfterMs = reply[k + 1] as number
    const usagePermille = reply[k + 2] as number
    k += 3
    let remaining = 0
    let resetMs = 0
    let rule = shape.fixedRule
    if (shape.quota) {
      remaining = reply[k] as number
      resetMs = reply[k + 1] as number
      k += 2
    }
    if (shape.rule) {
      rule = reply[k] as number
      k += 1
    }
    let held = 0
    if (shape.held) {
      held = reply[k] as number
      k += 1
    }
    const wouldRefuse = shape.would ? (reply[k] as number) : 0
    replies[j] = {
      outcome,
      retryAfterMs,
      remaining,
      resetMs,
      held,
      wouldRefuse,
      usagePermille,
      processes,
      rule,
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

/**
 * Reads the reply of `singleRateScript` for one request of `priority`: what
 * `decodeScriptReplies` reads from the general script's reply for the same decision,
 * computed here with the operations that script uses.
 */
export function decodeSingleRateReply(
  reply: unknown,
  rate: ResolvedRate,
  priority: Priority,
): ScriptReply {
  if (typeof reply === 'number') {
    if (!Number.isInteger(reply) || reply < 0) throw unexpected(reply)
    return admittedReply(rate, priority, reply, -1)
  }
  if (!Array.isArray(reply) || reply.length !== 2) throw unexpected(reply)
  const [retryAfterMs, untilTat] = reply as unknown[]
  if (!Number.isInteger(retryAfterMs) || !Number.isInteger(untilTat) || (untilTat as number) < 0) {
    throw unexpected(reply)
  }
  return refusedReply(rate, priority, retryAfterMs as number, untilTat as number, -1)
}

/**
 * Reads the reply of `limiterScript` to `count` normal requests of cost 1 sent as their
 * count (`LimiterScript.uniform`): the time and TAT the script read, from which this runs
 * the script's loop again — the same double operations on the same operands, so the same
 * decisions — and gives what `decodeScriptReplies` reads from its reply to the same
 * requests sent one by one, computed as `decodeSingleRateReply` computes it.
 */
export function decodeUniformReplies(
  reply: unknown,
  count: number,
  rate: ResolvedRate,
): ScriptReply[] {
  if (!Array.isArray(reply) || reply.length !== 3) throw unexpected(reply)
  const [processes, us, first] = reply as unknown[]
  if (
    !Number.isInteger(processes) ||
    !Number.isInteger(us) ||
    !Number.isInteger(first) ||
    (first as number) < (us as number)
  ) {
    throw unexpected(reply)
  }
  const interval = rate.interval * 1000
  const cells = rate.cells.normal
  const replies: ScriptReply[] = new Array(count)
  let tat = first as number
  for (let j = 0; j < count; j += 1) {
    const nt = Math.ceil(tat + interval)
    if (nt - cells * interval <= (us as number)) {
      tat = nt
      replies[j] = admittedReply(rate, 'normal', nt - (us as number), processes as number)
    } else {
      const retryAfterMs = Math.ceil((nt - cells * interval - (us as number)) / 1000)
      replies[j] = refusedReply(
        rate,
        'normal',
        retryAfterMs,
        tat - (us as number),
        processes as number,
      )
    }
  }
  return replies
}

/** An admission, from µs until the TAT after it: the general script's operations. */
function admittedReply(
  rate: ResolvedRate,
  priority: Priority,
  untilTat: number,
  processes: number,
): ScriptReply {
  // The script's operations in its order: interval in µs first, then cells × interval.
  const interval = rate.interval * 1000
  const usagePermille = Math.floor((untilTat / (rate.cells[priority] * interval)) * 1000)
  return rateReply(rate, priority, 'admitted', 0, untilTat, usagePermille, processes)
}

/** A refusal by the rate, from its retry hint and µs until the TAT it left unchanged. */
function refusedReply(
  rate: ResolvedRate,
  priority: Priority,
  retryAfterMs: number,
  untilTat: number,
  processes: number,
): ScriptReply {
  return rateReply(rate, priority, 'rate', retryAfterMs, untilTat, 1000, processes)
}

/** The reply of a decision by the one rate rule, as the general script builds it. */
function rateReply(
  rate: ResolvedRate,
  priority: Priority,
  outcome: 'admitted' | 'rate',
  retryAfterMs: number,
  untilTat: number,
  usagePermille: number,
  processes: number,
): ScriptReply {
  const interval = rate.interval * 1000
  return {
    outcome,
    retryAfterMs,
    remaining: Math.floor(rate.cells[priority] - untilTat / interval + 1e-9),
    resetMs: Math.ceil(untilTat / 1000),
    held: 0,
    wouldRefuse: 0,
    usagePermille,
    processes,
    rule: 0,
  }
}
