import { MemoryStore } from "./memory-store";
import type { Store } from "./types";

/** Options of {@link Cache}. */
export interface CacheOptions {
  /** Where entries live (default: a new `MemoryStore`). */
  store?: Store;
  /** Default time to live in seconds (default: none; the store's size cap still applies). */
  ttl?: number;
  /** Key prefix, so a cache can share a store with sessions and CSRF (default `cache:`). */
  prefix?: string;
}

/**
 * A cache over any {@link Store}. `wrap` computes a missing value once even when many
 * requests miss the same key at the same time (per process; the store is the shared copy).
 *
 * @example
 * const cache = new Cache({ ttl: 60 });
 * const user = await cache.wrap(`user:${id}`, 60, () => db.findUser(id));
 */
export class Cache {
  /** The store behind this cache (shared with other users of the same store). */
  readonly store: Store;
  private readonly ttl: number | undefined;
  private readonly prefix: string;
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(storeOrOptions?: Store | CacheOptions) {
    const options: CacheOptions =
      storeOrOptions && typeof (storeOrOptions as Store).get === "function"
        ? { store: storeOrOptions as Store }
        : ((storeOrOptions as CacheOptions | undefined) ?? {});
    if (options.ttl !== undefined && !(options.ttl > 0))
      throw new RangeError(`Cache ttl must be a positive number of seconds, got ${options.ttl}`);
    this.store = options.store ?? new MemoryStore();
    this.ttl = options.ttl;
    this.prefix = options.prefix ?? "cache:";
  }

  private key(key: string): string {
    return this.prefix + key;
  }

  /** The cached value, or `undefined`. */
  get<T = any>(key: string): Promise<T | undefined> {
    return this.store.get<T>(this.key(key));
  }

  /**
   * Caches a value for `ttl` seconds (default: the cache's `ttl`). `undefined` removes the
   * entry, so `get` answers `undefined` as for anything not cached.
   */
  set(key: string, value: unknown, ttl: number | undefined = this.ttl): Promise<void> {
    if (value === undefined) return this.store.delete(this.key(key));
    return this.store.set(this.key(key), value, ttl);
  }

  /** Whether a value is cached. */
  has(key: string): Promise<boolean> {
    return this.store.has(this.key(key));
  }

  /** Removes a cached value. */
  delete(key: string): Promise<void> {
    return this.store.delete(this.key(key));
  }

  /** Removes every value of this cache (only keys under its prefix). */
  clear(): Promise<void> {
    return this.store.clear(this.prefix);
  }

  /**
   * Returns the cached value, or computes it with `compute`, caches it for `ttl` seconds (the
   * cache's default when omitted) and returns it. Concurrent misses on one key share a single
   * computation, in this process. A computation that fails caches nothing and every waiter
   * gets its error. `undefined` results are returned but not cached.
   */
  wrap<T>(key: string, compute: () => T | Promise<T>): Promise<T>;
  wrap<T>(key: string, ttl: number | undefined, compute: () => T | Promise<T>): Promise<T>;
  async wrap<T>(
    key: string,
    ttlOrCompute: number | undefined | (() => T | Promise<T>),
    maybeCompute?: () => T | Promise<T>,
  ): Promise<T> {
    const compute = typeof ttlOrCompute === "function" ? ttlOrCompute : maybeCompute;
    const ttl = typeof ttlOrCompute === "function" ? undefined : ttlOrCompute;
    if (typeof compute !== "function")
      throw new TypeError("cache.wrap(key, [ttl], compute) needs a function");
    // Checked before and after the read: a miss that arrives while a computation runs joins it.
    const running = this.inFlight.get(key);
    if (running) return running as Promise<T>;
    const cached = await this.get<T>(key);
    if (cached !== undefined) return cached;
    const pending = this.inFlight.get(key);
    if (pending) return pending as Promise<T>;
    const run = (async () => {
      try {
        const value = await compute();
        if (value !== undefined) await this.set(key, value, ttl ?? this.ttl);
        return value;
      } finally {
        this.inFlight.delete(key);
      }
    })();
    this.inFlight.set(key, run);
    return run;
  }
}
