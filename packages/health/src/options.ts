import { checkOptionKeys, trimTrailingSlash } from "@harpia/core/utils";

/**
 * A readiness check: something the app needs to serve (a database, a store). It **fails** when
 * it throws, rejects, returns `false`, or takes longer than the `timeout`; any other result
 * (`undefined`, `true`, a value) passes.
 *
 * @example
 * const checks = {
 *   redis: () => store.get("health:probe"), // passes whenever Redis answers, whatever the value
 *   db: async () => (await sql`select 1`).length === 1,
 * };
 */
export type HealthCheck = () => unknown;

/** Options of {@link health}. Every one is checked when `health(options)` is called. */
export interface HealthOptions {
  /**
   * Path of the liveness probe (default `"/healthz"`): `200 {"status":"ok"}` for as long as the
   * process serves requests, closing or not. `false` serves none.
   */
  live?: string | false;
  /**
   * Path of the readiness probe (default `"/readyz"`): `200` once the app is marked ready and
   * every check passes, `503` before, when a check fails, and from the moment `app.close()`
   * begins. `false` serves none.
   */
  ready?: string | false;
  /** Named readiness checks, run (in parallel) by every request to the readiness probe. */
  checks?: Record<string, HealthCheck>;
  /** Milliseconds each check may take before it counts as failed (default 500). */
  timeout?: number;
  /**
   * Mark the app ready when `app.listen()` has started a server (default `true`). With `false`,
   * the readiness probe answers 503 until `health.setReady(true)`, e.g. after caches are warm.
   */
  readyOnListen?: boolean;
}

/** The options, checked and with their defaults. */
export interface ResolvedOptions {
  readonly live: string | undefined;
  readonly ready: string | undefined;
  /** The checks, in the order given. */
  readonly checks: ReadonlyArray<readonly [name: string, check: HealthCheck]>;
  readonly timeout: number;
  readonly readyOnListen: boolean;
}

/** Default milliseconds per check: under Kubernetes' default probe timeout of one second. */
const DEFAULT_TIMEOUT = 500;
/** The longest `timeout` accepted: a probe that waits longer is not a probe. */
const LARGEST_TIMEOUT = 60_000;

const KNOWN = new Set(["live", "ready", "checks", "timeout", "readyOnListen"]);

/** A probe path: static segments only (no params, wildcards, query or fragment). */
const STATIC_PATH = /^\/[A-Za-z0-9._~!$&'+,;=@%/-]*$/;

function probePath(value: unknown, option: "live" | "ready", fallback: string): string | undefined {
  if (value === undefined) return fallback;
  if (value === false) return undefined;
  if (typeof value !== "string" || !STATIC_PATH.test(value) || value.includes("//"))
    throw new TypeError(
      `health({ ${option} }) must be a static path such as "${fallback}", or false; got ${JSON.stringify(value)}`,
    );
  return trimTrailingSlash(value);
}

function readChecks(value: unknown): Array<[string, HealthCheck]> {
  if (value === undefined) return [];
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new TypeError("health({ checks }) must be an object of named functions: { redis: () => ... }");
  const checks: Array<[string, HealthCheck]> = [];
  for (const [name, check] of Object.entries(value)) {
    if (typeof check !== "function")
      throw new TypeError(`health({ checks }): "${name}" must be a function, got ${typeof check}`);
    checks.push([name, check as HealthCheck]);
  }
  return checks;
}

/** Checks `options` once, at `health(options)`: a `TypeError` names the first bad option. */
export function resolveOptions(options: HealthOptions | undefined): ResolvedOptions {
  options = checkOptionKeys(options ?? {}, "health()", KNOWN);
  const live = probePath(options.live, "live", "/healthz");
  const ready = probePath(options.ready, "ready", "/readyz");
  if (live === undefined && ready === undefined)
    throw new TypeError("health(): live and ready are both false, so there is nothing to serve");
  if (live === ready) throw new TypeError(`health(): live and ready are the same path (${live})`);
  const { timeout = DEFAULT_TIMEOUT, readyOnListen = true } = options;
  if (typeof timeout !== "number" || !Number.isInteger(timeout) || timeout < 1 || timeout > LARGEST_TIMEOUT)
    throw new TypeError(
      `health({ timeout }) must be a whole number of milliseconds from 1 to ${LARGEST_TIMEOUT}, got ${String(timeout)}`,
    );
  if (typeof readyOnListen !== "boolean")
    throw new TypeError(`health({ readyOnListen }) must be a boolean, got ${typeof readyOnListen}`);
  return { live, ready, checks: readChecks(options.checks), timeout, readyOnListen };
}
