/** `app.close()`'s options (also given to `listen({ shutdownOnSignals })`), and checking them. */

/** A drain with paths that stay served (see {@link CloseOptions.drain}). */
export interface DrainOptions {
  /** Milliseconds the drain lasts before the servers stop. */
  duration: number;
  /**
   * Paths (`req.path`, exact) served as usual while draining, e.g. a liveness probe that must
   * keep answering 200 until the process ends.
   */
  keepServing?: readonly string[];
}

/** Options of `app.close()`. */
export interface CloseOptions {
  /**
   * Milliseconds in-flight requests get to finish once the servers stop (default 10,000).
   * Requests still running then are cut.
   */
  timeout?: number;
  /**
   * Drain first, for this many milliseconds (default 0: stop at once), so a load balancer with
   * passive health checks (nginx) moves traffic away before the listening socket closes:
   * `app.closing` is true (readiness probes answer 503), GET, HEAD and OPTIONS requests
   * (WebSocket handshakes included) are answered `503` with `Retry-After: 1` and
   * `Connection: close` before anything of the app runs, for the balancer to resend them
   * elsewhere, and other requests (a POST a balancer will not resend) are served, with
   * `Connection: close`. `{ duration, keepServing }` also names paths served as usual.
   */
  drain?: number | DrainOptions;
  /**
   * Milliseconds each `onClose` hook gets (default: 10,000, or `timeout` when that is longer).
   * Separate from `timeout`, so `close({ timeout: 0 })` cuts requests, not the cleanup.
   */
  hookTimeout?: number;
}

/** {@link CloseOptions}, checked. */
export interface ResolvedClose {
  timeout: number;
  drain: number;
  keepServing: ReadonlySet<string>;
  hookTimeout: number;
}

const DEFAULT_TIMEOUT = 10_000;
/** The least each `onClose` hook gets unless `hookTimeout` says otherwise. */
const DEFAULT_HOOK_TIMEOUT = 10_000;

function milliseconds(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0)
    throw new TypeError(`${name} must be a number of milliseconds, got ${String(value)}`);
  return value;
}

/**
 * Checks close options (a `TypeError` naming the option); `names` says how the caller spells
 * them (`close({ timeout })` or `listen({ shutdownTimeout })`).
 */
export function resolveCloseOptions(
  options: CloseOptions,
  names: { timeout: string; drain: string; hookTimeout: string } = {
    timeout: "close({ timeout })",
    drain: "close({ drain })",
    hookTimeout: "close({ hookTimeout })",
  },
): ResolvedClose {
  if (options === null || typeof options !== "object") throw new TypeError("close() takes an options object");
  const timeout =
    options.timeout === undefined ? DEFAULT_TIMEOUT : milliseconds(options.timeout, names.timeout);
  const hookTimeout =
    options.hookTimeout === undefined
      ? Math.max(timeout, DEFAULT_HOOK_TIMEOUT)
      : milliseconds(options.hookTimeout, names.hookTimeout);
  const drain = options.drain ?? 0;
  if (typeof drain === "number")
    return { timeout, hookTimeout, drain: milliseconds(drain, names.drain), keepServing: new Set() };
  if (drain === null || typeof drain !== "object")
    throw new TypeError(
      `${names.drain} takes milliseconds or { duration, keepServing }, got ${String(drain)}`,
    );
  const duration = milliseconds(drain.duration, `${names.drain}.duration`);
  const keep = drain.keepServing ?? [];
  if (!Array.isArray(keep) || keep.some((path) => typeof path !== "string" || !path.startsWith("/")))
    throw new TypeError(`${names.drain}.keepServing must be a list of paths starting with "/"`);
  return { timeout, hookTimeout, drain: duration, keepServing: new Set(keep) };
}
