/**
 * A key-value store for sessions, CSRF tokens, caches and counters. Values are JSON-like
 * (objects, arrays, strings, numbers, booleans, null, dates as strings once stored).
 *
 * Every operation must be atomic on its own key so many app instances can share one store:
 * a Redis implementation maps `set` to `SET ... EX`, `add` to `SET ... NX`, `increment` to
 * `INCRBY` (+ `EXPIRE` on creation), `expire` to `EXPIRE`, `clear` to `SCAN` + `UNLINK`.
 * Never implement `increment` as get-then-set.
 */
export interface Store {
  /** The value, or `undefined` when absent or expired. Returns a copy. */
  get<T = any>(key: string): Promise<T | undefined>;
  /**
   * Stores a copy of `value`, replacing any previous one; expires after `ttlSeconds` if given.
   * `undefined` removes the key (as `delete`), so `get` then answers `undefined`, as it does
   * for any missing key.
   */
  set(key: string, value: unknown, ttlSeconds?: number): Promise<void>;
  /**
   * Stores only when the key is absent (e.g. a lock or a one-time token). True when stored.
   * `undefined` is a `TypeError` (there is nothing to add).
   */
  add(key: string, value: unknown, ttlSeconds?: number): Promise<boolean>;
  /** Removes a key (no error when absent). */
  delete(key: string): Promise<void>;
  /** Whether the key exists and has not expired. */
  has(key: string): Promise<boolean>;
  /**
   * Adds `by` (default 1) to a numeric counter and returns the new value, atomically. A new
   * counter starts at 0 and, when `ttlSeconds` is given, expires that long after creation
   * (a fixed window, as rate limiters need).
   */
  increment(key: string, by?: number, ttlSeconds?: number): Promise<number>;
  /** Resets a key's time to live (sliding expiry). False when the key does not exist. */
  expire(key: string, ttlSeconds: number): Promise<boolean>;
  /** Removes every key starting with `prefix` (every key when omitted). */
  clear(prefix?: string): Promise<void>;
}

/** Options of {@link AtomicStore.listPush}. */
export interface ListPushOptions {
  /** Keep only the newest `maxLength` items (LPUSH + LTRIM). */
  maxLength?: number;
  /** Expire the whole list this long after the push. */
  ttlSeconds?: number;
}

/**
 * A {@link Store} with atomic collection operations, for data that many instances update at
 * once (telemetry counters, unique visitors, bounded event lists). In Redis these are
 * `HINCRBY`/`HGETALL`, `SADD`/`SCARD`/`SMEMBERS`, `LPUSH`+`LTRIM`/`LRANGE` and `SCAN`.
 *
 * Expiry of collections is sliding: a `ttlSeconds` given to `hashIncrement`, `setAdd` or
 * `listPush` (re)sets the whole key's time to live on every call (`EXPIRE` after the write),
 * unlike `increment`, whose TTL is fixed at creation (a rate-limit window).
 */
export interface AtomicStore extends Store {
  /** Adds `by` to a field of a hash of counters; returns the field's new value. */
  hashIncrement(key: string, field: string, by?: number, ttlSeconds?: number): Promise<number>;
  /** Every field of a hash of counters (empty when absent). */
  hashGetAll(key: string): Promise<Record<string, number>>;
  /** Removes fields of a hash (`HDEL`); returns how many existed. */
  hashDelete(key: string, fields: string[]): Promise<number>;
  /** Adds members to a set; returns how many were new. */
  setAdd(key: string, members: string[], ttlSeconds?: number): Promise<number>;
  /** Members of a set (empty when absent). */
  setMembers(key: string): Promise<string[]>;
  /** Size of a set. */
  setSize(key: string): Promise<number>;
  /** Whether a set holds `member`. */
  setHas(key: string, member: string): Promise<boolean>;
  /** Removes members of a set (`SREM`); returns how many were there. */
  setRemove(key: string, members: string[]): Promise<number>;
  /** Prepends values to a list (newest first), optionally trimmed; returns the new length. */
  listPush(key: string, values: unknown[], options?: ListPushOptions): Promise<number>;
  /** Items `start..stop` of a list, inclusive (`-1` is the last), newest first. */
  listRange<T = any>(key: string, start?: number, stop?: number): Promise<T[]>;
  /**
   * Removes every item equal to one of `values` (compared as stored JSON, so pass items as
   * `listRange` returned them); returns how many were removed. Items pushed meanwhile are
   * kept: it removes in place (`LREM`), never by rewriting the list.
   */
  listRemove(key: string, values: unknown[]): Promise<number>;
  /** Keys starting with `prefix`. */
  keys(prefix: string): Promise<string[]>;
}

/** Thrown when an operation meets a key holding another kind of value (like Redis's WRONGTYPE). */
export class StoreTypeError extends Error {
  constructor(key: string, expected: string, actual: string) {
    super(`Store key "${key}" holds a ${actual}, not a ${expected}`);
    this.name = "StoreTypeError";
  }
}
