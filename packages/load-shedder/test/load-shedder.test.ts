import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics } from '@aws-lambda-powertools/metrics'
import {
  computeDeadline,
  GateproofOptionsError,
  gateproofPlugin,
  type RequestLike,
  setRequestDeadline,
} from '@gateproof/core'
import {
  type Limiter,
  type LoadShedderOptions,
  loadShedder,
  memoryLimiter,
} from '@gateproof/load-shedder'
import {
  albEvent,
  expectLog,
  expectMetric,
  httpApiEvent,
  lambdaContext,
  restEvent,
} from '@gateproof/testing'
import middy from '@middy/core'
import httpCors from '@middy/http-cors'
import httpErrorHandler from '@middy/http-error-handler'
import type { APIGatewayProxyEvent } from 'aws-lambda'
import { describe, expect, it } from 'vitest'
import { captureEachTest } from './helpers/capture.js'
import { fakeClock } from './helpers/clock.js'
import {
  contractRenderer,
  deferred,
  OK,
  type Response,
  rateLimitedResponse,
  settle,
} from './helpers/middy.js'

const capture = captureEachTest()

const newMetrics = () => new Metrics({ namespace: 'test', serviceName: 'orders' })
const newLogger = () => new Logger({ serviceName: 'orders' })

/** One Middy handler as a user would build it: renderer outermost, shedder early. */
function build(options: LoadShedderOptions, handler: (event: unknown) => unknown = () => OK) {
  const shedder = loadShedder(options)
  let calls = 0
  const wrapped = middy<unknown, Response>(async (event: unknown) => {
    calls++
    return handler(event) as Response
  }, gateproofPlugin(shedder))
    .use(contractRenderer())
    .use(shedder)
  return { shedder, handler: wrapped, calls: () => calls }
}

describe('loadShedder: the refusal a client gets', () => {
  const exhausted = () => {
    const clock = fakeClock()
    return { clock, limiter: memoryLimiter({ rate: { perSecond: 1, burst: 1 }, clock }) }
  }

  it('answers 429 with Retry-After, RateLimit headers and the error contract when the rate limit is spent', async () => {
    const { clock, limiter } = exhausted()
    const { handler } = build({ limiter, clock, jitter: 0 })
    const context = lambdaContext({ clock })
    await handler(restEvent({}, { arrivedAt: clock.now() }), context)

    const response = await handler(restEvent({}, { arrivedAt: clock.now() }), context)

    expect({ ...response, body: JSON.parse(response.body) }).toEqual(
      rateLimitedResponse('c6af9ac6-7b61-11e6-9a41-93e8deadbeef'),
    )
  })

  it('answers an ALB client with statusDescription too', async () => {
    const { clock, limiter } = exhausted()
    const { handler } = build({ limiter, clock, jitter: 0 })
    const context = lambdaContext({ clock, awsRequestId: 'alb-request-1' })
    await handler(albEvent({}, { arrivedAt: clock.now() }), context)

    const response = await handler(albEvent({}, { arrivedAt: clock.now() }), context)

    expect({ ...response, body: JSON.parse(response.body) }).toEqual({
      ...rateLimitedResponse('alb-request-1'),
      statusDescription: '429 Too Many Requests',
    })
  })

  it('answers 503 without detail when status 503 is chosen (a 5xx never carries its message)', async () => {
    const { clock, limiter } = exhausted()
    const { handler } = build({ limiter, clock, jitter: 0, status: 503 })
    const context = lambdaContext({ clock })
    await handler(httpApiEvent({}, { arrivedAt: clock.now() }), context)

    const response = await handler(httpApiEvent({}, { arrivedAt: clock.now() }), context)

    expect({ ...response, body: JSON.parse(response.body) }).toEqual({
      statusCode: 503,
      headers: {
        'Content-Type': 'application/problem+json',
        'Retry-After': '1',
        'RateLimit-Policy': '"default";q=1;w=1',
        RateLimit: '"default";r=0;t=1',
        'x-amzn-ErrorType': 'ServiceUnavailableException',
      },
      body: {
        type: 'about:blank',
        title: 'Service Unavailable',
        status: 503,
        errorType: 'ServiceUnavailableException',
        requestId: 'JKJaXmPLvHcESHA=',
      },
      isBase64Encoded: false,
    })
  })

  it('throws an http-errors HttpError in the Middy idiom, with bounded data', async () => {
    const { clock, limiter } = exhausted()
    const shedder = loadShedder({ limiter, clock, jitter: 0 })
    let thrown: unknown
    const handler = middy<unknown, Response>(async () => OK, gateproofPlugin(shedder))
      .use({
        onError: (request) => {
          thrown = request.error
          return OK
        },
      })
      .use(shedder)
    await handler(restEvent({}, { arrivedAt: clock.now() }), lambdaContext({ clock }))
    await handler(restEvent({}, { arrivedAt: clock.now() }), lambdaContext({ clock }))

    expect(thrown).toMatchObject({
      name: 'TooManyRequestsError',
      statusCode: 429,
      expose: true,
      message: 'Request rate exceeded. Retry after 1 second.',
      errorType: 'TooManyRequestsException',
      retryAfterSeconds: 1,
      cause: {
        package: '@gateproof/load-shedder',
        data: { reason: 'rate', priority: 'normal', retryAfterSeconds: 1 },
      },
    })
  })

  it('creates the refusal without a stack trace and leaves Error.stackTraceLimit as it was', async () => {
    const { clock, limiter } = exhausted()
    const shedder = loadShedder({ limiter, clock, jitter: 0 })
    let thrown: Error | undefined
    const handler = middy<unknown, Response>(async () => OK, gateproofPlugin(shedder))
      .use({
        onError: (request) => {
          thrown = request.error as Error
          return OK
        },
      })
      .use(shedder)
    const limit = Error.stackTraceLimit
    await handler(restEvent({}, { arrivedAt: clock.now() }), lambdaContext({ clock }))
    await handler(restEvent({}, { arrivedAt: clock.now() }), lambdaContext({ clock }))

    expect(thrown?.stack).toBe('TooManyRequestsError: Request rate exceeded. Retry after 1 second.')
    expect(Error.stackTraceLimit).toBe(limit)
  })

  it('renders through @middy/http-error-handler with every header a client needs', async () => {
    const { clock, limiter } = exhausted()
    const shedder = loadShedder({ limiter, clock, jitter: 0 })
    const handler = middy<unknown, Response>(async () => OK, gateproofPlugin(shedder))
      .use(httpErrorHandler({ logger: false }))
      .use(shedder)
    await handler(restEvent({}, { arrivedAt: clock.now() }), lambdaContext({ clock }))

    const response = await handler(
      restEvent({}, { arrivedAt: clock.now() }),
      lambdaContext({ clock }),
    )

    expect(response).toEqual({
      statusCode: 429,
      headers: {
        'Content-Type': 'text/plain',
        'Retry-After': '1',
        'RateLimit-Policy': '"default";q=1;w=1',
        RateLimit: '"default";r=0;t=1',
        'x-amzn-ErrorType': 'TooManyRequestsException',
      },
      body: 'Request rate exceeded. Retry after 1 second.',
    })
  })

  it('never runs the handler for a refused request', async () => {
    const { clock, limiter } = exhausted()
    const { handler, calls } = build({ limiter, clock })
    await handler(restEvent({}, { arrivedAt: clock.now() }), lambdaContext({ clock }))
    await handler(restEvent({}, { arrivedAt: clock.now() }), lambdaContext({ clock }))
    await handler(restEvent({}, { arrivedAt: clock.now() }), lambdaContext({ clock }))
    expect(calls()).toBe(1)
  })

  it('lets onError decorators such as CORS decorate the refusal', async () => {
    const { clock, limiter } = exhausted()
    const shedder = loadShedder({ limiter, clock, jitter: 0 })
    const handler = middy<unknown, Response>(async () => OK, gateproofPlugin(shedder))
      .use(httpCors({ origin: 'https://shop.example' }))
      .use(contractRenderer())
      .use(shedder)
    const event = restEvent(
      { headers: { Origin: 'https://shop.example' } },
      { arrivedAt: clock.now() },
    )
    await handler(event, lambdaContext({ clock }))

    const response = await handler(event, lambdaContext({ clock }))

    expect(response.statusCode).toBe(429)
    expect(response.headers).toMatchObject({
      'Access-Control-Allow-Origin': 'https://shop.example',
      'Retry-After': '1',
    })
  })

  it('jitters Retry-After upwards by at most the jitter share, never below the estimate', async () => {
    const clock = fakeClock()
    // Refill takes 10 s: Retry-After is 10 s stretched by up to 50 %.
    const limiter = memoryLimiter({ rate: { perSecond: 0.1, burst: 1 }, clock })
    const { handler } = build({ limiter, clock, jitter: 0.5 })
    await handler(restEvent({}, { arrivedAt: clock.now() }), lambdaContext({ clock }))
    const seen = new Set<number>()
    for (let i = 0; i < 200; i++) {
      const response = await handler(
        restEvent({}, { arrivedAt: clock.now() }),
        lambdaContext({ clock }),
      )
      seen.add(Number(response.headers?.['Retry-After']))
    }
    for (const value of seen) {
      expect(value).toBeGreaterThanOrEqual(10)
      expect(value).toBeLessThanOrEqual(15)
    }
    expect(seen.size).toBeGreaterThan(1)
  })
})

describe('loadShedder: deadline policy', () => {
  it('refuses a request that has less than minRemainingMs left before its deadline', async () => {
    const clock = fakeClock()
    const { handler, calls } = build({ clock, jitter: 0 })
    // REST gives up 29 s after arrival; 500 ms of margin leave 200 ms, under the 250 ms floor.
    const event = restEvent({}, { arrivedAt: clock.now() - 28_300 })

    const response = await handler(event, lambdaContext({ clock }))

    expect(response.statusCode).toBe(429)
    expect(JSON.parse(response.body).detail).toBe(
      'Not enough time left to complete the request. Retry after 1 second.',
    )
    expect(calls()).toBe(0)
  })

  it('admits the same request while more than the floor is left', async () => {
    const clock = fakeClock()
    const { handler, calls } = build({ clock })
    await handler(restEvent({}, { arrivedAt: clock.now() - 28_200 }), lambdaContext({ clock }))
    expect(calls()).toBe(1)
  })

  it("refuses when less is left than the route's predicted service time (p90 of recent durations)", async () => {
    const clock = fakeClock()
    const { handler, calls } = build({ clock }, () => {
      clock.advance(3000)
      return OK
    })
    for (let i = 0; i < 20; i++) {
      await handler(restEvent({}, { arrivedAt: clock.now() }), lambdaContext({ clock }))
    }
    // 29 s − 25 s − 0.5 s margin = 3.5 s left: enough for a 3 s request.
    const early = await handler(
      restEvent({}, { arrivedAt: clock.now() - 25_000 }),
      lambdaContext({ clock }),
    )
    // 29 s − 26 s − 0.5 s = 2.5 s left: it would end as a gateway 504.
    const late = await handler(
      restEvent({}, { arrivedAt: clock.now() - 26_000 }),
      lambdaContext({ clock }),
    )

    expect([early.statusCode, late.statusCode]).toEqual([200, 429])
    expect(calls()).toBe(21)
  })

  it('predicts per route: a slow route does not refuse requests of a fast one', async () => {
    const clock = fakeClock()
    const { handler } = build({ clock }, (event) => {
      if ((event as APIGatewayProxyEvent).resource === '/reports') clock.advance(10_000)
      return OK
    })
    for (let i = 0; i < 20; i++) {
      await handler(
        restEvent({ resource: '/reports' }, { arrivedAt: clock.now() }),
        lambdaContext({ clock }),
      )
    }
    const arrivedAt = clock.now() - 20_000
    const fast = await handler(restEvent({}, { arrivedAt }), lambdaContext({ clock }))
    const slow = await handler(
      restEvent({ resource: '/reports' }, { arrivedAt }),
      lambdaContext({ clock }),
    )
    expect([fast.statusCode, slow.statusCode]).toEqual([200, 429])
  })

  it('reads the deadline the timeout guard set for the request instead of computing one', async () => {
    const clock = fakeClock()
    const shedder = loadShedder({ clock })
    const guard = {
      before: (request: RequestLike) => {
        setRequestDeadline(
          request,
          computeDeadline(request.event, request.context, { integrationTimeoutMs: 5000, clock }),
        )
      },
    }
    const handler = middy<unknown, Response>(async () => OK, gateproofPlugin(shedder))
      .use(contractRenderer())
      .use(guard)
      .use(shedder)
    // With REST's default 29 s this request would have plenty left; the guard says 5 s.
    const response = await handler(
      restEvent({}, { arrivedAt: clock.now() - 4400 }),
      lambdaContext({ clock }),
    )
    expect(response.statusCode).toBe(429)
  })

  it('computes the deadline with integrationTimeoutMs and marginMs when no guard ran', async () => {
    const clock = fakeClock()
    const { handler } = build({ clock, integrationTimeoutMs: 5000, marginMs: 0 })
    const admitted = await handler(
      restEvent({}, { arrivedAt: clock.now() - 4700 }),
      lambdaContext({ clock }),
    )
    const refused = await handler(
      restEvent({}, { arrivedAt: clock.now() - 4800 }),
      lambdaContext({ clock }),
    )
    expect([admitted.statusCode, refused.statusCode]).toEqual([200, 429])
  })

  it("bounds the deadline by Lambda's remaining time when the front door has no timeout (ALB)", async () => {
    const clock = fakeClock()
    const { handler } = build({ clock })
    const event = albEvent({}, { arrivedAt: clock.now() })
    const refused = await handler(event, lambdaContext({ clock, remainingMs: 700 }))
    const admitted = await handler(event, lambdaContext({ clock, remainingMs: 800 }))
    expect([refused.statusCode, admitted.statusCode]).toEqual([429, 200])
  })

  it('can be turned off', async () => {
    const clock = fakeClock()
    const { handler } = build({ clock, deadline: false })
    const response = await handler(
      restEvent({}, { arrivedAt: clock.now() - 60_000 }),
      lambdaContext({ clock }),
    )
    expect(response.statusCode).toBe(200)
  })
})

describe('loadShedder: in-flight, adaptive and event-loop policies', () => {
  it('refuses past a static in-flight cap and admits again once a request finishes', async () => {
    const gate = deferred()
    const { handler, shedder } = build({ inFlight: 2, jitter: 0 }, async () => {
      await gate.promise
      return OK
    })
    const held = [handler(restEvent(), lambdaContext()), handler(restEvent(), lambdaContext())]
    await settle()

    const refused = await handler(restEvent(), lambdaContext())
    expect(refused.statusCode).toBe(429)
    expect(JSON.parse(refused.body).detail).toBe(
      'Too many concurrent requests. Retry after 1 second.',
    )
    expect(shedder.stats().inFlight).toBe(2)

    gate.resolve()
    await Promise.all(held)
    expect(shedder.stats().inFlight).toBe(0)
    expect((await handler(restEvent(), lambdaContext())).statusCode).toBe(200)
  })

  it('asks the cheapest policy first: a request both too late and over the cap is refused for its deadline', async () => {
    const clock = fakeClock()
    const gate = deferred()
    const metrics = newMetrics()
    const { handler } = build({ clock, inFlight: 1, metrics, jitter: 0 }, async () => {
      await gate.promise
      return OK
    })
    const held = handler(restEvent({}, { arrivedAt: clock.now() }), lambdaContext({ clock }))
    await settle()

    const late = await handler(
      restEvent({}, { arrivedAt: clock.now() - 29_000 }),
      lambdaContext({ clock }),
    )
    const onTime = await handler(
      restEvent({}, { arrivedAt: clock.now() }),
      lambdaContext({ clock }),
    )

    expect(JSON.parse(late.body).detail).toMatch(/^Not enough time left/)
    expect(JSON.parse(onTime.body).detail).toMatch(/^Too many concurrent requests/)
    expect(capture.metrics().map((m) => m.dimensions.Reason)).toEqual(['deadline', 'in-flight'])
    gate.resolve()
    await held
  })

  it('suggests the observed service time as Retry-After once requests have finished', async () => {
    const clock = fakeClock()
    const gate = deferred()
    let hold = false
    const { handler } = build({ inFlight: 1, clock, jitter: 0 }, async () => {
      clock.advance(4000)
      if (hold) await gate.promise
      return OK
    })
    await handler(restEvent({}, { arrivedAt: clock.now() }), lambdaContext({ clock }))
    hold = true
    const held = handler(restEvent({}, { arrivedAt: clock.now() }), lambdaContext({ clock }))
    await settle()

    const refused = await handler(
      restEvent({}, { arrivedAt: clock.now() }),
      lambdaContext({ clock }),
    )
    expect(refused.headers?.['Retry-After']).toBe('4')
    gate.resolve()
    await held
  })

  it('refuses past an adaptive limit that shrank after slow requests (aimd)', async () => {
    const clock = fakeClock()
    const gate = deferred()
    let slow = true
    const { handler, shedder } = build(
      {
        clock,
        jitter: 0,
        deadline: false,
        priority: () => 'critical',
        adaptive: {
          algorithm: 'aimd',
          initialLimit: 4,
          minLimit: 1,
          maxLimit: 4,
          backoffRatio: 0.5,
          latencyThresholdMs: 1000,
        },
      },
      async () => {
        if (slow) clock.advance(2000)
        else await gate.promise
        return OK
      },
    )
    await handler(restEvent(), lambdaContext({ clock }))
    expect(shedder.stats().adaptiveLimit).toBe(2)

    slow = false
    const held = [
      handler(restEvent(), lambdaContext({ clock })),
      handler(restEvent(), lambdaContext({ clock })),
    ]
    await settle()
    const refused = await handler(restEvent(), lambdaContext({ clock }))
    expect(JSON.parse(refused.body).detail).toBe(
      'Too many concurrent requests. Retry after 2 seconds.',
    )
    gate.resolve()
    await Promise.all(held)
  })

  it('refuses while the event loop is blocked, measured with perf_hooks', async () => {
    const logger = newLogger()
    const { handler, calls } = build({
      eventLoop: { maxDelayMs: 50, sampleIntervalMs: 1 },
      logger,
      jitter: 0,
    })
    await new Promise((resolve) => setTimeout(resolve, 30))
    const until = Date.now() + 250
    while (Date.now() < until) {
      // A CPU-bound neighbour request hogging the worker thread.
    }
    await new Promise((resolve) => setTimeout(resolve, 15))

    const response = await handler(restEvent(), lambdaContext())

    expect(response.statusCode).toBe(429)
    expect(JSON.parse(response.body).detail).toMatch(
      /^The service is overloaded\. Retry after \d+ seconds?\.$/,
    )
    expect(calls()).toBe(0)
    expectLog(capture, { level: 'WARN', fields: { reason: 'event-loop' } })
  })
})

describe('loadShedder: priorities', () => {
  it('sheds sheddable traffic at 8 of 10 in flight, normal at 9 and critical only at 10', async () => {
    const gate = deferred()
    const { handler } = build(
      {
        inFlight: 10,
        priority: (event) => (event as APIGatewayProxyEvent).headers['x-priority'] as never,
      },
      async () => {
        await gate.promise
        return OK
      },
    )
    const send = (priority: string) =>
      handler(restEvent({ headers: { 'x-priority': priority } }), lambdaContext())
    const held = Array.from({ length: 8 }, () => send('normal'))
    await settle()

    const sheddable = await send('sheddable')
    held.push(send('normal'))
    await settle()
    const normal = await send('normal')
    held.push(send('critical'))
    await settle()
    const critical = await send('critical')

    expect([sheddable.statusCode, normal.statusCode, critical.statusCode]).toEqual([429, 429, 429])
    gate.resolve()
    const admitted = await Promise.all(held)
    expect(admitted.map((r) => r.statusCode)).toEqual(Array(10).fill(200))
  })

  it('treats an unknown priority as normal (metric dimensions stay bounded)', async () => {
    const metrics = newMetrics()
    const clock = fakeClock()
    const { handler } = build({ clock, metrics, priority: () => 'urgent!' as never })
    await handler(restEvent({}, { arrivedAt: clock.now() - 29_000 }), lambdaContext({ clock }))
    expectMetric(capture, { name: 'LoadShed', dimensions: { Priority: 'normal' } })
  })

  it('passes the key and priority to the limiter, with the deadline as the lease end', async () => {
    const clock = fakeClock()
    const seen: unknown[] = []
    const limiter: Limiter = {
      name: 'spy',
      acquire(request) {
        seen.push(request)
        return { admitted: true, release: () => undefined }
      },
    }
    const { handler } = build({
      clock,
      limiter,
      key: (event) => `tenant-${(event as APIGatewayProxyEvent).headers['x-tenant']}`,
      priority: () => 'critical',
    })
    const arrivedAt = clock.now() - 1000
    await handler(
      restEvent({ headers: { 'x-tenant': 'acme' } }, { arrivedAt }),
      lambdaContext({ clock }),
    )
    expect(seen).toEqual([
      { key: 'tenant-acme', priority: 'critical', deadlineAt: arrivedAt + 29_000 },
    ])
  })
})

describe('loadShedder: limiters', () => {
  it('awaits an asynchronous limiter and refuses with its reason and quota', async () => {
    const limiter: Limiter = {
      name: 'remote',
      acquire: async () => ({
        admitted: false,
        reason: 'rate',
        retryAfterMs: 2500,
        quota: { limit: 100, remaining: 0, resetSeconds: 2.5, windowSeconds: 60 },
      }),
    }
    const { handler, calls } = build({ limiter, jitter: 0 })
    const response = await handler(restEvent(), lambdaContext())
    expect(response.headers).toMatchObject({
      'Retry-After': '3',
      'RateLimit-Policy': '"default";q=100;w=60',
      RateLimit: '"default";r=0;t=3',
    })
    expect(calls()).toBe(0)
  })

  it("reports a limiter's reason that is not a bounded name as `limiter`", async () => {
    const metrics = newMetrics()
    const limiter: Limiter = {
      name: 'odd',
      acquire: () => ({ admitted: false, reason: 'Tenant 42 is over quota', retryAfterMs: 1000 }),
    }
    const { handler } = build({ limiter, metrics })
    await handler(restEvent(), lambdaContext())
    expectMetric(capture, { name: 'LoadShed', dimensions: { Reason: 'limiter' } })
  })

  it('admits, and logs a warning, when the limiter fails', async () => {
    const logger = newLogger()
    const failing: Limiter = {
      name: 'broken',
      acquire: async () => {
        throw new Error('connection refused')
      },
    }
    const { handler, calls, shedder } = build({ limiter: failing, logger })
    const response = await handler(restEvent(), lambdaContext())
    expect(response.statusCode).toBe(200)
    expect(calls()).toBe(1)
    expect(shedder.stats().inFlight).toBe(0)
    expectLog(capture, {
      level: 'WARN',
      message: 'load shedder limiter failed; admitting the request',
      fields: { limiter: 'broken' },
    })
  })

  it('consults the limiter only after the local policies admitted the request', async () => {
    const clock = fakeClock()
    let asked = 0
    const limiter: Limiter = {
      name: 'spy',
      acquire: () => {
        asked++
        return { admitted: true, release: () => undefined }
      },
    }
    const { handler } = build({ clock, limiter })
    await handler(restEvent({}, { arrivedAt: clock.now() - 29_000 }), lambdaContext({ clock }))
    expect(asked).toBe(0)
  })
})

describe('loadShedder: telemetry', () => {
  it('emits one LoadShed metric and one log line per refusal', async () => {
    const clock = fakeClock()
    const { handler } = build({ clock, metrics: newMetrics(), logger: newLogger(), jitter: 0 })
    await handler(restEvent({}, { arrivedAt: clock.now() - 29_000 }), lambdaContext({ clock }))

    expect(capture.metrics().map(({ line: _line, ...metric }) => metric)).toEqual([
      {
        name: 'LoadShed',
        value: 1,
        unit: 'Count',
        namespace: 'test',
        dimensions: { service: 'orders', Reason: 'deadline', Priority: 'normal' },
      },
    ])
    expect(capture.logs()).toHaveLength(1)
    expectLog(capture, {
      level: 'WARN',
      message: 'load shedder refused the request',
      fields: {
        package: '@gateproof/load-shedder',
        reason: 'deadline',
        priority: 'normal',
        status: 429,
        dryRun: false,
        retryAfterSeconds: 1,
        limit: 250,
        inFlight: 0,
        remainingMs: -500,
        integration: 'rest',
        requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      },
    })
  })

  it('emits nothing for admitted requests', async () => {
    const { handler } = build({ metrics: newMetrics(), logger: newLogger(), inFlight: 5 })
    for (let i = 0; i < 5; i++) await handler(restEvent(), lambdaContext())
    expect(capture.lines).toEqual([])
  })
})

describe('loadShedder: dry run', () => {
  it('admits what it would refuse, and logs and counts it with DryRun=true', async () => {
    const clock = fakeClock()
    const { handler, calls } = build({
      clock,
      dryRun: true,
      metrics: newMetrics(),
      logger: newLogger(),
      jitter: 0,
    })
    const response = await handler(
      restEvent({}, { arrivedAt: clock.now() - 29_000 }),
      lambdaContext({ clock }),
    )

    expect(response).toEqual(OK)
    expect(calls()).toBe(1)
    expectMetric(capture, {
      name: 'LoadShed',
      dimensions: { Reason: 'deadline', Priority: 'normal', DryRun: 'true' },
      value: 1,
    })
    expectLog(capture, {
      level: 'INFO',
      message: 'load shedder would refuse the request (dry run)',
      fields: { reason: 'deadline', dryRun: true },
    })
  })

  it('still counts the admitted request in flight, and never consults the limiter for it', async () => {
    const gate = deferred()
    let asked = 0
    const limiter: Limiter = {
      name: 'spy',
      acquire: () => {
        asked++
        return { admitted: true, release: () => undefined }
      },
    }
    const { handler, shedder } = build({ dryRun: true, inFlight: 1, limiter }, async () => {
      await gate.promise
      return OK
    })
    const first = handler(restEvent(), lambdaContext())
    const second = handler(restEvent(), lambdaContext())
    await settle()
    expect(shedder.stats().inFlight).toBe(2)
    expect(asked).toBe(1)
    gate.resolve()
    expect((await Promise.all([first, second])).map((r) => r.statusCode)).toEqual([200, 200])
    expect(shedder.stats().inFlight).toBe(0)
  })

  it('admits a request its limiter refuses', async () => {
    const limiter: Limiter = {
      name: 'spy',
      acquire: () => ({ admitted: false, reason: 'rate', retryAfterMs: 1000 }),
    }
    const { handler, shedder } = build({ dryRun: true, limiter })
    expect((await handler(restEvent(), lambdaContext())).statusCode).toBe(200)
    expect(shedder.stats().inFlight).toBe(0)
  })
})

describe('loadShedder: options', () => {
  it.each([
    [{ status: 500 }, 'option "status" must be 429 or 503, got 500'],
    [{ inFlight: 0 }, 'option "inFlight" must be an integer from 1 to 1000000, got 0'],
    [{ dryrun: true }, 'unknown option "dryrun"'],
    [{ deadline: { minRemaining: 5 } }, 'unknown option "deadline.minRemaining"'],
    [
      { deadline: { percentile: 2 } },
      'option "deadline.percentile" must be a number from 0.01 to 1',
    ],
    [
      { adaptive: { algorithm: 'vegas' } },
      'option "adaptive.algorithm" must be one of "gradient2", "aimd"',
    ],
    [{ adaptive: { minLimit: 50 } }, 'minLimit ≤ initialLimit ≤ maxLimit, got 50, 20, 200'],
    [{ eventLoop: 'yes' }, 'option "eventLoop" must be an object'],
    [{ limiter: {} }, 'option "limiter" must implement Limiter'],
    [{ priority: 'critical' }, 'option "priority" must be a function'],
    [{ shares: { sheddable: 0.99 } }, 'critical ≥ normal ≥ sheddable'],
    [{ jitter: 2 }, 'option "jitter" must be a number from 0 to 1, got 2'],
    [{ clock: {} }, 'option "clock" must have a now() method'],
  ])('rejects %j when the middleware is built', (options, message) => {
    expect(() => loadShedder(options as never)).toThrow(GateproofOptionsError)
    expect(() => loadShedder(options as never)).toThrow(message)
  })

  it('accepts a null integrationTimeoutMs (a front door without a timeout)', () => {
    expect(() => loadShedder({ integrationTimeoutMs: null })).not.toThrow()
  })

  // Issue 18: the checks became a table with no behaviour change: with several options wrong,
  // the one reported is the one reported before — top-level options, then deadline, adaptive
  // (its limits' order included) and eventLoop — and a getter is read in that order too.
  it.each([
    [{ deadline: { bogus: 1 }, jitter: 5 }, 'option "jitter" must be a number from 0 to 1, got 5'],
    [
      { adaptive: { minLimit: 5, maxLimit: 2 }, eventLoop: { x: 1 } },
      'option "adaptive" needs minLimit ≤ initialLimit ≤ maxLimit, got 5, 20, 2',
    ],
    [{ metrics: {}, status: 1 }, 'option "metrics" must be a Powertools Metrics instance'],
    [{ logger: 1, inFlight: 0 }, 'option "logger" must be a Powertools Logger instance or false'],
    [
      { deadline: { predict: 1 }, adaptive: true, inFlight: 0.5 },
      'option "inFlight" must be an integer from 1 to 1000000, got 0.5',
    ],
  ])('issue 18: reports %j as it did before the option table', (options, message) => {
    expect(() => loadShedder(options as never)).toThrow(message)
  })

  it('issue 18: reads a nested option only after every top-level one, as before the option table', () => {
    const deadline = {
      get maxKeys(): number {
        throw new Error('read too early')
      },
    }
    expect(() => loadShedder({ deadline, jitter: 9 })).toThrow(
      'option "jitter" must be a number from 0 to 1, got 9',
    )
  })

  it('issue 18: an unknown option still lists the options in their documented order', () => {
    expect(() => loadShedder({ typo: 1 } as never)).toThrow(
      'unknown option "typo"; expected one of "integration", "status", "dryRun", "deadline", "inFlight", "adaptive", "eventLoop", "limiter", "priority", "shares", "key", "cost", "integrationTimeoutMs", "marginMs", "jitter", "clock", "metrics", "logger"',
    )
  })
})
