import { encodeStoreValue } from "./serialize";
import { type AtomicStore, type ListPushOptions, StoreTypeError } from "./types";

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** Most keys kept; the least recently used is evicted beyond it (default 10,000). */
  maxEntries?: number;
  /** Most fields of one hash or members of one set (default 10,000); more are refused. */
  maxCollectionSize?: number;
  /** Longest list kept when `listPush` gives no `maxLength` (default 1,000). */
  maxListLength?: number;
  /** Seconds between sweeps of expired keys (default 60; 0 disables the timer). */
  sweepIntervalSeconds?: number;
}

type Kind = "value" | "hash" | "set" | "list";

interface Entry {
  kind: Kind;
  /**
   * A plain value or list item is kept as its JSON text, except a finite number, kept as the
   * number (what its JSON round trip gives: counters skip the encoding); hashes and sets as a
   * Map / Set.
   */
  value: unknown;
  /** Epoch ms, or 0 for never. */
  expiresAt: number;
}

/**
 * Values are kept as JSON text, exactly what a Redis store keeps, so code that works against
 * this store behaves the same against Redis (a `Date` comes back as a string, `undefined`
 * fields vanish) and no caller can mutate what is stored through a reference.
 */
function deserialize<T>(text: unknown): T {
  return JSON.parse(text as string) as T;
}

/** A plain value as an entry keeps it: a finite number as is (`-0` as `0`, as JSON has it), else its JSON. */
function stored(key: string, value: unknown): unknown {
  return typeof value === "number" && Number.isFinite(value) ? value + 0 : encodeStoreValue(key, value);
}

/** A plain entry's value, a fresh copy. */
function load<T>(value: unknown): T {
  return (typeof value === "number" ? value : deserialize<T>(value)) as T;
}

function checkTtl(ttlSeconds: number | undefined): void {
  if (ttlSeconds !== undefined && !(ttlSeconds > 0))
    throw new RangeError(`TTL must be a positive number of seconds, got ${ttlSeconds}`);
}

function checkStep(by: number): void {
  if (typeof by !== "number" || !Number.isFinite(by))
    throw new TypeError(`increment step must be a finite number, got ${String(by)}`);
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

/**
 * An in-process {@link AtomicStore}: TTL expiry, a size cap with least-recently-used eviction,
 * and values kept as JSON so a caller's later mutation never changes what is stored (and what
 * comes back matches a Redis store). For one process; use `@harpia/store-redis` to share
 * state between instances.
 *
 * @example
 * const store = new MemoryStore({ maxEntries: 50_000 });
 * await store.set("session123", { userId: 1, username: "Alice" }, 3600);
 * await store.get("session123"); // { userId: 1, username: "Alice" }
 */
export class MemoryStore implements AtomicStore {
  private readonly entries = new Map<string, Entry>();
  /** The key last put or touched (the newest in `entries`): touching it again reorders nothing. */
  private newest: string | undefined = undefined;
  private readonly maxEntries: number;
  private readonly maxCollectionSize: number;
  private readonly maxListLength: number;
  private readonly timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: MemoryStoreOptions = {}) {
    this.maxEntries = positiveInteger("maxEntries", options.maxEntries ?? 10_000);
    this.maxCollectionSize = positiveInteger("maxCollectionSize", options.maxCollectionSize ?? 10_000);
    this.maxListLength = positiveInteger("maxListLength", options.maxListLength ?? 1_000);
    const sweep = options.sweepIntervalSeconds ?? 60;
    if (!(sweep >= 0)) throw new RangeError(`sweepIntervalSeconds must be 0 or more, got ${sweep}`);
    if (sweep > 0) {
      this.timer = setInterval(() => this.sweep(), sweep * 1000);
      this.timer.unref?.();
    }
  }

  /** Number of live keys (expired ones may be counted until swept). */
  get size(): number {
    return this.entries.size;
  }

  /** Stops the sweep timer. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Removes expired keys now. */
  sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries)
      if (entry.expiresAt !== 0 && entry.expiresAt <= now) this.entries.delete(key);
  }

  /** The live entry, refreshed as most recently used; expired ones are dropped. */
  private touch(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt !== 0 && entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    if (key !== this.newest) {
      this.entries.delete(key);
      this.entries.set(key, entry);
      this.newest = key;
    }
    return entry;
  }

  private typed(key: string, kind: Kind): Entry | undefined {
    const entry = this.touch(key);
    if (entry !== undefined && entry.kind !== kind) throw new StoreTypeError(key, kind, entry.kind);
    return entry;
  }

  private put(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.newest = key;
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  private expiry(ttlSeconds: number | undefined): number {
    checkTtl(ttlSeconds);
    return ttlSeconds === undefined ? 0 : Date.now() + ttlSeconds * 1000;
  }

  /** The value, or `undefined` when absent or expired (a fresh copy each time). */
  async get<T = any>(key: string): Promise<T | undefined> {
    return this.getSync<T>(key);
  }

  /**
   * {@link get}, answered synchronously (a `StoreTypeError` is thrown, not rejected): for
   * in-process callers on a hot path, such as `@harpia/rate-limit` with a memory store.
   */
  getSync<T = any>(key: string): T | undefined {
    const entry = this.typed(key, "value");
    return entry === undefined ? undefined : load<T>(entry.value);
  }

  /**
   * Stores `value` as JSON, replacing any previous one; `ttlSeconds` must be positive.
   * `undefined` removes the key, so `get` answers `undefined` as for any missing key.
   */
  async set(key: string, value: unknown, ttlSeconds?: number): Promise<void> {
    const expiresAt = this.expiry(ttlSeconds);
    if (value === undefined) {
      this.entries.delete(key);
      return;
    }
    this.put(key, { kind: "value", value: stored(key, value), expiresAt });
  }

  /** Stores only when the key is absent or expired; true when stored. `undefined` is refused. */
  async add(key: string, value: unknown, ttlSeconds?: number): Promise<boolean> {
    if (value === undefined) encodeStoreValue(key, value); // throws: nothing to add
    if (this.touch(key) !== undefined) return false;
    await this.set(key, value, ttlSeconds);
    return true;
  }

  /** Removes a key (no error when absent). */
  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  /** Whether the key exists and has not expired (counts as a use for LRU). */
  async has(key: string): Promise<boolean> {
    return this.touch(key) !== undefined;
  }

  /** Adds `by` to a counter; a new counter starts at 0 and gets `ttlSeconds` (fixed window). */
  async increment(key: string, by = 1, ttlSeconds?: number): Promise<number> {
    return this.incrementSync(key, by, ttlSeconds);
  }

  /**
   * {@link increment}, answered synchronously (errors are thrown, not rejected): for in-process
   * callers on a hot path, such as `@harpia/rate-limit` with a memory store. The counter is
   * kept as a number, never encoded.
   */
  incrementSync(key: string, by = 1, ttlSeconds?: number): number {
    checkStep(by);
    const entry = this.typed(key, "value");
    if (entry === undefined) {
      const value = by + 0;
      this.put(key, { kind: "value", value, expiresAt: this.expiry(ttlSeconds) });
      return value;
    }
    const current = load<unknown>(entry.value);
    if (typeof current !== "number") throw new StoreTypeError(key, "number", typeof current);
    const next = current + by;
    // Past the finite range JSON would store null: the next increment then fails, as it did.
    entry.value = stored(key, next);
    return next;
  }

  /** Resets a key's time to live; false when the key does not exist. */
  async expire(key: string, ttlSeconds: number): Promise<boolean> {
    const entry = this.touch(key);
    if (entry === undefined) return false;
    entry.expiresAt = this.expiry(ttlSeconds);
    return true;
  }

  /** Removes every key starting with `prefix`, or every key. */
  async clear(prefix?: string): Promise<void> {
    if (prefix === undefined || prefix === "") {
      this.entries.clear();
      return;
    }
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  private collection<T>(key: string, kind: Kind, create: () => T, ttlSeconds?: number): T {
    let entry = this.typed(key, kind);
    if (entry === undefined) {
      entry = { kind, value: create(), expiresAt: this.expiry(ttlSeconds) };
      this.put(key, entry);
    } else if (ttlSeconds !== undefined) {
      entry.expiresAt = this.expiry(ttlSeconds);
    }
    return entry.value as T;
  }

  /** Adds to a field; a new field beyond `maxCollectionSize` is ignored and 0 returned. */
  async hashIncrement(key: string, field: string, by = 1, ttlSeconds?: number): Promise<number> {
    checkStep(by);
    const hash = this.collection(key, "hash", () => new Map<string, number>(), ttlSeconds);
    const current = hash.get(field);
    if (current === undefined && hash.size >= this.maxCollectionSize) return 0;
    const next = (current ?? 0) + by;
    hash.set(field, next);
    return next;
  }

  /** Every field of a hash of counters (empty when absent). */
  async hashGetAll(key: string): Promise<Record<string, number>> {
    const entry = this.typed(key, "hash");
    return entry === undefined ? {} : Object.fromEntries(entry.value as Map<string, number>);
  }

  /** Adds members; members beyond `maxCollectionSize` are ignored (not counted as added). */
  async setAdd(key: string, members: string[], ttlSeconds?: number): Promise<number> {
    const set = this.collection(key, "set", () => new Set<string>(), ttlSeconds);
    let added = 0;
    for (const member of members) {
      if (set.has(member) || set.size >= this.maxCollectionSize) continue;
      set.add(member);
      added++;
    }
    return added;
  }

  /** Members of a set (empty when absent). */
  async setMembers(key: string): Promise<string[]> {
    const entry = this.typed(key, "set");
    return entry === undefined ? [] : [...(entry.value as Set<string>)];
  }

  /** Size of a set (0 when absent). */
  async setSize(key: string): Promise<number> {
    const entry = this.typed(key, "set");
    return entry === undefined ? 0 : (entry.value as Set<string>).size;
  }

  /** Whether a set holds `member`. */
  async setHas(key: string, member: string): Promise<boolean> {
    const entry = this.typed(key, "set");
    return entry !== undefined && (entry.value as Set<string>).has(member);
  }

  /** Prepends values (newest first), keeping at most `maxLength` (and never more than `maxListLength`). */
  async listPush(key: string, values: unknown[], options: ListPushOptions = {}): Promise<number> {
    if (options.maxLength !== undefined) positiveInteger("listPush maxLength", options.maxLength);
    // Serialised first, so a value that is not JSON leaves the list untouched.
    const items = values.map((value) => encodeStoreValue(key, value));
    const list = this.collection(key, "list", () => [] as string[], options.ttlSeconds);
    for (const item of items) list.unshift(item);
    const max = Math.min(options.maxLength ?? this.maxListLength, this.maxListLength);
    if (list.length > max) list.length = max;
    return list.length;
  }

  /** Items `start..stop` inclusive (negative counts from the end), newest first. */
  async listRange<T = any>(key: string, start = 0, stop = -1): Promise<T[]> {
    const entry = this.typed(key, "list");
    if (entry === undefined) return [];
    const list = entry.value as string[];
    const from = start < 0 ? Math.max(0, list.length + start) : start;
    const to = stop < 0 ? list.length + stop : Math.min(stop, list.length - 1);
    return to < from ? [] : list.slice(from, to + 1).map((item) => deserialize<T>(item));
  }

  async hashDelete(key: string, fields: string[]): Promise<number> {
    const entry = this.typed(key, "hash");
    if (entry === undefined) return 0;
    const hash = entry.value as Map<string, number>;
    let removed = 0;
    for (const field of fields) if (hash.delete(field)) removed++;
    if (hash.size === 0) this.entries.delete(key);
    return removed;
  }

  async setRemove(key: string, members: string[]): Promise<number> {
    const entry = this.typed(key, "set");
    if (entry === undefined) return 0;
    const set = entry.value as Set<string>;
    let removed = 0;
    for (const member of members) if (set.delete(member)) removed++;
    if (set.size === 0) this.entries.delete(key);
    return removed;
  }

  async listRemove(key: string, values: unknown[]): Promise<number> {
    const entry = this.typed(key, "list");
    if (entry === undefined) return 0;
    const doomed = new Set(values.map((value) => encodeStoreValue(key, value)));
    const list = entry.value as string[];
    const kept = list.filter((item) => !doomed.has(item));
    const removed = list.length - kept.length;
    if (kept.length === 0) this.entries.delete(key);
    else entry.value = kept;
    return removed;
  }

  /** Live keys starting with `prefix`. */
  async keys(prefix: string): Promise<string[]> {
    const now = Date.now();
    const out: string[] = [];
    for (const [key, entry] of this.entries) {
      if (key.startsWith(prefix) && (entry.expiresAt === 0 || entry.expiresAt > now)) out.push(key);
    }
    return out;
  }
}
