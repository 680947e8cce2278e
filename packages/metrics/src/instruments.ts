import { Counter, collectDefaultMetrics, Gauge, Histogram, type Registry } from "prom-client";

/** The names of the metrics this package records (before the `prefix`). */
export const METRIC_NAMES = Object.freeze({
  requests: "http_requests_total",
  duration: "http_request_duration_seconds",
  inFlight: "http_requests_in_flight",
  webSockets: "websocket_connections",
});

/** The labels of the request counter and the duration histogram. */
type RequestLabel = "method" | "route" | "status";
const REQUEST_LABELS: RequestLabel[] = ["method", "route", "status"];

/** What the instruments read when they are collected (at scrape time, not per request). */
export interface Readings {
  /** Requests the app's servers are answering right now. */
  inFlight(): number;
  /** WebSocket connections the app has open right now. */
  webSockets(): number;
}

/** What one plugin records per request: the duration histogram (the counter is read from it). */
export interface Instruments {
  readonly duration: Histogram<RequestLabel>;
}

/** Options of {@link createInstruments}. */
export interface InstrumentOptions {
  readonly registry: Registry;
  readonly prefix: string;
  readonly buckets: readonly number[];
  readonly collectDefaultMetrics: boolean;
}

/** Registering a name twice (a shared registry, or default metrics collected already). */
function explain(error: unknown, prefix: string): never {
  if (error instanceof Error && /already been registered/.test(error.message))
    throw new Error(
      `@harpia/metrics: ${error.message}. The registry already has this metric: give each app its own ` +
        `registry (the default), another \`prefix\`${prefix === "" ? "" : ` than "${prefix}"`}, or ` +
        "`collectDefaultMetrics: false` when the default metrics are collected already",
      { cause: error },
    );
  throw error;
}

/**
 * Registers the duration histogram, the request counter (filled from the histogram's counts),
 * the in-flight and WebSocket gauges (read when scraped) and, unless turned off, prom-client's
 * default process metrics.
 */
export function createInstruments(options: InstrumentOptions, readings: Readings): Instruments {
  const { registry, prefix, buckets } = options;
  const registers = [registry];
  try {
    const durationName = `${prefix}${METRIC_NAMES.duration}`;
    const duration = new Histogram({
      name: durationName,
      help: "Time from the request entering the app to its response being ready, in seconds",
      labelNames: REQUEST_LABELS,
      buckets: [...buckets],
      registers,
    });
    const countName = `${durationName}_count`;
    // Every request is observed once by the histogram, whose `_count` is the number of requests:
    // the counter is filled from it when scraped, so a request pays for one observation, not two.
    new Counter({
      name: `${prefix}${METRIC_NAMES.requests}`,
      help: "HTTP requests answered, by method, route pattern and status",
      labelNames: REQUEST_LABELS,
      registers,
      async collect() {
        const { values } = await duration.get();
        this.reset();
        for (const { metricName, labels, value } of values)
          if (metricName === countName) this.inc(labels as Partial<Record<RequestLabel, string>>, value);
      },
    });
    new Gauge({
      name: `${prefix}${METRIC_NAMES.inFlight}`,
      help: "HTTP requests the app's servers are answering (a scrape the app serves included)",
      registers,
      collect() {
        this.set(readings.inFlight());
      },
    });
    new Gauge({
      name: `${prefix}${METRIC_NAMES.webSockets}`,
      help: "WebSocket connections open",
      registers,
      collect() {
        this.set(readings.webSockets());
      },
    });
    if (options.collectDefaultMetrics) collectDefaultMetrics({ register: registry, prefix });
    return { duration };
  } catch (error) {
    explain(error, prefix);
  }
}
