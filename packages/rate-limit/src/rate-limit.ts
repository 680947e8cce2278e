import {
  definePlugin,
  type HarpiaRequest,
  type HarpiaResponse,
  HttpError,
  isHttpError,
  MemoryStore,
  type Middleware,
  type Next,
  type Plugin,
  type Store,
} from "@harpia/core";
import { isThenable } from "@harpia/core/utils";
import { createCounter, type Hit, type SyncStore } from "./algorithms";
import { addressKey, userKey } from "./client-key";
import { headersOf, headerWriter } from "./headers";
import { DEFAULT_MAX_COUNTERS, type RateLimitOptions, resolveOptions } from "./options";

/** What one limiter decided for a request, on `req.state.rateLimit[name]`. */
export interface RateLimitInfo {
  /** The policy's name (the limiter's `name`). */
  readonly name: string;
  /** Requests allowed per window. */
  readonly limit: number;
  /** The window, in seconds. */
  readonly window: number;
  /** Requests left (0 when refused). */
  readonly remaining: number;
  /** Seconds until the window ends, or (refused) until a request would be allowed: the `Retry-After`. */
  readonly reset: number;
  /** Whether the request is within the limit. */
  readonly allowed: boolean;
}

declare module "@harpia/core" {
  interface RequestState {
    /**
     * The limits this request was counted against, by policy name (set by `@harpia/rate-limit`
     * when a limiter counts it; absent for skipped and allowed-listed requests).
     */
    rateLimit?: Record<string, RateLimitInfo>;
  }
}

/** The plugin's name (`app.hasPlugin("@harpia/rate-limit")`). */
export const PLUGIN_NAME = "@harpia/rate-limit";

/**
 * A limiter: middleware for one route (`app.post("/login", limiter, handler)`) or a router
 * (`router.use(limiter)`), and a plugin for the whole app (`app.use(limiter)`).
 */
export type RateLimiter = Middleware & Plugin;

/** What a refused request's error carries beyond its headers. */
const REFUSED_CODE = "RATE_LIMITED";

/**
 * The store as a {@link SyncStore} when it is a core `MemoryStore` whose `get` and `increment`
 * are its own (not overridden by a subclass): then counting skips the promises.
 */
function syncStore(store: Store): SyncStore | undefined {
  if (!(store instanceof MemoryStore)) return undefined;
  const proto = MemoryStore.prototype;
  return store.increment === proto.increment && store.get === proto.get ? store : undefined;
}

/** The 503 of `onStoreError: "refuse"`: the store's own when it is one (store-redis's), else a wrapper. */
function unavailable(error: unknown): HttpError {
  if (isHttpError(error) && error.status === 503) return error;
  return new HttpError(503, "Service temporarily unavailable: the rate limit cannot be checked", {
    code: "SERVICE_UNAVAILABLE",
    expose: true,
    cause: error,
    headers: { "retry-after": "1" },
  });
}

/**
 * Limits how many requests a client makes per window: `limit` per `window`, counted atomically
 * in a `Store` (a bounded `MemoryStore` of its own by default; a `RedisStore` shares the limit
 * between instances, exactly). Over the limit, the request is refused with a `429` thrown as an
 * `HttpError` (`code: "RATE_LIMITED"`, `Retry-After`), answered by the app's error handler.
 * Every counted response carries the IETF `RateLimit-Policy` and `RateLimit` headers.
 *
 * Clients are told apart by `req.ip` (which follows the app's `trustProxy`; IPv6 by /56
 * network), or by `key(req)`. Use the value on one route or router, or `app.use` it for every
 * request that reaches its place in the chain.
 *
 * @example
 * import harpia from "@harpia/core";
 * import { rateLimit } from "@harpia/rate-limit";
 *
 * const app = harpia();
 * app.use(rateLimit({ limit: 300, window: "1m" })); // every route, per client address
 * app.post("/login", rateLimit({ limit: 5, window: "1m", name: "login" }), () => "welcome");
 */
export function rateLimit(options: RateLimitOptions): RateLimiter {
  const settings = resolveOptions(options);
  const { name, limit, windowSeconds, key, skip, allowed, counts, onStoreError, log, now, ipv6Subnet } =
    settings;
  const counter = createCounter(settings.algorithm, `rate-limit:${name}:`, limit, windowSeconds);
  const { write: writeHeaders, names: headerNames } = headerWriter(
    settings.headers,
    name,
    limit,
    windowSeconds,
  );

  /** This process's counters while the store fails (`onStoreError: "local"`), made on the first failure. */
  let local: MemoryStore | undefined;
  let failing = false;

  /** The counter key of a `key` option's answer: that answer, else the address. */
  const clientOf = (req: HarpiaRequest<any>, value: unknown): string => {
    if (value === undefined) return addressKey(req.ip, ipv6Subnet);
    if (typeof value !== "string" || value === "")
      throw new TypeError(
        `rateLimit({ key }) returned ${JSON.stringify(value)}: a key is a non-empty string, or undefined for the client address`,
      );
    return userKey(value);
  };

  /** What a failing store leaves: `undefined` when `onStoreError` lets the request through uncounted. */
  const failed = async (error: unknown, client: string, at: number): Promise<[Hit, Store] | undefined> => {
    if (onStoreError === "refuse") throw unavailable(error);
    if (!failing) {
      failing = true;
      log?.(
        `rate limit "${name}": the store failed; ${
          onStoreError === "local" ? "counting in this process's memory" : "requests pass uncounted"
        } until it answers again:`,
        error,
      );
    }
    if (onStoreError === "allow") return undefined;
    local ??= new MemoryStore({ maxEntries: DEFAULT_MAX_COUNTERS });
    return [await counter.hit(local, client, at), local];
  };

  const recovered = (): void => {
    failing = false;
    log?.(`rate limit "${name}": the store answers again`);
  };

  /** Counts the request; `undefined` when the store failed and `onStoreError` lets it through. */
  const count = async (client: string, at: number): Promise<[Hit, Store] | undefined> => {
    let hit: Hit;
    try {
      hit = await counter.hit(settings.store, client, at);
    } catch (error) {
      return failed(error, client, at);
    }
    if (failing) recovered();
    return [hit, settings.store];
  };

  /** The store when it answers synchronously (a memory store): no promise per request. */
  const memory = syncStore(settings.store);

  /** The request counted as `hit` in `store`: headers, state, the 429, and the rest of the chain. */
  const decided = (
    req: HarpiaRequest<any>,
    res: HarpiaResponse,
    next: Next,
    hit: Hit,
    store: Store,
  ): unknown => {
    writeHeaders(res, hit.remaining, hit.resetSeconds);
    const state = req.state;
    state.rateLimit ??= Object.create(null) as Record<string, RateLimitInfo>;
    state.rateLimit[name] = {
      name,
      limit,
      window: windowSeconds,
      remaining: hit.remaining,
      reset: hit.resetSeconds,
      allowed: hit.allowed,
    };
    if (!hit.allowed) {
      const seconds = hit.resetSeconds;
      throw new HttpError(
        429,
        `Too many requests: try again in ${seconds} second${seconds === 1 ? "" : "s"}`,
        {
          code: REFUSED_CODE,
          headers: { ...headersOf(res, headerNames), "retry-after": String(seconds) },
        },
      );
    }
    if (counts === undefined) return next();
    return settle(req, res, next, hit, store);
  };

  /** Runs the rest of the chain, then gives the request back when it turned out not to count. */
  const settle = async (
    req: HarpiaRequest<any>,
    res: HarpiaResponse,
    next: Next,
    hit: Hit,
    store: Store,
  ): Promise<void> => {
    await next();
    // The response is decided (an error downstream was answered where it happened).
    if (counts!(req, res)) return;
    try {
      await counter.refund(store, hit, now());
    } catch (error) {
      log?.(`rate limit "${name}": could not give back an uncounted request:`, error);
    }
  };

  /** Counts the request of `client`: synchronously on a memory store that answers, else awaited. */
  const counted = (req: HarpiaRequest<any>, res: HarpiaResponse, next: Next, client: string): unknown => {
    const at = now();
    if (memory !== undefined && !failing) {
      let hit: Hit | undefined;
      try {
        hit = counter.hitSync(memory, client, at);
      } catch (error) {
        return failed(error, client, at).then((out) =>
          out === undefined ? next() : decided(req, res, next, out[0], out[1]),
        );
      }
      return decided(req, res, next, hit, settings.store);
    }
    return count(client, at).then((out) =>
      out === undefined ? next() : decided(req, res, next, out[0], out[1]),
    );
  };

  /** After `skip`: the allow list, the client's key, then counting. Synchronous while everything is. */
  const limited = (req: HarpiaRequest<any>, res: HarpiaResponse, next: Next): unknown => {
    if (allowed?.(req.ip)) return next();
    if (key === undefined) return counted(req, res, next, addressKey(req.ip, ipv6Subnet));
    const value = key(req);
    if (isThenable(value))
      return Promise.resolve(value).then((resolved) => counted(req, res, next, clientOf(req, resolved)));
    return counted(req, res, next, clientOf(req, value));
  };

  // Synchronous on the common path (no `skip`, a sync `key`, a memory store), so the chain
  // after it stays synchronous too; anything async is awaited where it appears.
  const limiter: Middleware = (req, res, next) => {
    if (skip === undefined) return limited(req, res, next);
    const skipped = skip(req);
    if (isThenable(skipped))
      return Promise.resolve(skipped).then((yes) => (yes ? next() : limited(req, res, next)));
    return skipped ? next() : limited(req, res, next);
  };

  return definePlugin(
    {
      name: PLUGIN_NAME,
      setup(app) {
        // Not app.use(limiter): the limiter is this plugin value, already being installed.
        app.use((req, res, next) => limiter(req, res, next));
        app.onClose(() => {
          settings.ownStore?.close();
          local?.close();
        });
      },
    },
    limiter,
  );
}
