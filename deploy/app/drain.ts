import type { Harpia } from "@harpia/core";

/** Options of {@link drain}. */
export interface DrainOptions {
  /**
   * Milliseconds the instance keeps serving after the signal while it turns the balancer away,
   * before `app.close()`. Keep it below nginx's `fail_timeout` (see the deploy README). `0`:
   * close at once, as `listen({ shutdownOnSignals: true })` does.
   */
  drainMs: number;
  /** `app.close({ timeout })`: the longest in-flight requests get once closing. */
  timeoutMs: number;
  /** Told when draining starts and when the app closed (default `console.log`). */
  log?: (line: string) => void;
  /** Paths still served while draining (liveness probes). Default `["/livez"]`. */
  keepServing?: readonly string[];
}

/** The state of an instance's shutdown. */
export interface Drain {
  readonly drainMs: number;
  readonly timeoutMs: number;
  /** True from the signal on: `/readyz` answers 503. */
  readonly draining: boolean;
  /** Starts draining (what the signal does); resolves once the app is closed. */
  start(): Promise<void>;
}

/** Methods a balancer may send to another instance again (RFC 9110 safe methods). */
const RETRYABLE = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Graceful shutdown behind a balancer that only has passive health checks (nginx open source).
 *
 * `start()` (on SIGTERM: see {@link closeOnSignals}) drains the instance for `drainMs`:
 * - GET/HEAD/OPTIONS requests (WebSocket handshakes included) are answered `503` with
 *   `Retry-After: 1` and `Connection: close`, before any work. nginx, with
 *   `proxy_next_upstream ... http_503`, sends them to another instance (the client never sees
 *   the 503) and counts this instance as failed for `fail_timeout`: from then on it sends it
 *   nothing, POSTs included.
 * - Other requests (POST, PUT, PATCH, DELETE) are served normally, with `Connection: close`:
 *   nginx never resends a POST it already sent (it could run twice), so those must succeed here.
 * - `/readyz` answers 503 (for orchestrators that poll it).
 *
 * Then `app.close()`: the listening socket closes while nginx no longer sends anything here,
 * in-flight requests finish, WebSockets get 1001 (their clients reconnect, through nginx, to
 * another instance), stores close. Closing at once instead would cut the idle keep-alive
 * connections nginx may be sending a POST on at that very moment, which nginx answers 502.
 *
 * Install it before the app's other hooks, so drained requests cost nothing.
 */
export function drain(app: Harpia, options: DrainOptions): Drain {
  const { drainMs, timeoutMs } = options;
  if (!Number.isInteger(drainMs) || drainMs < 0)
    throw new TypeError(`drain: drainMs must be a whole number of milliseconds, got ${drainMs}`);
  const log = options.log ?? ((line: string) => console.log(line));
  const keepServing = new Set(options.keepServing ?? ["/livez"]);
  let draining = false;
  let closed: Promise<void> | undefined;

  app.addHook("onRequest", (req, res) => {
    if (!draining) return;
    res.headers.set("connection", "close");
    if (RETRYABLE.has(req.method) && !keepServing.has(req.path)) {
      req.state.telemetrySkip = true; // answered for the balancer, not for a client
      res
        .status(503)
        .header("retry-after", "1")
        .json({ status: 503, code: "DRAINING", message: "This instance is shutting down; try again" });
    }
  });

  return {
    drainMs,
    timeoutMs,
    get draining() {
      return draining;
    },
    start() {
      if (closed) return closed;
      draining = true;
      const since = performance.now();
      log(`draining for ${drainMs} ms`);
      closed = Bun.sleep(drainMs)
        .then(() => app.close({ timeout: timeoutMs }))
        .then(() => log(`closed ${Math.round(performance.now() - since)} ms after the signal`));
      return closed;
    },
  };
}

/**
 * Drains and closes on the first of `signals` (default SIGTERM, SIGINT), then lets the process
 * end by itself; a second signal, or the close overrunning, ends it at once.
 */
export function closeOnSignals(
  instance: Drain,
  signals: readonly NodeJS.Signals[] = ["SIGTERM", "SIGINT"],
): void {
  let signalled = false;
  const onSignal = () => {
    if (signalled) process.exit(1);
    signalled = true;
    // Whatever a close hook leaves running, the process ends.
    setTimeout(
      () => process.exit(process.exitCode ?? 0),
      instance.drainMs + 2 * instance.timeoutMs + 1_000,
    ).unref();
    instance.start().then(
      () => {
        for (const signal of signals) process.removeListener(signal, onSignal);
      },
      (error: unknown) => {
        console.error("closing failed:", error);
        process.exitCode = 1;
      },
    );
  };
  for (const signal of signals) process.on(signal, onSignal);
}
