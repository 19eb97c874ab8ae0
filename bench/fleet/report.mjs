// fleet.md and fleet.svg from the simulation's results (no dependencies).

const MODE_LABELS = {
  plain: 'no shedding (plain Middy)',
  gateproof: 'gateproof, no fleet limit',
  'gateproof-redis': 'gateproof + Redis limiter',
}
const MODE_COLORS = { plain: '#c0392b', gateproof: '#e67e22', 'gateproof-redis': '#2471a3' }
const OUTCOMES = [
  { key: 'served', label: '2xx', color: '#27ae60' },
  { key: 'shed', label: '429 + Retry-After', color: '#5dade2' },
  { key: 'throttled', label: '500 (Lambda throttle)', color: '#c0392b' },
  { key: 'timedOut', label: '504', color: '#e67e22' },
  { key: 'other', label: 'other', color: '#95a5a6' },
]

const label = (mode) => MODE_LABELS[mode] ?? mode
const cell = (value, suffix = '') =>
  value === null || value === undefined ? '–' : `${value}${suffix}`

function outcomeShares(level) {
  const total = level.requests || 1
  const served = Object.entries(level.statuses)
    .filter(([status]) => Number(status) < 300)
    .reduce((sum, [, n]) => sum + n, 0)
  const shed = level.with429RetryAfter
  const throttled = level.throttled500
  const timedOut = level.gateway504
  const other = level.requests - served - shed - throttled - timedOut
  return { served, shed, throttled, timedOut, other, total }
}

export function renderMarkdown(report) {
  const { model } = report
  const lines = [
    '# Fleet simulation: a REST API on Lambda under overload',
    '',
    `Run ${report.date} on ${report.cpus} × ${report.cpuModel}, Node ${report.node}, Redis ${report.redis}; gateproof from ${report.gateproofFrom}. Load average ${report.loadAverage.before} before, ${report.loadAverage.after} after: the ${report.model.reservedConcurrency} environments, Redis and the front share ${report.cpus} CPUs${report.loadAverage.before > report.cpus ? ' with other work' : ''}, which shows in the real-time tails below.`,
    '',
    '## The model (modelled time; real time runs ' + model.scale + '× faster)',
    '',
    `- API Gateway REST, integration timeout ${model.integrationTimeoutMs / 1000} s; Lambda reserved concurrency R = ${model.reservedConcurrency}, function timeout ${model.functionTimeoutMs / 1000} s; an invocation beyond R is a throttle, which a REST client sees as \`500 {"message": "Internal server error"}\` (gateway-facts §2.1).`,
    `- ${model.reservedConcurrency} execution environments, each its own Node process running a real Middy handler, one request at a time.`,
    `- The handler makes one call to a downstream that serves ${model.downstreamSlots} calls at once (FIFO beyond), ${model.downstreamMs / 1000} s each: capacity ${report.capacityPerSecond} requests/s.`,
    `- Open-loop Poisson arrivals at ${model.levels.join('×, ')}× capacity, ${model.secondsPerLevel} real s (${Math.round((model.secondsPerLevel * model.scale) / 60)} modelled min) per level; priorities ${Object.entries(
      model.priorities,
    )
      .map(([p, s]) => `${p} ${s * 100} %`)
      .join(', ')}.`,
    `- Modes: ${Object.keys(report.modes)
      .map((m) => `**${label(m)}**`)
      .join(
        '; ',
      )}. The Redis limiter holds the fleet to ${model.limit} requests in flight (below R = ${model.reservedConcurrency}), budget ${model.budgetMs} ms.`,
    "- Goodput: 2xx answers completed within the level's window, per modelled second. Admitted latency is modelled time (real × scale); rejection latency and Redis decision time are real, unscaled milliseconds (real code on loopback).",
    '',
  ]
  for (const [mode, levels] of Object.entries(report.modes)) {
    lines.push(`## ${label(mode)}`, '')
    lines.push(
      '| load | offered/s | requests | goodput/s | goodput % cap. | 2xx | 429 + RA | 500 throttle | 504 | other | rejected as 429 + RA | critical served | admitted p50 / p99 (modelled) | rejection p50 / p99 (real) | Redis decision p50 / p99 (real) |',
      '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    )
    for (const level of levels) {
      const s = outcomeShares(level)
      lines.push(
        `| ${level.level}× | ${level.offeredPerSecond} | ${level.requests} | ${level.goodputPerSecond} | ${level.goodputPctOfCapacity} % | ${s.served} | ${s.shed} | ${s.throttled} | ${s.timedOut} | ${s.other} | ${cell(level.rejectedAs429RetryAfterPct, ' %')} | ${cell(level.criticalServedPct, ' %')} | ${cell(level.admittedModelledMs.p50 && level.admittedModelledMs.p50 / 1000, ' s')} / ${cell(level.admittedModelledMs.p99 && level.admittedModelledMs.p99 / 1000, ' s')} | ${cell(level.rejectionRealMs.p50, ' ms')} / ${cell(level.rejectionRealMs.p99, ' ms')} | ${cell(level.redisDecisionRealMs.p50, ' ms')} / ${cell(level.redisDecisionRealMs.p99, ' ms')} |`,
      )
    }
    lines.push('')
  }
  const limited = report.modes['gateproof-redis']
  const top = limited?.at(-1)
  if (top) {
    const { targets } = report
    const check = (ok) => (ok ? 'met' : '**not met**')
    lines.push(
      `## Targets at ${top.level}× capacity (gateproof + Redis limiter)`,
      '',
      '| target | achieved | |',
      '|---|---|---|',
      `| goodput ≥ ${targets.goodputPctOfCapacityAt3x} % of capacity | ${top.goodputPctOfCapacity} % | ${check(top.goodputPctOfCapacity >= targets.goodputPctOfCapacityAt3x)} |`,
      `| ≥ ${targets.rejectedAs429RetryAfterPctAt3x} % of rejected requests answered 429 with Retry-After | ${cell(top.rejectedAs429RetryAfterPct, ' %')} | ${check(top.rejectedAs429RetryAfterPct >= targets.rejectedAs429RetryAfterPctAt3x)} |`,
      `| rejection p99 < ${targets.rejectionP99RealMs} ms (unscaled) | ${cell(top.rejectionRealMs.p99, ' ms')} | ${check(top.rejectionRealMs.p99 < targets.rejectionP99RealMs)} |`,
      `| Redis decision p99 < ${targets.redisDecisionP99RealMs} ms on loopback, in the fleet | ${cell(top.redisDecisionRealMs.p99, ' ms')} | ${check(top.redisDecisionRealMs.p99 < targets.redisDecisionP99RealMs)} |`,
      `| Redis decision p99 < ${targets.redisDecisionP99RealMs} ms on loopback, one process alone (${report.isolatedDecisionRealMs.decisions} decisions; p50 ${report.isolatedDecisionRealMs.p50} ms, p99.9 ${report.isolatedDecisionRealMs.p999} ms) | ${report.isolatedDecisionRealMs.p99} ms | ${check(report.isolatedDecisionRealMs.p99 < targets.redisDecisionP99RealMs)} |`,
      '',
    )
  }
  lines.push('![goodput and outcomes vs offered load](fleet.svg)', '')
  return lines.join('\n')
}

const escapeXml = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;')

export function renderSvg(report) {
  const modes = Object.keys(report.modes)
  const levels = report.model.levels
  const width = 900
  const left = 70
  const right = 230
  const plotWidth = width - left - right
  const out = []
  const text = (x, y, content, attrs = '') =>
    out.push(`<text x="${x}" y="${y}" ${attrs}>${escapeXml(content)}</text>`)

  // Top: goodput as % of capacity vs offered load.
  const top = { y: 50, height: 220 }
  const maxLevel = Math.max(...levels)
  const x = (level) => left + (level / maxLevel) * plotWidth
  const yTop = (pct) => top.y + top.height - (Math.min(pct, 120) / 120) * top.height
  text(left, 30, 'Goodput (2xx within the timeout) as % of capacity', 'font-weight="bold"')
  for (const pct of [0, 20, 40, 60, 80, 100, 120]) {
    out.push(
      `<line x1="${left}" x2="${left + plotWidth}" y1="${yTop(pct)}" y2="${yTop(pct)}" stroke="${pct === 100 ? '#555' : '#ddd'}" ${pct === 100 ? 'stroke-dasharray="4 3"' : ''}/>`,
    )
    text(left - 8, yTop(pct) + 4, `${pct} %`, 'text-anchor="end" font-size="11"')
  }
  for (const level of levels) {
    text(x(level), top.y + top.height + 16, `${level}×`, 'text-anchor="middle" font-size="11"')
  }
  text(
    left + plotWidth,
    top.y + top.height + 32,
    'offered load (× capacity)',
    'text-anchor="end" font-size="11"',
  )
  const ideal = levels.map((level) => `${x(level)},${yTop(Math.min(level, 1) * 100)}`)
  out.push(
    `<polyline fill="none" stroke="#999" stroke-width="1.5" stroke-dasharray="2 3" points="${ideal.join(' ')}"/>`,
  )
  for (const mode of modes) {
    const points = report.modes[mode].map((l) => `${x(l.level)},${yTop(l.goodputPctOfCapacity)}`)
    out.push(
      `<polyline fill="none" stroke="${MODE_COLORS[mode] ?? '#333'}" stroke-width="2.5" points="${points.join(' ')}"/>`,
    )
    for (const l of report.modes[mode]) {
      out.push(
        `<circle cx="${x(l.level)}" cy="${yTop(l.goodputPctOfCapacity)}" r="4" fill="${MODE_COLORS[mode] ?? '#333'}"/>`,
      )
    }
  }
  modes.forEach((mode, i) => {
    const ly = top.y + 10 + i * 20
    out.push(
      `<rect x="${left + plotWidth + 20}" y="${ly - 9}" width="14" height="4" fill="${MODE_COLORS[mode] ?? '#333'}"/>`,
    )
    text(left + plotWidth + 40, ly, label(mode), 'font-size="12"')
  })
  const idealY = top.y + 10 + modes.length * 20
  out.push(
    `<line x1="${left + plotWidth + 20}" x2="${left + plotWidth + 34}" y1="${idealY - 7}" y2="${idealY - 7}" stroke="#999" stroke-width="1.5" stroke-dasharray="2 3"/>`,
  )
  text(left + plotWidth + 40, idealY, 'ideal: min(offered, capacity)', 'font-size="12"')

  // Bottom: what clients got, per load level, one stacked bar per mode.
  const bottom = { y: 340, height: 220 }
  text(
    left,
    bottom.y - 20,
    'What clients got (share of requests), per offered load',
    'font-weight="bold"',
  )
  const group = plotWidth / levels.length
  const barWidth = Math.min(28, (group - 16) / modes.length)
  const yBottom = (share) => bottom.y + bottom.height - share * bottom.height
  for (const share of [0, 0.25, 0.5, 0.75, 1]) {
    out.push(
      `<line x1="${left}" x2="${left + plotWidth}" y1="${yBottom(share)}" y2="${yBottom(share)}" stroke="#ddd"/>`,
    )
    text(left - 8, yBottom(share) + 4, `${share * 100} %`, 'text-anchor="end" font-size="11"')
  }
  levels.forEach((level, li) => {
    const gx = left + li * group + (group - barWidth * modes.length) / 2
    modes.forEach((mode, mi) => {
      const data = report.modes[mode].find((l) => l.level === level)
      if (!data) return
      const shares = outcomeShares(data)
      let acc = 0
      for (const outcome of OUTCOMES) {
        const share = shares[outcome.key] / shares.total
        if (share <= 0) continue
        out.push(
          `<rect x="${gx + mi * barWidth}" y="${yBottom(acc + share)}" width="${barWidth - 3}" height="${share * bottom.height}" fill="${outcome.color}"><title>${escapeXml(`${label(mode)} at ${level}×: ${outcome.label} ${(share * 100).toFixed(1)} %`)}</title></rect>`,
        )
        acc += share
      }
      text(
        gx + mi * barWidth + (barWidth - 3) / 2,
        bottom.y + bottom.height + 14,
        ['P', 'G', 'R'][mi] ?? String(mi),
        'text-anchor="middle" font-size="10"',
      )
    })
    text(
      left + li * group + group / 2,
      bottom.y + bottom.height + 30,
      `${level}×`,
      'text-anchor="middle" font-size="11"',
    )
  })
  OUTCOMES.forEach((outcome, i) => {
    const ly = bottom.y + 10 + i * 20
    out.push(
      `<rect x="${left + plotWidth + 20}" y="${ly - 10}" width="12" height="12" fill="${outcome.color}"/>`,
    )
    text(left + plotWidth + 40, ly, outcome.label, 'font-size="12"')
  })
  modes.forEach((mode, i) => {
    text(
      left + plotWidth + 20,
      bottom.y + 20 + (OUTCOMES.length + i) * 18,
      `${['P', 'G', 'R'][i] ?? i}: ${label(mode)}`,
      'font-size="11"',
    )
  })

  const height = bottom.y + bottom.height + 62
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="system-ui, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    ...out,
    `<text x="${left}" y="${height - 10}" font-size="11" fill="#555">${escapeXml(
      `R = ${report.model.reservedConcurrency}, downstream ${report.model.downstreamSlots} × ${report.model.downstreamMs / 1000} s, Redis limit ${report.model.limit}; ${report.date}`,
    )}</text>`,
    '</svg>',
    '',
  ].join('\n')
}

const SCENARIO_NOTES = {
  'cold-burst':
    'all environments fork at once and get traffic at once; invocations wait for their environment to initialise',
  'redis-slow': 'a side connection issues `DEBUG SLEEP 0.05` every 500 real ms',
  'redis-paused': 'redis-server gets SIGSTOP a third into the run and SIGCONT 2 real s later',
  'retrying-clients':
    "clients retry as `got`'s defaults do: 2 retries on 408/413/429/500/502/503/504/521/522/524, Retry-After honoured, else 1 s, 2 s + up to 100 ms noise (modelled time)",
  'retrying-clients-wait':
    "the same retrying clients (same arrivals), with the limiter's `maxWaitMs` (`--max-wait`, modelled ms; 1 s by default, 20 real ms): a refused request first waits for a slot, within its deadline, before its 429; the wait occupies its environment",
}
/** The limit may be exceeded by at most this factor: 1 where Redis answers, 2 while it is paused. */
const PEAK_FACTOR = {
  'cold-burst': 1,
  'redis-slow': 1,
  'redis-paused': 2,
  'retrying-clients': 1,
  'retrying-clients-wait': 1,
}
/** Scenarios in which Redis itself is healthy: the decision p99 target applies. */
const REDIS_HEALTHY = new Set(['cold-burst', 'retrying-clients'])

/** The scenario section of fleet.md: one row per (scenario, mode), then the targets. */
export function renderScenarios(report) {
  const rows = report.scenarios ?? []
  if (rows.length === 0) return ''
  const check = (ok) => (ok ? 'met' : '**not met**')
  const lines = [
    `## Scenarios (offered load ${report.scenarioLevel}× capacity, ${report.model.secondsPerLevel} real s each)`,
    '',
    ...Object.entries(SCENARIO_NOTES)
      .filter(([name]) => rows.some((r) => r.scenario === name))
      .map(([name, note]) => `- **${name}**: ${note}.`),
    '- Peak admitted: the most requests past admission (calling the downstream) at one moment, fleet-wide, counted by the front process; the Redis limit is ' +
      `${report.model.limit}, R = ${report.model.reservedConcurrency}.`,
    '',
    '| scenario | mode | requests (attempts) | goodput % cap. | peak admitted / limit | 2xx | 429 + RA | 500 throttle | 504 | refusals that are 429 + RA | rejection p99 (real) | Redis decision p50 / p99 (real) |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ]
  for (const r of rows) {
    const s = outcomeShares(r)
    lines.push(
      `| ${r.scenario} | ${label(r.mode)} | ${r.requests} | ${r.goodputPctOfCapacity} % | ${r.peakAdmitted} / ${r.limit} | ${s.served} | ${s.shed} | ${s.throttled} | ${s.timedOut} | ${cell(r.rejectedAs429RetryAfterPct, ' %')} | ${cell(r.rejectionRealMs.p99, ' ms')} | ${cell(r.redisDecisionRealMs.p50, ' ms')} / ${cell(r.redisDecisionRealMs.p99, ' ms')} |`,
    )
  }
  lines.push('', '### Scenario targets', '', '| target | achieved | |', '|---|---|---|')
  const limited = rows.filter((r) => r.mode === 'gateproof-redis')
  for (const r of limited) {
    const factor = PEAK_FACTOR[r.scenario] ?? 1
    lines.push(
      `| ${r.scenario}: peak admitted ≤ ${factor === 1 ? 'limit' : `${factor} × limit`} (${factor * r.limit}) | ${r.peakAdmitted} | ${check(r.peakAdmitted <= factor * r.limit)} |`,
    )
  }
  const retrying = limited.find((r) => r.scenario === 'retrying-clients')
  const plain = rows.find((r) => r.scenario === 'retrying-clients' && r.mode === 'plain')
  if (retrying && plain) {
    lines.push(
      `| retrying-clients: goodput ≥ the same clients against plain Lambda throttling (${plain.goodputPctOfCapacity} %) | ${retrying.goodputPctOfCapacity} % | ${check(retrying.goodputPctOfCapacity >= plain.goodputPctOfCapacity)} |`,
    )
  }
  const waiting = limited.find((r) => r.scenario === 'retrying-clients-wait')
  if (waiting && plain) {
    lines.push(
      `| retrying-clients-wait: goodput ≥ the same clients against plain Lambda throttling (${plain.goodputPctOfCapacity} %) | ${waiting.goodputPctOfCapacity} % | ${check(waiting.goodputPctOfCapacity >= plain.goodputPctOfCapacity)} |`,
    )
  }
  const target = report.scenarioTargets?.redisDecisionP99RealMs ?? 1
  for (const r of limited) {
    const p99 = r.redisDecisionRealMs.p99
    if (r.scenario === 'retrying-clients-wait') {
      lines.push(
        `| ${r.scenario}: decision p99 (includes the wait for a slot, up to ${r.maxWaitMs} ms real; for information) | ${cell(p99, ' ms')} | – |`,
      )
      continue
    }
    lines.push(
      REDIS_HEALTHY.has(r.scenario)
        ? `| ${r.scenario}: Redis decision p99 < ${target} ms (in the fleet, real) | ${cell(p99, ' ms')} | ${check(p99 !== null && p99 < target)} |`
        : `| ${r.scenario}: Redis decision p99 (Redis made slow on purpose; for information, bounded by the ${report.model.budgetMs} ms budget) | ${cell(p99, ' ms')} | – |`,
    )
  }
  lines.push('', '![goodput and peak admitted per scenario](fleet-scenarios.svg)', '')
  return lines.join('\n')
}

/** Per scenario and mode: goodput as % of capacity, and the peak admitted against the limit. */
export function renderScenariosSvg(report) {
  const rows = report.scenarios ?? []
  const width = 900
  const left = 260
  const plotWidth = 560
  const rowHeight = 44
  const top = 60
  const out = []
  const text = (x, y, content, attrs = '') =>
    out.push(`<text x="${x}" y="${y}" ${attrs}>${escapeXml(content)}</text>`)
  text(
    20,
    28,
    `Scenarios at ${report.scenarioLevel}× capacity: goodput % of capacity (bar) and peak admitted vs the limit (bar below)`,
    'font-weight="bold" font-size="13"',
  )
  const maxPeak = Math.max(2 * report.model.limit, ...rows.map((r) => r.peakAdmitted))
  const xPct = (pct) => left + (Math.min(pct, 100) / 100) * plotWidth
  const xPeak = (n) => left + (n / maxPeak) * plotWidth
  rows.forEach((r, i) => {
    const y = top + i * rowHeight
    text(20, y + 14, `${r.scenario} — ${label(r.mode)}`, 'font-size="12"')
    const color = MODE_COLORS[r.mode] ?? '#333'
    out.push(
      `<rect x="${left}" y="${y}" width="${xPct(r.goodputPctOfCapacity) - left}" height="14" fill="${color}"/>`,
    )
    text(xPct(r.goodputPctOfCapacity) + 4, y + 12, `${r.goodputPctOfCapacity} %`, 'font-size="11"')
    out.push(
      `<rect x="${left}" y="${y + 18}" width="${xPeak(r.peakAdmitted) - left}" height="10" fill="#7f8c8d"/>`,
    )
    text(
      xPeak(r.peakAdmitted) + 4,
      y + 27,
      `peak ${r.peakAdmitted} / limit ${r.limit}`,
      'font-size="10"',
    )
  })
  const bottom = top + rows.length * rowHeight
  for (const [n, name] of [
    [report.model.limit, 'limit'],
    [2 * report.model.limit, '2 × limit'],
  ]) {
    out.push(
      `<line x1="${xPeak(n)}" x2="${xPeak(n)}" y1="${top - 6}" y2="${bottom}" stroke="#555" stroke-dasharray="4 3"/>`,
    )
    text(xPeak(n), bottom + 14, `${name} (peak scale)`, 'text-anchor="middle" font-size="10"')
  }
  const height = bottom + 40
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="system-ui, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    ...out,
    '</svg>',
    '',
  ].join('\n')
}

/**
 * What a Redis decision's time is made of, per measured run with the limiter: this process
 * before the command is sent, the round trip (sent → reply read, which includes redis-server
 * and both processes being scheduled), this process after the reply; redis-server's own time
 * for the script; and the wake-up experiment (the same decisions over 1, 4, 16 processes).
 */
export function renderDecisionParts(report) {
  const runs = [
    ...(report.modes?.['gateproof-redis'] ?? []).map((level) => ({
      name: `${level.level}× load`,
      ...level,
    })),
    ...(report.scenarios ?? [])
      .filter((r) => r.mode === 'gateproof-redis')
      .map((r) => ({ name: r.scenario, ...r })),
  ]
  const lines = []
  if (runs.length > 0) {
    lines.push(
      '## What a Redis decision is made of (real ms; redis-server in µs)',
      '',
      'Decision: from the load shedder asking the limiter to its answer, in the environment process. Before send: the',
      "limiter's own work until the script call is handed to ioredis. Round trip: from then until the reply is read,",
      'which includes redis-server running the script and both processes waiting for a CPU. After reply: from the',
      'reply to the answer. redis-server: `EVALSHA` as Redis timed it (`INFO latencystats`, `commandstats`). First:',
      "a process's first decision (cold) among the slowest 1 %.",
      '',
      '| run | decisions | decision p50 / p99 | before send p99 | round trip p50 / p99 | after reply p99 | redis-server µs per call / p99 / p99.9 | slowest 1 % that were first | p99 without first |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    )
    for (const r of runs) {
      const d = r.redisDecisionRealMs ?? {}
      const s = r.redisServerUs
      lines.push(
        `| ${r.name} | ${d.count ?? 0} | ${cell(d.p50)} / ${cell(d.p99)} | ${cell(d.beforeSendP99)} | ${cell(d.roundTripP50)} / ${cell(d.roundTripP99)} | ${cell(d.afterReplyP99)} | ${s ? `${cell(s.perCall)} / ${cell(s.p99)} / ${cell(s.p999)}` : '–'} | ${d.slowestOnePct ? `${d.slowestThatWereFirst} of ${d.slowestOnePct}` : '–'} | ${cell(d.withoutFirstP99)} |`,
      )
    }
    lines.push('')
  }
  const wakeups = report.wakeups
  if (wakeups) {
    lines.push(
      `### The same decisions over more processes (${wakeups.perSecond} decisions per real second in total, ${wakeups.seconds} s each)`,
      '',
      'Each process connects and `await limiter.ready` first, then sleeps a random (exponential) time between',
      'decisions, as an environment does between invocations; `bench/fleet/decider.mjs`.',
      '',
      '| processes | decisions | decision p50 / p99 / p99.9 (ms) | redis-server µs per call / p99 | load average |',
      '|---:|---:|---:|---:|---:|',
    )
    for (const w of wakeups.rows) {
      const s = w.redisServerUs
      lines.push(
        `| ${w.processes} | ${w.decisions} | ${cell(w.p50)} / ${cell(w.p99)} / ${cell(w.p999)} | ${s ? `${cell(s.perCall)} / ${cell(s.p99)}` : '–'} | ${w.loadAverage} |`,
      )
    }
    lines.push('')
  }
  return lines.join('\n')
}
