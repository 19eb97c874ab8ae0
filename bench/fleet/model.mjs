// The system the fleet simulation models, in modelled (unscaled) time. Real time runs
// `scale` times faster: a modelled second lasts 1000 / scale real milliseconds. Only the
// modelled waits (downstream call, timeouts) are scaled; real code (IPC, Middy, Redis)
// runs at its real speed, so rejection and Redis decision times are reported unscaled.
export const MODEL = {
  scale: 50,
  /** Lambda reserved concurrency: an invocation beyond it is throttled (REST client: 500). */
  reservedConcurrency: 16,
  /** The handler's downstream (a partner API) serves this many calls at once, FIFO beyond. */
  downstreamSlots: 2,
  /** Modelled time of one downstream call. */
  downstreamMs: 4000,
  /** REST default integration timeout (gateway-facts §2.2). */
  integrationTimeoutMs: 29_000,
  functionTimeoutMs: 30_000,
  /** The timeout guard's margin (its default). */
  marginMs: 500,
  /** The fleet-wide concurrency limit on Redis: below R, sized against the downstream. */
  limit: 6,
  /** Real milliseconds a Redis decision may take (the limiter's default budget). */
  budgetMs: 25,
  /** Share of requests per priority. */
  priorities: { critical: 0.1, normal: 0.7, sheddable: 0.2 },
  /** Offered load as multiples of capacity. */
  levels: [0.5, 1, 1.5, 2, 3],
  /** Real seconds each load level runs. */
  secondsPerLevel: 10,
}

/** Requests per modelled second the downstream completes: the service's capacity. */
export const capacityPerSecond = (model) => model.downstreamSlots / (model.downstreamMs / 1000)

/** Modelled milliseconds → real milliseconds. */
export const real = (model, modelledMs) => modelledMs / model.scale
