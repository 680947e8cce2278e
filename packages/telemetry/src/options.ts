import { type AtomicStore, MemoryStore } from "@harpia/core";
import { pathWithin } from "@harpia/core/utils";
import type { TelemetryTrustProxy } from "./client-ip";
import type { DashboardRouteOptions } from "./dashboard";

/** Options of `telemetry(options)` (and `new Telemetry(options)`). */
export interface TelemetryOptions {
  /**
   * Where data lives (default: a `MemoryStore` sized for the caps below). Use a `RedisStore`
   * from `@harpia/store-redis` to keep data across restarts and count across instances.
   */
  store?: AtomicStore;
  /** Key prefix inside the store (default `"telemetry:"`). */
  prefix?: string;
  /**
   * Paths not recorded: exact paths (`"/healthcheck"`), whole subtrees (`"/assets/*"` matches
   * `/assets` and everything under it) or regular expressions. A leading `/` may be left out
   * (`"favicon.ico"` is `"/favicon.ico"`).
   */
  ignore?: (string | RegExp)[];
  /**
   * @deprecated Ignored (with a one-time warning): the visitor's IP is `req.ip`, so set
   * `harpia({ trustProxy })` on the app instead, e.g. `{ header: "cf-connecting-ip" }` behind
   * Cloudflare or `1` behind one nginx. Reading forwarding headers here let any client choose
   * its IP and pass `allowedIps`.
   */
  trustProxy?: TelemetryTrustProxy;
  /** Most visitors (IPs) kept per day, with their visits (default 5,000). More are counted only. */
  maxVisitorsKeys?: number;
  /** Most recent visits kept per visitor per day (default 20). */
  maxVisitsPerIp?: number;
  /** Most distinct paths counted per day (default 1,000); later new paths count as `"(other)"`. */
  maxPaths?: number;
  /** Most distinct `source/medium` pairs per day (default 200); later ones count as `"(other)"`. */
  maxSources?: number;
  /** Most errors kept per day for `getErrors` (default 1,000); `countErrors` counts them all. */
  maxErrorsPerDay?: number;
  /** Days kept (default 30, at most 400); older days expire. */
  retentionDays?: number;
  /** Responses with this status or above are errors (default 400; 500 counts server errors only). */
  errorStatus?: number;
  /** Secret required by every reading call and the dashboard (at least 8 characters). */
  accessToken?: string;
  /** IPs and IPv4 CIDR ranges allowed to read (checked against `callerIp`). */
  allowedIps?: string[];
  /**
   * Serves the dashboard on the app `app.use(telemetry)` installs on, at `path` (default
   * `"/admin/telemetry"`), with the options of `telemetry.dashboard()` (title, slowThreshold...).
   * Needs `accessToken` and/or `allowedIps` (or `allowUnguarded: true`).
   */
  dashboard?: DashboardRouteOptions;
  /**
   * Most recordings in flight at once (default 10,000). Recording happens after the response
   * is ready and is not awaited by it; beyond this, requests are counted in `droppedRecords`
   * instead of queueing without limit while the store is slow.
   */
  maxPending?: number;
  /**
   * Called when recording fails (e.g. the store is down); requests are never affected.
   * Default: `console.warn`, at most once a minute.
   */
  onError?: (error: unknown) => void;
  /** The clock (default `() => new Date()`); for tests and back-fills. */
  clock?: () => Date;
}

/** Options after defaults and validation. */
export interface ResolvedOptions {
  store: AtomicStore;
  prefix: string;
  ignore: (path: string) => boolean;
  maxVisitorsKeys: number;
  maxVisitsPerIp: number;
  maxPaths: number;
  maxSources: number;
  maxErrorsPerDay: number;
  retentionDays: number;
  /** TTL of every key: the retention period plus the day being written. */
  ttlSeconds: number;
  errorStatus: number;
  maxPending: number;
  onError: (error: unknown) => void;
  clock: () => Date;
}

function integer(
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max)
    throw new RangeError(
      `Telemetry: \`${name}\` must be an integer from ${min} to ${max}, got ${String(value)}`,
    );
  return value;
}

/** Trailing slashes do not make a different page (`/about/` is `/about`). */
export function normalizePath(path: string): string {
  return path.length > 1 && path.endsWith("/") ? path.replace(/\/+$/, "") || "/" : path;
}

/** Compiles `ignore` once: exact paths in a set, subtrees and patterns in lists. */
export function compileIgnore(rules: (string | RegExp)[] = []): (path: string) => boolean {
  if (!Array.isArray(rules)) throw new TypeError("Telemetry: `ignore` must be an array");
  const exact = new Set<string>();
  const subtrees: string[] = [];
  const patterns: RegExp[] = [];
  for (const given of rules) {
    if (given instanceof RegExp) {
      patterns.push(given);
      continue;
    }
    if (typeof given !== "string" || given.trim() === "")
      throw new TypeError(`Telemetry: ignore rules are paths or RegExps, got ${String(given)}`);
    // "favicon.ico" and "css/*" name the same paths as "/favicon.ico" and "/css/*" (as the seed).
    const rule = given.startsWith("/") ? given : `/${given}`;
    if (rule.endsWith("/*")) subtrees.push(normalizePath(rule.slice(0, -2)) || "/");
    else exact.add(normalizePath(rule));
  }
  if (exact.size === 0 && subtrees.length === 0 && patterns.length === 0) return () => false;
  return (path) => {
    if (exact.has(path)) return true;
    for (const root of subtrees) if (pathWithin(path, root)) return true;
    for (const pattern of patterns) {
      pattern.lastIndex = 0;
      if (pattern.test(path)) return true;
    }
    return false;
  };
}

function throttledWarning(): (error: unknown) => void {
  let last = 0;
  return (error) => {
    const now = Date.now();
    if (now - last < 60_000) return;
    last = now;
    console.warn("[harpia/telemetry] recording failed (requests are not affected):", error);
  };
}

let warnedTrustProxy = false;

/** The deprecated `trustProxy` option is accepted and ignored; say so once per process. */
function warnTrustProxyOnce(): void {
  if (warnedTrustProxy) return;
  warnedTrustProxy = true;
  console.warn(
    "[harpia/telemetry] the Telemetry `trustProxy` option is deprecated and ignored: the visitor's IP is " +
      "req.ip, which follows the app's setting. Set harpia({ trustProxy }) instead " +
      '(e.g. 1 behind one proxy, or { header: "cf-connecting-ip" } behind Cloudflare).',
  );
}

/** Applies defaults and checks every option, with clear errors. */
export function resolveOptions(options: TelemetryOptions = {}): ResolvedOptions {
  const maxVisitorsKeys = integer("maxVisitorsKeys", options.maxVisitorsKeys, 5_000, 1, 1_000_000);
  const maxVisitsPerIp = integer("maxVisitsPerIp", options.maxVisitsPerIp, 20, 1, 1_000);
  const maxPaths = integer("maxPaths", options.maxPaths, 1_000, 1, 100_000);
  const maxSources = integer("maxSources", options.maxSources, 200, 1, 100_000);
  const maxErrorsPerDay = integer("maxErrorsPerDay", options.maxErrorsPerDay, 1_000, 1, 100_000);
  const retentionDays = integer("retentionDays", options.retentionDays, 30, 1, 400);
  const prefix = options.prefix ?? "telemetry:";
  if (typeof prefix !== "string") throw new TypeError("Telemetry: `prefix` must be a string");
  if (options.trustProxy !== undefined) warnTrustProxyOnce();
  const store =
    options.store ??
    new MemoryStore({
      // Per day: a few counters and hashes, plus a counter and a visit list per visitor.
      maxEntries: (retentionDays + 1) * (2 * maxVisitorsKeys + 32),
      maxCollectionSize: Math.max(maxPaths, maxSources) + 1,
      maxListLength: Math.max(maxVisitsPerIp, maxErrorsPerDay),
    });
  for (const method of ["increment", "hashIncrement", "setAdd", "listPush", "keys"] as const) {
    if (typeof (store as unknown as Record<string, unknown>)[method] !== "function")
      throw new TypeError(`Telemetry: \`store\` must be an AtomicStore (it has no ${method}())`);
  }
  return {
    store,
    prefix,
    ignore: compileIgnore(options.ignore),
    maxVisitorsKeys,
    maxVisitsPerIp,
    maxPaths,
    maxSources,
    maxErrorsPerDay,
    retentionDays,
    ttlSeconds: (retentionDays + 1) * 86_400,
    errorStatus: integer("errorStatus", options.errorStatus, 400, 100, 599),
    maxPending: integer("maxPending", options.maxPending, 10_000, 1, 10_000_000),
    onError: options.onError ?? throttledWarning(),
    clock: options.clock ?? (() => new Date()),
  };
}
