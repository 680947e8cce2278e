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
  value: unknown;
  /** Epoch ms, or 0 for never. */
  expiresAt: number;
}

function copy<T>(value: T): T {
  if (value === null || typeof value !== "object") return value;
  return structuredClone(value);
}

function checkTtl(ttlSeconds: number | undefined): void {
  if (ttlSeconds !== undefined && !(ttlSeconds > 0))
    throw new RangeError(`TTL must be a positive number of seconds, got ${ttlSeconds}`);
}

/**
 * An in-process {@link AtomicStore}: TTL expiry, a size cap with least-recently-used eviction,
 * and values copied in and out so a caller's later mutation never changes what is stored.
 * For one process; use `@harpia/store-redis` to share state between instances.
 */
export class MemoryStore implements AtomicStore {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly maxCollectionSize: number;
  private readonly maxListLength: number;
  private readonly timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: MemoryStoreOptions = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.maxCollectionSize = options.maxCollectionSize ?? 10_000;
    this.maxListLength = options.maxListLength ?? 1_000;
    if (!(this.maxEntries > 0)) throw new RangeError("maxEntries must be positive");
    const sweep = options.sweepIntervalSeconds ?? 60;
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
    this.entries.delete(key);
    this.entries.set(key, entry);
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
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  private expiry(ttlSeconds: number | undefined): number {
    checkTtl(ttlSeconds);
    return ttlSeconds === undefined ? 0 : Date.now() + ttlSeconds * 1000;
  }

  async get<T = any>(key: string): Promise<T | undefined> {
    const entry = this.typed(key, "value");
    return entry === undefined ? undefined : copy(entry.value as T);
  }

  async set(key: string, value: unknown, ttlSeconds?: number): Promise<void> {
    if (value === undefined) throw new TypeError(`Cannot store undefined under "${key}"; use delete()`);
    this.put(key, { kind: "value", value: copy(value), expiresAt: this.expiry(ttlSeconds) });
  }

  async add(key: string, value: unknown, ttlSeconds?: number): Promise<boolean> {
    if (this.touch(key) !== undefined) return false;
    await this.set(key, value, ttlSeconds);
    return true;
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async has(key: string): Promise<boolean> {
    return this.touch(key) !== undefined;
  }

  async increment(key: string, by = 1, ttlSeconds?: number): Promise<number> {
    const entry = this.typed(key, "value");
    if (entry === undefined) {
      this.put(key, { kind: "value", value: by, expiresAt: this.expiry(ttlSeconds) });
      return by;
    }
    if (typeof entry.value !== "number") throw new StoreTypeError(key, "number", typeof entry.value);
    entry.value += by;
    return entry.value as number;
  }

  async expire(key: string, ttlSeconds: number): Promise<boolean> {
    const entry = this.touch(key);
    if (entry === undefined) return false;
    entry.expiresAt = this.expiry(ttlSeconds);
    return true;
  }

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

  async hashIncrement(key: string, field: string, by = 1, ttlSeconds?: number): Promise<number> {
    const hash = this.collection(key, "hash", () => new Map<string, number>(), ttlSeconds);
    const current = hash.get(field);
    if (current === undefined && hash.size >= this.maxCollectionSize) return 0;
    const next = (current ?? 0) + by;
    hash.set(field, next);
    return next;
  }

  async hashGetAll(key: string): Promise<Record<string, number>> {
    const entry = this.typed(key, "hash");
    return entry === undefined ? {} : Object.fromEntries(entry.value as Map<string, number>);
  }

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

  async setMembers(key: string): Promise<string[]> {
    const entry = this.typed(key, "set");
    return entry === undefined ? [] : [...(entry.value as Set<string>)];
  }

  async setSize(key: string): Promise<number> {
    const entry = this.typed(key, "set");
    return entry === undefined ? 0 : (entry.value as Set<string>).size;
  }

  async setHas(key: string, member: string): Promise<boolean> {
    const entry = this.typed(key, "set");
    return entry !== undefined && (entry.value as Set<string>).has(member);
  }

  async listPush(key: string, values: unknown[], options: ListPushOptions = {}): Promise<number> {
    const list = this.collection(key, "list", () => [] as unknown[], options.ttlSeconds);
    for (const value of values) list.unshift(copy(value));
    const max = Math.min(options.maxLength ?? this.maxListLength, this.maxListLength);
    if (list.length > max) list.length = max;
    return list.length;
  }

  async listRange<T = any>(key: string, start = 0, stop = -1): Promise<T[]> {
    const entry = this.typed(key, "list");
    if (entry === undefined) return [];
    const list = entry.value as T[];
    const from = start < 0 ? Math.max(0, list.length + start) : start;
    const to = stop < 0 ? list.length + stop : Math.min(stop, list.length - 1);
    return to < from ? [] : list.slice(from, to + 1).map(copy);
  }

  async keys(prefix: string): Promise<string[]> {
    const now = Date.now();
    const out: string[] = [];
    for (const [key, entry] of this.entries) {
      if (key.startsWith(prefix) && (entry.expiresAt === 0 || entry.expiresAt > now)) out.push(key);
    }
    return out;
  }
}
