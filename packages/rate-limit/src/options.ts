import { type HarpiaRequest, type HarpiaResponse, MemoryStore, type Store } from "@harpia/core";
import { checkOptionKeys } from "@harpia/core/utils";
import { compileAllowList } from "./allow-list";
import { type Duration, durationSeconds } from "./duration";

/** How requests are counted: one counter per window, or the sliding-window estimate. */
export type Algorithm = "fixed" | "sliding";

/**
 * Which rate-limit headers go on counted responses: the IETF draft's structured fields
 * (`RateLimit-Policy: "api";q=100;w=60` and `RateLimit: "api";r=42;t=17`; `"draft-10"` is
 * the same syntax), the older `RateLimit-Limit`/`-Remaining`/`-Reset` trio, or none
 * (`Retry-After` is sent on a 429 whatever this says).
 */
export type HeaderStyle = "draft-11" | "draft-10" | "legacy" | false;

/**
 * What a limiter does when its store fails (Redis down: `StoreUnavailableError`):
 * - `"local"` (default): counts in this process's memory until the store answers again, so the
 *   limit still holds per instance (N instances let up to N × `limit` through meanwhile);
 * - `"allow"`: lets requests through uncounted (fail open);
 * - `"refuse"`: answers the store's error, a 503 (fail closed).
 */
export type StoreErrorPolicy = "local" | "allow" | "refuse";

/** Where a limiter reports store outages: `true` for `console.warn`, `false` for silence, or a function. */
export type OutageLogger = boolean | ((message: string, error?: unknown) => void);

/** Options of {@link rateLimit}. Every one is checked when `rateLimit(options)` is called. */
export interface RateLimitOptions {
  /** Requests allowed per `window` and key: a whole number from 1 to 1,000,000,000. */
  limit: number;
  /**
   * The window: a whole number of **seconds**, or a duration with a unit (`"15s"`, `"1m"`,
   * `"1h"`, `"1d"`); 1 second to 1 year.
   */
  window: Duration;
  /**
   * The policy's name (default `"default"`): in the `RateLimit` headers, on
   * `req.state.rateLimit`, and in the store keys (`rate-limit:<name>:...`). 1 to 64 characters
   * of `A-Z a-z 0-9 . _ -`. **Required with `store`**: limiters sharing a store count apart
   * only under different names (one name is one budget).
   */
  name?: string;
  /**
   * `"sliding"` (default): the sliding-window counter, which weighs the previous window's count
   * by how much of it still overlaps the last `window` (no double burst at window edges; two
   * store calls per request). `"fixed"`: one counter per window (one store call).
   */
  algorithm?: Algorithm;
  /**
   * Where counters live: any core `Store` (`@harpia/store-redis`'s `RedisStore` to share the
   * limit between instances). Default: a `MemoryStore` of this limiter's own, bounded to
   * 50,000 counters (least recently used evicted).
   */
  store?: Store;
  /**
   * Whose budget a request uses (default: `req.ip`, as the app's `trustProxy` decides it). A
   * string, or `undefined` to fall back to the address (anonymous requests, say).
   */
  key?: (req: HarpiaRequest<any>) => string | undefined | Promise<string | undefined>;
  /**
   * Addresses of one IPv6 network of this size count as one client (default 56; `128` or
   * `false`: each address alone). ISPs give a subscriber a /64 to /48, from which a client could
   * take a fresh address for every request. Not used for IPv4, nor with a `key` that answers.
   */
  ipv6Subnet?: number | false;
  /** Requests for which this returns true are not counted and get no headers. */
  skip?: (req: HarpiaRequest<any>) => boolean | Promise<boolean>;
  /** Client addresses (`req.ip`) never limited: IPs and CIDR ranges (`["10.0.0.0/8", "::1"]`). */
  allow?: readonly string[];
  /**
   * Which requests use up the budget, decided once the response is (the status is final, also
   * for errors): `"all"` (default), `"failures"` (status 400 and up: failed logins), or a
   * function. A request is counted when it arrives (so concurrent requests never overshoot)
   * and given back afterwards when it does not count. Refused requests (429) always count.
   */
  count?: "all" | "failures" | ((req: HarpiaRequest<any>, res: HarpiaResponse) => boolean);
  /** The rate-limit headers (default `"draft-11"`); see {@link HeaderStyle}. */
  headers?: HeaderStyle;
  /** What to do when the store fails (default `"local"`); see {@link StoreErrorPolicy}. */
  onStoreError?: StoreErrorPolicy;
  /** Where store outages are reported, once each (default `true`: `console.warn`). */
  logErrors?: OutageLogger;
  /** The clock, in epoch milliseconds (default `Date.now`); for tests. */
  now?: () => number;
}

/** The options, checked, with their defaults: what the middleware reads per request. */
export interface ResolvedOptions {
  readonly limit: number;
  readonly windowSeconds: number;
  readonly name: string;
  readonly algorithm: Algorithm;
  readonly store: Store;
  /** Whether `store` was made here (and is closed with the app). */
  readonly ownStore: MemoryStore | undefined;
  readonly key: RateLimitOptions["key"];
  readonly ipv6Subnet: number | false;
  readonly skip: RateLimitOptions["skip"];
  readonly allowed: ((address: string | undefined) => boolean) | undefined;
  /** Whether a finished request keeps its count; `undefined`: every request does. */
  readonly counts: ((req: HarpiaRequest<any>, res: HarpiaResponse) => boolean) | undefined;
  readonly headers: "draft" | "legacy" | false;
  readonly onStoreError: StoreErrorPolicy;
  readonly log: ((message: string, error?: unknown) => void) | undefined;
  readonly now: () => number;
}

/** Counters a default store keeps (about 180 bytes each: 9 MB at most). */
export const DEFAULT_MAX_COUNTERS = 50_000;
const LARGEST_LIMIT = 1_000_000_000;
const NAME = /^[A-Za-z0-9._-]{1,64}$/;
const KNOWN = new Set([
  "limit",
  "window",
  "name",
  "algorithm",
  "store",
  "key",
  "ipv6Subnet",
  "skip",
  "allow",
  "count",
  "headers",
  "onStoreError",
  "logErrors",
  "now",
]);
const STORE_METHODS = ["get", "increment"] as const;

const failures = (_req: HarpiaRequest<any>, res: HarpiaResponse) => res.statusCode >= 400;

function optionalFunction<T>(value: T, option: string): T {
  if (value !== undefined && typeof value !== "function")
    throw new TypeError(`rateLimit({ ${option} }) must be a function, got ${typeof value}`);
  return value;
}

function oneOf<T>(value: unknown, allowed: readonly T[], option: string): T {
  if (!allowed.includes(value as T))
    throw new TypeError(
      `rateLimit({ ${option} }) must be ${allowed.map((v) => JSON.stringify(v)).join(", ")}, got ${JSON.stringify(value)}`,
    );
  return value as T;
}

function logger(value: unknown): ResolvedOptions["log"] {
  if (value === false) return undefined;
  if (value === true) return (message, error) => console.warn(`[harpia/rate-limit] ${message}`, error ?? "");
  if (typeof value === "function") return value as (message: string, error?: unknown) => void;
  throw new TypeError(`rateLimit({ logErrors }) must be a boolean or a function, got ${typeof value}`);
}

/** Checks `options` once, at `rateLimit(options)`: a `TypeError` names the first bad option. */
export function resolveOptions(options: RateLimitOptions): ResolvedOptions {
  checkOptionKeys(options, "rateLimit()", KNOWN, ": rateLimit({ limit, window })");
  const {
    limit,
    window,
    name,
    algorithm = "sliding",
    store,
    key,
    ipv6Subnet = 56,
    skip,
    allow,
    count = "all",
    headers = "draft-11",
    onStoreError = "local",
    logErrors = true,
    now = Date.now,
  } = options;

  if (!Number.isInteger(limit) || limit < 1 || limit > LARGEST_LIMIT)
    throw new TypeError(
      `rateLimit({ limit }) must be a whole number of requests from 1 to ${LARGEST_LIMIT}, got ${String(limit)}`,
    );
  const windowSeconds = durationSeconds(window, "rateLimit({ window })");
  if (store !== undefined) {
    const usable =
      typeof store === "object" &&
      store !== null &&
      STORE_METHODS.every(
        (method) => typeof (store as unknown as Record<string, unknown>)[method] === "function",
      );
    if (!usable) throw new TypeError("rateLimit({ store }) must be a Store (a MemoryStore, a RedisStore...)");
    if (name === undefined)
      throw new TypeError(
        'rateLimit({ name }) is required with a store: counters are kept under it, so each limiter on one store needs its own (name: "login")',
      );
  }
  if (name !== undefined && (typeof name !== "string" || !NAME.test(name)))
    throw new TypeError(
      `rateLimit({ name }) must be 1 to 64 characters of A-Z a-z 0-9 . _ -, got ${JSON.stringify(name)}`,
    );
  oneOf(algorithm, ["sliding", "fixed"], "algorithm");
  oneOf(headers, ["draft-11", "draft-10", "legacy", false], "headers");
  oneOf(onStoreError, ["local", "allow", "refuse"], "onStoreError");
  optionalFunction(key, "key");
  if (ipv6Subnet !== false && (!Number.isInteger(ipv6Subnet) || ipv6Subnet < 8 || ipv6Subnet > 128))
    throw new TypeError(
      `rateLimit({ ipv6Subnet }) must be a prefix length from 8 to 128, or false, got ${String(ipv6Subnet)}`,
    );
  optionalFunction(skip, "skip");
  if (typeof now !== "function")
    throw new TypeError(`rateLimit({ now }) must be a function, got ${typeof now}`);
  let counts: ResolvedOptions["counts"];
  if (count === "failures") counts = failures;
  else if (typeof count === "function") counts = count;
  else if (count !== "all")
    throw new TypeError(
      `rateLimit({ count }) must be "all", "failures" or a function (req, res) => boolean, got ${JSON.stringify(count)}`,
    );
  const allowed = allow === undefined ? undefined : compileAllowList(allow, "rateLimit({ allow })");
  const log = logger(logErrors);

  const ownStore = store === undefined ? new MemoryStore({ maxEntries: DEFAULT_MAX_COUNTERS }) : undefined;
  return {
    limit,
    windowSeconds,
    name: name ?? "default",
    algorithm,
    store: store ?? ownStore!,
    ownStore,
    key,
    ipv6Subnet,
    skip,
    allowed,
    counts,
    headers: headers === "legacy" || headers === false ? headers : "draft",
    onStoreError,
    log,
    now,
  };
}
