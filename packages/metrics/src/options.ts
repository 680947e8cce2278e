import type { HarpiaRequest } from "@harpia/core";
import { checkOptionKeys, trimTrailingSlash } from "@harpia/core/utils";
import type { Registry } from "prom-client";

/**
 * Decides who may read the metrics: `true` serves them, `false` answers `403 Forbidden`. It
 * runs for every scrape (never for the app's other requests).
 *
 * @example
 * const guard = (req) => req.ip === "10.0.0.5"; // the Prometheus server
 */
export type MetricsGuard = (req: HarpiaRequest<any>) => boolean | Promise<boolean>;

/** Options of {@link metrics}. Every one is checked when `metrics(options)` is called. */
export interface MetricsOptions {
  /** Where the metrics are served (default `"/metrics"`): on the app, or on the `port` server. */
  path?: string;
  /**
   * A bearer token the scraper must send (`Authorization: Bearer <token>`, Prometheus'
   * `authorization.credentials`), compared in constant time; at least 16 characters. A missing
   * or wrong one is answered `401` with `WWW-Authenticate: Bearer`.
   */
  token?: string;
  /** Decides who may read the metrics (`false`: `403`); runs after the `token` check. */
  guard?: MetricsGuard;
  /**
   * Serve the metrics on a server of their own on this port (`0` picks a free one), started by
   * `app.listen()` and stopped by `app.close()`, instead of on the app. `token` and `guard`
   * still apply there.
   */
  port?: number;
  /** The interface the `port` server binds (default `"127.0.0.1"`: this machine only). */
  hostname?: string;
  /**
   * The prom-client registry the metrics are registered on (default: a new one per plugin, so
   * two apps in one process never share counters). Register your own metrics on
   * `plugin.registry` to serve them with the rest.
   */
  registry?: Registry;
  /** Prepended to every metric name, default metrics included (e.g. `"shop_"`). Default none. */
  prefix?: string;
  /**
   * Upper bounds of the duration histogram's buckets, in seconds, increasing (default
   * prom-client's: 5 ms to 10 s).
   */
  buckets?: readonly number[];
  /** Also serve prom-client's process metrics: CPU, memory, event loop lag... (default `true`). */
  collectDefaultMetrics?: boolean;
}

/** The options, checked and with their defaults. */
export interface ResolvedOptions {
  readonly path: string;
  readonly token: string | undefined;
  readonly guard: MetricsGuard | undefined;
  readonly port: number | undefined;
  readonly hostname: string;
  readonly registry: Registry | undefined;
  readonly prefix: string;
  readonly buckets: readonly number[];
  readonly collectDefaultMetrics: boolean;
}

/** prom-client's default buckets, in seconds. */
export const DEFAULT_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
]);
/** The shortest token accepted: a short one can be guessed. */
const SHORTEST_TOKEN = 16;
/** Most buckets a histogram may have: every route × method × status gets each one. */
const MOST_BUCKETS = 64;

const KNOWN = new Set([
  "path",
  "token",
  "guard",
  "port",
  "hostname",
  "registry",
  "prefix",
  "buckets",
  "collectDefaultMetrics",
]);

/** A path of static segments (no params, wildcards, query or fragment). */
const STATIC_PATH = /^\/[A-Za-z0-9._~!$&'+,;=@%/-]*$/;
/** What a metric name may start with (the prefix is the start of every name). */
const METRIC_PREFIX = /^[A-Za-z_:][A-Za-z0-9_:]*$/;
/** A bearer token (RFC 6750 `b64token`). */
const TOKEN = /^[A-Za-z0-9._~+/-]+=*$/;

function fail(option: string, expected: string, got: unknown): never {
  const shown = typeof got === "string" ? JSON.stringify(got) : typeof got;
  throw new TypeError(`metrics({ ${option} }) must be ${expected}, got ${shown}`);
}

function readBuckets(value: unknown): readonly number[] {
  if (value === undefined) return DEFAULT_BUCKETS;
  const expected = `an increasing list of 1 to ${MOST_BUCKETS} positive finite numbers (seconds)`;
  if (!Array.isArray(value) || value.length === 0 || value.length > MOST_BUCKETS)
    fail("buckets", expected, value);
  for (let i = 0; i < value.length; i++) {
    const bound: unknown = value[i];
    if (
      typeof bound !== "number" ||
      !Number.isFinite(bound) ||
      bound <= 0 ||
      (i > 0 && bound <= value[i - 1])
    )
      throw new TypeError(`metrics({ buckets }) must be ${expected}; item ${i} is ${String(bound)}`);
  }
  return Object.freeze([...value]);
}

function isRegistry(value: unknown): value is Registry {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Registry).registerMetric === "function" &&
    typeof (value as Registry).metrics === "function"
  );
}

/** Checks `options` once, at `metrics(options)`: a `TypeError` names the first bad option. */
export function resolveOptions(options: MetricsOptions | undefined): ResolvedOptions {
  options = checkOptionKeys(options ?? {}, "metrics()", KNOWN);
  const { path = "/metrics", token, guard, port, hostname, registry, prefix = "" } = options;
  if (typeof path !== "string" || !STATIC_PATH.test(path) || path.includes("//"))
    fail("path", 'a static path such as "/metrics"', path);
  if (
    token !== undefined &&
    (typeof token !== "string" || token.length < SHORTEST_TOKEN || !TOKEN.test(token))
  )
    throw new TypeError(
      `metrics({ token }) must be a string of at least ${SHORTEST_TOKEN} characters of ` +
        `A-Z a-z 0-9 - . _ ~ + / (a bearer token), got ${typeof token === "string" ? `${token.length} characters` : typeof token}`,
    );
  if (guard !== undefined && typeof guard !== "function") fail("guard", "a function (req) => boolean", guard);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535))
    throw new TypeError(`metrics({ port }) must be an integer from 0 to 65535, got ${String(port)}`);
  if (hostname !== undefined && (typeof hostname !== "string" || hostname === ""))
    fail("hostname", 'an interface such as "127.0.0.1"', hostname);
  if (hostname !== undefined && port === undefined)
    throw new TypeError(
      "metrics({ hostname }) needs `port`: it is the interface of the separate metrics server",
    );
  if (registry !== undefined && !isRegistry(registry))
    fail("registry", "a prom-client Registry (new Registry())", registry);
  if (typeof prefix !== "string" || (prefix !== "" && !METRIC_PREFIX.test(prefix)))
    fail("prefix", "a metric name prefix of A-Z a-z 0-9 _ : (not starting with a digit)", prefix);
  const collect = options.collectDefaultMetrics ?? true;
  if (typeof collect !== "boolean") fail("collectDefaultMetrics", "a boolean", collect);
  return {
    path: trimTrailingSlash(path),
    token,
    guard,
    port,
    hostname: hostname ?? "127.0.0.1",
    registry,
    prefix,
    buckets: readBuckets(options.buckets),
    collectDefaultMetrics: collect,
  };
}
